using System.CommandLine;
using System.Data;
using System.Data.Common;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Neocloud.Exchange.Audit;
using Neocloud.Storage;
using Npgsql;

namespace Neocloud.Cli.Server;

/// <summary>
/// <c>neocloud journal verify</c> (the journal's hash chain walked, its commands replayed and compared with the newest
/// snapshot) and <c>neocloud journal export</c> (its commands as JSON Lines in the replay format, for auditors). Both
/// read a store — a SQLite data directory or a PostgreSQL database — without changing it, also while the exchange runs.
/// </summary>
public static class JournalCommands
{
    /// <summary>Exit code of a verification that found a problem.</summary>
    public const int Broken = 1;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create(CliContext context)
    {
        var journal = new Command("journal", "Audit the exchange's journal of accepted commands: verify its hash chain and snapshot, export its commands.");
        journal.Subcommands.Add(Verify(context));
        journal.Subcommands.Add(Export(context));
        return journal;
    }

    private static Option<string?> DataOption() =>
        new("--data") { Description = "The exchange's data directory (its exchange.db; the default is ./data); the exchange may be running." };

    private static Option<string?> DbOption() => new("--db") { Description = "A PostgreSQL connection string: the exchange's database instead of --data." };

    private static Command Verify(CliContext context)
    {
        var (data, db) = (DataOption(), DbOption());
        var json = new Option<bool>("--json") { Description = "Print each journal's verification as JSON." };
        var verify = new Command("verify",
            "Walk the journal's hash chain, replay its commands into a fresh engine and compare with the newest snapshot; exit 1 naming every row " +
            "edited, deleted or moved, by sequence.")
        {
            data, db, json,
        };
        verify.SetAction(async (parsed, ct) =>
        {
            var results = await WithStoreAsync(parsed.GetValue(data), parsed.GetValue(db), requireChain: true,
                (connection, transaction) => JournalVerifier.VerifyAsync(connection, transaction, ct), ct);
            if (parsed.GetValue(json)) context.Output.WriteLine(JsonSerializer.Serialize(results, s_json));
            else
            {
                foreach (var result in results.Journals) Print(context.Output, result);
                Print(context.Output, results.ReadModels);
            }
            return results.Ok ? 0 : Broken;
        });
        return verify;
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
    /// </summary>
    private static async Task<T> WithStoreAsync<T>(string? data, string? db, bool requireChain, Func<DbConnection, DbTransaction, Task<T>> read, CancellationToken ct)
    {
        if (data is not null && db is not null) throw new UsageException("--data and --db: give one of them");
        try
        {
            await using DbConnection connection = db is null ? Sqlite(data ?? "./data") : new NpgsqlConnection(db);
            await connection.OpenAsync(ct);
            await using var transaction = connection is SqliteConnection sqlite
                ? sqlite.BeginTransaction(deferred: true)
                : await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
            var version = await JournalAudit.SchemaVersionAsync(connection, transaction, ct);
            if (version > ExchangeStore.SchemaVersion) throw new UsageException(new StoreVersionException(version, ExchangeStore.SchemaVersion).Message);
            if (requireChain && version < JournalChain.FirstSchemaVersion)
                throw new UsageException($"the store is schema {version}, from before the journal's hash chain: start this version's 'neocloud serve' on it once to chain its journal");
            return await read(connection, transaction);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SqliteException or NpgsqlException or ArgumentException)
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
