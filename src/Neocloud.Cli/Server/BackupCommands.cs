using System.CommandLine;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Neocloud.Storage;
using Npgsql;

namespace Neocloud.Cli.Server;

/// <summary>
/// <c>neocloud backup</c> (a consistent copy of a running exchange's SQLite store), <c>neocloud backup verify</c> (a
/// backup's or a database's integrity and ledger hash) and <c>neocloud restore</c> (a backup into a new data directory).
/// </summary>
public static class BackupCommands
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Backup(CliContext context)
    {
        var data = new Option<string>("--data") { Description = "The exchange's data directory (its exchange.db); the exchange may be running.", DefaultValueFactory = _ => "./data" };
        var to = new Option<string>("--to") { Description = "The backup file to write (must not exist).", Required = true };
        var json = JsonOption();
        var backup = new Command("backup", "Copy a SQLite store consistently while the exchange runs, then verify the copy. For PostgreSQL use pg_dump (docs/deploy.md) and 'backup verify --db'.")
        {
            data, to, json,
        };
        backup.SetAction(async (parsed, ct) =>
        {
            var source = Path.Combine(Path.GetFullPath(parsed.GetValue(data)!), "exchange.db");
            var target = Path.GetFullPath(parsed.GetValue(to)!);
            var summary = await Fixable(async () =>
            {
                StoreBackup.Copy(source, target);
                return await StoreBackup.VerifySqliteAsync(target, cancellationToken: ct);
            });
            Print(context, parsed.GetValue(json), $"backed up {source} to {target}", summary);
            return 0;
        });

        var file = new Argument<string?>("file") { Description = "A backup file (or give --db).", Arity = ArgumentArity.ZeroOrOne };
        var db = new Option<string?>("--db") { Description = "A PostgreSQL connection string: verify that database (e.g. one pg_restore filled)." };
        var verifyJson = JsonOption();
        var verify = new Command("verify", "Check a backup's integrity and print what it holds and its ledger hash (the same for a store and a faithful copy of it).")
        {
            file, db, verifyJson,
        };
        verify.SetAction(async (parsed, ct) =>
        {
            var (path, connection) = (parsed.GetValue(file), parsed.GetValue(db));
            if ((path is null) == (connection is null)) throw new UsageException("backup verify: give a backup file or --db, one of them");
            var summary = await Fixable(async () =>
            {
                if (path is not null) return await StoreBackup.VerifySqliteAsync(Path.GetFullPath(path), Warn(context), ct);
                await using var database = new NpgsqlConnection(connection);
                await database.OpenAsync(ct);
                return await StoreBackup.SummarizeAsync(database, ct);
            });
            Print(context, parsed.GetValue(verifyJson), $"verified {path ?? "the --db database"}", summary);
            return 0;
        });
        backup.Subcommands.Add(verify);
        return backup;
    }

    public static Command Restore(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "The backup file." };
        var data = new Option<string>("--data") { Description = "A new or empty data directory to restore into.", Required = true };
        var json = JsonOption();
        var restore = new Command("restore", "Check a backup (integrity, its checksum, a schema this build reads), then restore it into a new data directory; 'neocloud serve --data DIR' then runs it (the tokens are the backup's; copy the keys directory beside it for its webhook secrets).")
        {
            file, data, json,
        };
        restore.SetAction(async (parsed, ct) =>
        {
            var directory = Path.GetFullPath(parsed.GetValue(data)!);
            var summary = await Fixable(() => StoreBackup.RestoreAsync(Path.GetFullPath(parsed.GetValue(file)!), directory, Warn(context), ct));
            Print(context, parsed.GetValue(json), $"restored into {directory}", summary);
            return 0;
        });
        return restore;
    }

    /// <summary>A warning the operator should read (a backup without a checksum): one line on stderr, the command goes on.</summary>
    private static Action<string> Warn(CliContext context) => message => context.Error.WriteLine($"warning: {message}");

    private static Option<bool> JsonOption() => new("--json") { Description = "Print the summary as JSON." };

    /// <summary>Runs a step whose failures the operator can fix, turning them into one line.</summary>
    private static async Task<StoreSummary> Fixable(Func<Task<StoreSummary>> step)
    {
        try
        {
            return await step();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or SqliteException or NpgsqlException or ArgumentException
            or StoreVersionException)
        {
            throw new UsageException(e.Message.Split('\n')[0]);
        }
    }

    private static void Print(CliContext context, bool json, string headline, StoreSummary summary)
    {
        if (json)
        {
            context.Output.WriteLine(JsonSerializer.Serialize(summary, s_json));
            return;
        }
        context.Output.WriteLine(headline);
        context.Output.WriteLine($"schema {summary.SchemaVersion}, journal through {summary.JournalSequence}, {summary.Orders} orders, {summary.Trades} trades, {summary.Contracts} offtake contracts");
        context.Output.WriteLine($"ledger hash {summary.StateHash}");
    }
}
