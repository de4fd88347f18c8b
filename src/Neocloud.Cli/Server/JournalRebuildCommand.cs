using System.CommandLine;
using Neocloud.Exchange.Audit;
using Neocloud.Storage;

namespace Neocloud.Cli.Server;

/// <summary>
/// <c>neocloud journal rebuild</c>: a new store built from a store's journal alone (<see cref="JournalRebuild"/>), on the
/// same provider: a SQLite data directory into a new directory (built in a temporary directory beside it and renamed
/// once verified, so a failure leaves nothing), or a PostgreSQL database into another, empty one. The source is read in
/// one read transaction and not changed, also while the exchange runs.
/// </summary>
public static class JournalRebuildCommand
{
    /// <summary>Exit code of a rebuild that failed (a line the engine refuses now, or a result that does not verify).</summary>
    public const int Failed = 1;

    // Beside the store, not in it: the admin token, the journal signing key and the key ring of the webhook secrets.
    private static readonly string[] s_besideStore = ["admin.token", JournalSigningKey.PrivateKeyFile, JournalSigningKey.PublicKeyFile];

    public static Command Create(CliContext context)
    {
        var data = new Option<string?>("--data") { Description = "The exchange's data directory to rebuild from (its exchange.db; the default is ./data)." };
        var db = new Option<string?>("--db") { Description = "A PostgreSQL connection string: the database to rebuild from, instead of --data." };
        var to = new Option<string?>("--to") { Description = "The new data directory to build (with --data); must not exist or be empty." };
        var toDb = new Option<string?>("--to-db") { Description = "The PostgreSQL database to build (with --db); must hold no store." };
        var rebuild = new Command("rebuild",
            "Build a new store from the journal alone: every journal line written again with its sequence, time, actor and hash, every read model " +
            "and event as the original commits wrote them; then verify it as 'journal verify' does. Not in the journal, so not rebuilt: idempotency " +
            "records, snapshots, webhook delivery attempts, token last-use times.")
        {
            data, db, to, toDb,
        };
        rebuild.SetAction(async (parsed, ct) =>
        {
            var (directory, database, target, targetDb) = (parsed.GetValue(data), parsed.GetValue(db), parsed.GetValue(to), parsed.GetValue(toDb));
            if (directory is not null && database is not null) throw new UsageException("--data and --db: give one of them");
            if (database is null && targetDb is not null) throw new UsageException("--to-db: a PostgreSQL target needs a PostgreSQL source (--db); a SQLite store rebuilds into --to");
            if (database is not null && target is not null) throw new UsageException("--to: a SQLite target needs a SQLite source (--data); a PostgreSQL store rebuilds into --to-db");
            if (database is null && target is null) throw new UsageException("--to: give the new data directory to build");
            if (database is not null && targetDb is null) throw new UsageException("--to-db: give the PostgreSQL database to build");
            RebuildSummary summary;
            try
            {
                summary = database is null
                    ? await SqliteAsync(directory ?? "./data", target!, ct)
                    : await PostgresAsync(database, targetDb!, ct);
            }
            catch (RebuildFailedException e)
            {
                context.Error.WriteLine($"error: {e.Message}");
                return Failed;
            }
            if (!summary.Verification.Ok)
            {
                context.Error.WriteLine($"error: the rebuilt store does not verify ({Problem(summary.Verification)}); " +
                    (database is null ? "nothing was kept" : "drop the --to-db database's tables before another try"));
                return Failed;
            }
            var carried = summary.CarriedOver.Count == 0 ? ""
                : $"; carried over (use, not ledger): {string.Join(", ", summary.CarriedOver.Select(c => $"{c.Table} {c.Rows}"))}";
            context.Output.WriteLine($"rebuilt {summary.Journals.Count} journal(s), {summary.Lines} lines, {summary.Rows} rows into " +
                $"{(database is null ? Path.GetFullPath(target!) : "--to-db")}; verified{carried}");
            return 0;
        });
        return rebuild;
    }

    private static string Problem(LedgerVerification verification) =>
        verification.Journals.SelectMany(j => j.Problems.Select(p => $"{(j.Shard.Length == 0 ? "journal" : j.Shard)} sequence {p.Sequence}: {p.Problem}"))
            .Concat(verification.ReadModels.Select(p => $"{p.Table} {p.Key}: {p.Problem}"))
            .First();

    /// <summary>Builds the new directory in a temporary one beside it and renames it once the store verifies; a failure removes the temporary one.</summary>
    private static async Task<RebuildSummary> SqliteAsync(string source, string target, CancellationToken ct)
    {
        var full = Path.GetFullPath(target);
        var sourceFull = Path.GetFullPath(source);
        if (File.Exists(full)) throw new UsageException($"--to: {full} is a file; give a new directory");
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any()) throw new UsageException($"--to: {full} is not empty; give a new directory");
        var parent = Path.GetDirectoryName(full) ?? throw new UsageException($"--to: {full} has no parent directory");
        var building = Path.Combine(parent, $".{Path.GetFileName(full)}.rebuilding-{Guid.NewGuid().ToString("N")[..8]}");
        try
        {
            Directory.CreateDirectory(parent);
            StoreFiles.PrivateDirectory(building);
            var summary = await JournalCommands.WithStoreAsync(source, null, requireChain: true, async (connection, transaction) =>
            {
                await using var store = await ExchangeStore.OpenAsync(StoreOptions.SqliteFile(Path.Combine(building, "exchange.db")), ct);
                return await Rebuild(connection, transaction, store, ct);
            }, ct);
            if (!summary.Verification.Ok) return summary;
            CopyBesideStore(sourceFull, building);
            if (Directory.Exists(full)) Directory.Delete(full);
            Directory.Move(building, full);
            return summary;
        }
        catch (IOException e)
        {
            throw new UsageException($"--to: {e.Message.Split('\n')[0]}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UsageException($"--to: {e.Message.Split('\n')[0]}");
        }
        finally
        {
            if (Directory.Exists(building)) Directory.Delete(building, recursive: true);
        }
    }

    private static async Task<RebuildSummary> PostgresAsync(string source, string target, CancellationToken ct)
    {
        ExchangeStore store;
        try
        {
            store = await ExchangeStore.OpenAsync(StoreOptions.Postgres(target), ct);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or ArgumentException or StoreVersionException)
        {
            throw new UsageException($"--to-db: {e.Message.Split('\n')[0]}");
        }
        await using (store)
        {
            return await JournalCommands.WithStoreAsync(null, source, requireChain: true, (connection, transaction) => Rebuild(connection, transaction, store, ct), ct);
        }
    }

    private static async Task<RebuildSummary> Rebuild(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, ExchangeStore store,
        CancellationToken ct)
    {
        try
        {
            return await JournalRebuild.RunAsync(connection, transaction, store, ct);
        }
        catch (InvalidDataException e) when (e.Message.StartsWith("the target", StringComparison.Ordinal))
        {
            throw new UsageException($"{(store.Options.Provider == StoreProvider.Sqlite ? "--to" : "--to-db")}: {e.Message}");
        }
        catch (InvalidDataException e)
        {
            throw new RebuildFailedException($"the journal cannot be rebuilt: {e.Message}{(store.Options.Provider == StoreProvider.Postgres ? "; drop the --to-db database's tables before another try" : "")}");
        }
    }

    /// <summary>The journal does not rebuild (exit 1, not a usage error): a row off its hash chain, out of sequence, or refused by the engine now.</summary>
    private sealed class RebuildFailedException(string message) : Exception(message);

    /// <summary>The admin token, the journal signing key and the key ring beside the source store, copied beside the new one (they are not in the store).</summary>
    private static void CopyBesideStore(string source, string target)
    {
        foreach (var name in s_besideStore)
        {
            var file = Path.Combine(source, name);
            if (File.Exists(file)) File.Copy(file, Path.Combine(target, name));
        }
        var keys = Path.Combine(source, "keys");
        if (!Directory.Exists(keys)) return;
        var copy = Path.Combine(target, "keys");
        StoreFiles.PrivateDirectory(copy);
        foreach (var file in Directory.EnumerateFiles(keys)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
    }
}
