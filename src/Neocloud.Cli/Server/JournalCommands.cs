using System.CommandLine;
using System.Data.Common;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Neocloud.Exchange.Audit;
using Neocloud.Storage;
using Npgsql;

namespace Neocloud.Cli.Server;

/// <summary>
/// <c>neocloud journal verify</c> (the journal's hash chain walked, its commands replayed and compared with the newest
/// snapshot, and signed heads recorded earlier checked), <c>neocloud journal head</c> (each journal's head signed with the
/// key beside the store) and <c>neocloud journal export</c> (its commands as JSON Lines in the replay format, for
/// auditors). All read a store — a SQLite data directory or a PostgreSQL database — without changing it, also while the
/// exchange runs.
/// </summary>
public static class JournalCommands
{
    /// <summary>Exit code of a verification that found a problem.</summary>
    public const int Broken = 1;

    // Base64's '+' and '/' as themselves, so a head's signature can be copied as it reads.
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    // A head file is read strictly: a missing or null field is an error, not a default.
    private static readonly JsonSerializerOptions s_heads = new(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    public static Command Create(CliContext context)
    {
        var journal = new Command("journal", "Audit the exchange's journal of accepted commands: verify its hash chain and snapshot, export its commands.");
        journal.Subcommands.Add(Verify(context));
        journal.Subcommands.Add(Head(context));
        journal.Subcommands.Add(Export(context));
        journal.Subcommands.Add(JournalRebuildCommand.Create(context));
        return journal;
    }

    private static Option<string?> DataOption() =>
        new("--data") { Description = "The exchange's data directory (its exchange.db; the default is ./data); the exchange may be running." };

    private static Option<string?> DbOption() => new("--db") { Description = "A PostgreSQL connection string: the exchange's database instead of --data." };

    private static Option<string?> KeyDataOption() =>
        new("--data")
        {
            Description = "The exchange's data directory: its exchange.db (the default is ./data) and the journal signing key beside admin.token; " +
                "with --db, only where the key is.",
        };

    private static Command Verify(CliContext context)
    {
        var (data, db) = (KeyDataOption(), DbOption());
        var json = new Option<bool>("--json") { Description = "Print each journal's verification as JSON." };
        var head = new Option<string?>("--head")
        {
            Description = "Signed heads recorded earlier ('journal head --out'): check each one's signature, and that the journal still reaches its hash at its sequence.",
        };
        var publicKey = new Option<string?>("--public-key")
        {
            Description = "The public key (PEM) to check --head's signatures with (default: journal-signing.pub.pem in --data).",
        };
        var verify = new Command("verify",
            "Walk the journal's hash chain, replay its commands into a fresh engine and compare with the newest snapshot; write every read model the journal " +
            "drives again (the contract book, the configuration, time's ticks, pools, orders and trades) and compare it with the store's; with --head, check " +
            "signed heads recorded earlier; exit 1 naming every journal row edited, deleted or moved (by sequence) and every read-model row (by table, key and column).")
        {
            data, db, json, head, publicKey,
        };
        verify.SetAction(async (parsed, ct) =>
        {
            var (directory, database, headFile) = (parsed.GetValue(data), parsed.GetValue(db), parsed.GetValue(head));
            if (parsed.GetValue(publicKey) is not null && headFile is null) throw new UsageException("--public-key: give --head too (the heads it checks)");
            var heads = headFile is null ? null : ReadHeads(headFile);
            using var key = heads is null ? null : LoadKey(() => JournalSigningKey.LoadPublic(
                parsed.GetValue(publicKey) ?? Path.Combine(directory ?? "./data", JournalSigningKey.PublicKeyFile)), parsed.GetValue(publicKey) is null ? "--data" : "--public-key");
            var results = await WithStoreAsync(directory, database, requireChain: true, async (connection, transaction) =>
            {
                var ledger = await JournalVerifier.VerifyAsync(connection, transaction, ct);
                return heads is null ? ledger : ledger with { Heads = await JournalHeads.CheckAsync(connection, transaction, heads, key!, ct) };
            }, ct, keyBeside: headFile is not null);
            if (parsed.GetValue(json)) context.Output.WriteLine(JsonSerializer.Serialize(results, s_json));
            else
            {
                foreach (var result in results.Journals) Print(context.Output, result);
                Print(context.Output, results.ReadModels);
                foreach (var check in results.Heads) Print(context.Output, check);
            }
            return results.Ok ? 0 : Broken;
        });
        return verify;
    }

    private static Command Head(CliContext context)
    {
        var (data, db) = (KeyDataOption(), DbOption());
        var output = new Option<string?>("--out") { Description = "The file to write (default: standard output); keep it away from the store, e.g. on another machine." };
        var head = new Command("head",
            "Sign each journal's head (its last sequence and hash) with the journal signing key beside the store and print them as JSON: " +
            "recorded elsewhere, 'journal verify --head' later proves no row up to them was rewritten.")
        {
            data, db, output,
        };
        head.SetAction(async (parsed, ct) =>
        {
            var directory = parsed.GetValue(data);
            using var key = LoadKey(() => JournalSigningKey.Load(directory ?? "./data"), "--data");
            var heads = await WithStoreAsync(directory, parsed.GetValue(db), requireChain: true,
                async (connection, transaction) => key.Sign(await JournalHeads.ReadAsync(connection, transaction, ct), TimeProvider.System.GetUtcNow()), ct, keyBeside: true);
            var text = JsonSerializer.Serialize(heads, s_json);
            if (parsed.GetValue(output) is { } path)
            {
                try
                {
                    await File.WriteAllTextAsync(Path.GetFullPath(path), text + "\n", ct);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new UsageException($"--out: {e.Message}");
                }
            }
            else context.Output.WriteLine(text);
            return 0;
        });
        return head;
    }

    /// <summary>A head file: the object 'journal head' writes, an array of heads, or one head; anything else is a usage error.</summary>
    private static List<SignedJournalHead> ReadHeads(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new UsageException($"--head: no file at {full}");
        List<SignedJournalHead> heads;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(full));
            var root = document.RootElement;
            heads = root.ValueKind == JsonValueKind.Array ? root.Deserialize<List<SignedJournalHead>>(s_heads)!
                : root.ValueKind == JsonValueKind.Object && root.TryGetProperty("heads", out _) ? [.. root.Deserialize<SignedJournalHeads>(s_heads)!.Heads]
                : root.ValueKind == JsonValueKind.Object ? [root.Deserialize<SignedJournalHead>(s_heads)!]
                : throw new JsonException($"expected an object with heads, got {root.ValueKind}");
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--head: {full} is not a journal head file: {e.Message.Split('\n')[0]}");
        }
        foreach (var head in heads)
        {
            if (head is null || head.Sequence < 0 || head.Hash.Length != 2 * JournalChain.HashSize || !head.Hash.All(char.IsAsciiHexDigit))
                throw new UsageException($"--head: {full} is not a journal head file: each head needs a sequence of 0 or more and a hash of {2 * JournalChain.HashSize} hex digits");
        }
        return heads;
    }

    /// <summary>Loads a key; a missing or unreadable one is a usage error naming the option that says where it is.</summary>
    private static JournalSigningKey LoadKey(Func<JournalSigningKey> load, string option)
    {
        try
        {
            return load();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new UsageException($"{option}: {e.Message.Split('\n')[0]}");
        }
    }

    private static Command Export(CliContext context)
    {
        var (data, db) = (DataOption(), DbOption());
        var from = new Option<long>("--from") { Description = "The first sequence to write.", DefaultValueFactory = _ => 1 };
        var to = new Option<long?>("--to") { Description = "The last sequence to write (default: the last)." };
        var shard = new Option<string?>("--shard") { Description = "A cluster's market group (catalog skus shows them): its journal, whose sequences are its own." };
        var output = new Option<string?>("--out") { Description = "The file to write (default: standard output)." };
        var export = new Command("export",
            "Write the journal's commands as JSON Lines, the format 'market replay' reads: every accepted command (pools, capacity, asks, bids, " +
            "portfolios, cancels, reservations and their releases), in sequence order.")
        {
            data, db, from, to, shard, output,
        };
        export.SetAction(async (parsed, ct) =>
        {
            var (first, last) = (parsed.GetValue(from), parsed.GetValue(to) ?? long.MaxValue);
            if (first < 1) throw new UsageException($"--from: must be a sequence, 1 or more, got {first}");
            if (last < first) throw new UsageException($"--to: must not be before --from ({first}), got {last}");
            var path = parsed.GetValue(output);
            await WithStoreAsync(parsed.GetValue(data), parsed.GetValue(db), requireChain: false, async (connection, transaction) =>
            {
                var journals = await JournalAudit.JournalsAsync(connection, transaction, ct);
                var name = parsed.GetValue(shard) ?? JournalChain.NoShard;
                if (name.Length == 0 && !journals.Contains(JournalChain.NoShard) && journals.Count > 0)
                    throw new UsageException($"--shard: the store holds a cluster's journals, one per market group ({string.Join(", ", journals)}); name one");
                if (name.Length > 0 && !journals.Contains(name))
                    throw new UsageException($"--shard: no journal for market group '{name}' (the store has: {(journals.Count == 0 ? "none" : string.Join(", ", journals))})");
                await using var file = path is null ? null : new StreamWriter(Path.GetFullPath(path));
                var writer = file ?? context.Output;
                await foreach (var (entry, _) in JournalAudit.RowsAsync(connection, transaction, name, first, last, ct)) await writer.WriteLineAsync(entry.Command);
                return 0;
            }, ct);
            return 0;
        });
        return export;
    }

    private static void Print(TextWriter output, JournalVerification result)
    {
        var name = result.Shard.Length == 0 ? "journal" : $"journal of {result.Shard}";
        var snapshot = result.SnapshotSequence is { } at ? $"snapshot at {at} {(result.SnapshotMatches == true ? "matches" : "differs")}" : "no snapshot";
        var range = result.Commands == 0 ? "empty" : $"sequences {result.FirstSequence}..{result.LastSequence}";
        var summary = $"{result.Commands} commands, {range}, chain head {result.ChainHead[..12]}, {snapshot}";
        if (result.Ok)
        {
            output.WriteLine($"{name} ok: {summary}");
            return;
        }
        output.WriteLine($"{name} BROKEN: {result.Problems.Count} problem(s), the first at sequence {result.Problems[0].Sequence}; {summary}");
        foreach (var problem in result.Problems) output.WriteLine($"  sequence {problem.Sequence}: {problem.Problem}");
    }

    private static void Print(TextWriter output, JournalHeadCheck check)
    {
        var name = check.Shard.Length == 0 ? "journal" : $"journal of {check.Shard}";
        var summary = $"hash {check.Hash[..12]}, signed {check.SignedAt} by key {check.KeyId}";
        if (check.Ok)
        {
            output.WriteLine($"signed head of {name} at {check.Sequence} ok: {summary}");
            return;
        }
        output.WriteLine($"signed head of {name} at {check.Sequence} BROKEN: {check.Problems.Count} problem(s); {summary}");
        foreach (var problem in check.Problems) output.WriteLine($"  sequence {problem.Sequence}: {problem.Problem}");
    }

    private static void Print(TextWriter output, IReadOnlyList<ReadModelProblem> problems)
    {
        var tables = string.Join(", ", ReadModelAudit.BookTables);
        if (problems.Count == 0)
        {
            output.WriteLine($"read models ok: the contract book ({tables}) is what the journal's facts write");
            return;
        }
        output.WriteLine($"read models BROKEN: {problems.Count} row(s) differ from what the journal's facts write");
        foreach (var problem in problems)
            output.WriteLine($"  {problem.Table} {problem.Key}{(problem.Column is { } column ? $" {column}" : "")}: {problem.Problem}");
    }

    /// <summary>
    /// Opens the store read-only (a SQLite file under <paramref name="data"/>, or the PostgreSQL database <paramref name="db"/>),
    /// checks its schema version and runs <paramref name="read"/> in one read transaction; what the operator can fix is a usage error.
    /// With <paramref name="keyBeside"/>, --data may come with --db: it then says only where the journal signing key is.
    /// </summary>
    internal static async Task<T> WithStoreAsync<T>(string? data, string? db, bool requireChain, Func<DbConnection, DbTransaction, Task<T>> read, CancellationToken ct,
        bool keyBeside = false)
    {
        if (data is not null && db is not null && !keyBeside) throw new UsageException("--data and --db: give one of them");
        try
        {
            await using DbConnection connection = db is null ? Sqlite(data ?? "./data") : new NpgsqlConnection(db);
            await connection.OpenAsync(ct);
            await using var transaction = await JournalAudit.BeginSnapshotAsync(connection, ct);
            var version = await JournalAudit.SchemaVersionAsync(connection, transaction, ct);
            if (version > ExchangeStore.SchemaVersion) throw new UsageException(new StoreVersionException(version, ExchangeStore.SchemaVersion).Message);
            if (requireChain && version < JournalChain.FirstSchemaVersion)
                throw new UsageException($"the store is schema {version}, from before the journal's hash chain: start this version's 'neocloud serve' on it once to chain its journal");
            return await read(connection, transaction);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SqliteException or NpgsqlException or ArgumentException or InvalidDataException)
        {
            throw new UsageException(e.Message.Split('\n')[0]);
        }
    }

    private static SqliteConnection Sqlite(string data)
    {
        var file = Path.Combine(Path.GetFullPath(data), "exchange.db");
        if (!File.Exists(file)) throw new UsageException($"--data: no store at {file}");
        return new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
    }
}
