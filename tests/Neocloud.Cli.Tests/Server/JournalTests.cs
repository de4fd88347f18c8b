using System.Data.Common;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Neocloud.Storage;
using Neocloud.Testing;
using Npgsql;

namespace Neocloud.Cli.Tests.Server;

/// <summary>
/// <c>neocloud journal verify</c> and <c>journal export</c> with the real binary, on stores the demo traders filled
/// (SQLite and PostgreSQL), killed with SIGKILL and started again: a clean store passes, and a row edited, deleted or
/// swapped with plain SQL is named by its sequence.
/// </summary>
public sealed class JournalTests : IDisposable
{
    private readonly TempDirectory _root = new("neocloud-journal-");

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task A_store_killed_and_restarted_verifies_exports_what_market_replay_reads_and_names_rows_edited_deleted_or_swapped()
    {
        var data = Path.Combine(_root.Path, "data");
        var file = Path.Combine(data, "exchange.db");
        long killedAt;
        using (await ServerProcess.StartAsync(data, "--demo", "--snapshot-every", "20"))
        {
            killedAt = await JournalGrownAsync(() => Sqlite(file), 40);
        }
        // SIGKILL, then a new process continues the chain from the row it finds last.
        using (await ServerProcess.StartAsync(data, "--demo", "--snapshot-every", "20"))
        {
            await JournalGrownAsync(() => Sqlite(file), 20, after: killedAt);
        }

        var verify = await ServerProcess.RunToEndAsync("journal", "verify", "--data", data);

        List<string> commands;
        long trades;
        await using (var connection = Sqlite(file))
        {
            commands = (await connection.QueryAsync<string>("SELECT command FROM journal ORDER BY sequence")).ToList();
            trades = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM trades");
        }
        Assert.True(verify.ExitCode == 0, verify.Output + verify.Error);
        var ok = System.Text.RegularExpressions.Regex.Match(verify.Output.Split('\n')[0].Trim(),
            @"^journal ok: (\d+) commands, sequences 1\.\.(\d+), chain head [0-9a-f]{12}, snapshot at (\d+) matches$");
        Assert.True(ok.Success, verify.Output);
        Assert.Equal(commands.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), ok.Groups[1].Value);
        Assert.Equal(ok.Groups[1].Value, ok.Groups[2].Value);

        // Export: the journal's commands, as market replay reads them; replayed, they trade as the exchange did.
        var exported = Path.Combine(_root.Path, "journal.jsonl");
        var export = await ServerProcess.RunToEndAsync("journal", "export", "--data", data, "--out", exported);
        var part = await ServerProcess.RunToEndAsync("journal", "export", "--data", data, "--from", "5", "--to", "9");
        var replay = await ServerProcess.RunToEndAsync("market", "replay", exported);
        Assert.Equal((0, 0, 0), (export.ExitCode, part.ExitCode, replay.ExitCode));
        Assert.Equal(commands, await File.ReadAllLinesAsync(exported));
        Assert.Equal(commands.Skip(4).Take(5), part.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var events = replay.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("event").GetString()).ToList();
        Assert.DoesNotContain("rejected", events);
        Assert.Equal(trades, events.Count(e => e == "trade"));

        // Tampered copies: each names the row by its sequence.
        var middle = commands.Count / 2;
        // An edit that changes nothing the engine reads (a space after the JSON) is still an edit.
        Assert.Equal(new[] { (long)middle }, await ChainProblemsAsync(data, "edited", $"UPDATE journal SET command = command || ' ' WHERE sequence = {middle}"));
        Assert.Equal(new[] { middle, middle + 1L }, await ChainProblemsAsync(data, "deleted", $"DELETE FROM journal WHERE sequence = {middle}"));
        Assert.Equal(new[] { middle, middle + 1L }, await ChainProblemsAsync(data, "swapped",
            $"CREATE TEMP TABLE pair AS SELECT sequence, command FROM journal WHERE sequence IN ({middle}, {middle + 1}); " +
            $"UPDATE journal SET command = (SELECT command FROM pair WHERE pair.sequence = {2 * middle + 1} - journal.sequence) WHERE sequence IN ({middle}, {middle + 1})"));
    }

    [Fact]
    public async Task A_postgresql_store_verifies_and_a_row_edited_with_sql_is_named_by_its_sequence()
    {
        var db = PostgresServer.CreateDatabase("journal");
        using (await ServerProcess.StartAsync(Path.Combine(_root.Path, "pg"), "--db", db, "--demo", "--snapshot-every", "20"))
        {
            await JournalGrownAsync(() => new NpgsqlConnection(db), 30);
        }

        var clean = await ServerProcess.RunToEndAsync("journal", "verify", "--db", db);
        long middle;
        await using (var connection = new NpgsqlConnection(db))
        {
            middle = await connection.ExecuteScalarAsync<long>("SELECT MAX(sequence) / 2 FROM journal");
            await connection.ExecuteAsync("UPDATE journal SET organization_id = 'mallory' WHERE sequence = @middle", new { middle });
        }
        var edited = await ServerProcess.RunToEndAsync("journal", "verify", "--db", db);

        Assert.True(clean.ExitCode == 0, clean.Output + clean.Error);
        Assert.StartsWith("journal ok: ", clean.Output);
        Assert.Equal(1, edited.ExitCode);
        Assert.StartsWith($"journal BROKEN: 1 problem(s), the first at sequence {middle};", edited.Output);
        Assert.Contains($"  sequence {middle}: hash does not match", edited.Output);
    }

    [Fact]
    public void What_is_not_a_store_is_one_line_and_exit_2()
    {
        var missing = CliRun.Of("journal", "verify", "--data", Path.Combine(_root.Path, "nothing"));
        var both = CliRun.Of("journal", "export", "--data", _root.Path, "--db", "Host=127.0.0.1");
        var unreachable = CliRun.Of("journal", "verify", "--db", $"Host=127.0.0.1;Port={ServerProcess.FreePort()};Username=x;Timeout=3");
        var backwards = CliRun.Of("journal", "export", "--from", "9", "--to", "3");

        Assert.Equal((2, 2, 2, 2), (missing.ExitCode, both.ExitCode, unreachable.ExitCode, backwards.ExitCode));
        Assert.StartsWith("error: --data: no store at", missing.Error);
        Assert.StartsWith("error: --data and --db: give one of them", both.Error);
        Assert.StartsWith("error: ", unreachable.Error);
        Assert.StartsWith("error: --to: must not be before --from (9), got 3", backwards.Error);
        Assert.All(new[] { missing, both, unreachable, backwards }, run => Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    /// <summary>Copies the store, tampers with the copy, verifies it; returns the sequences of the chain's problems (missing rows, hashes that do not follow).</summary>
    private async Task<long[]> ChainProblemsAsync(string data, string name, string sql)
    {
        var copy = Path.Combine(_root.Path, name);
        Directory.CreateDirectory(copy);
        StoreBackup.Copy(Path.Combine(data, "exchange.db"), Path.Combine(copy, "exchange.db"));
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(copy, "exchange.db")};Pooling=False"))
        {
            await connection.ExecuteAsync(sql);
        }

        var run = await ServerProcess.RunToEndAsync("journal", "verify", "--data", copy, "--json");

        Assert.True(run.ExitCode == 1, run.Output + run.Error);
        var problems = JsonDocument.Parse(run.Output).RootElement.GetProperty("journals")[0].GetProperty("problems").EnumerateArray()
            .Select(p => (Sequence: p.GetProperty("sequence").GetInt64(), Problem: p.GetProperty("problem").GetString()!)).ToList();
        // A missing command may also make later ones replay differently, and the snapshot differ: those come after it.
        Assert.Equal(problems.Min(p => p.Sequence), problems.First(p => p.Problem.StartsWith("hash", StringComparison.Ordinal) || p.Problem.StartsWith("missing", StringComparison.Ordinal)).Sequence);
        return problems.Where(p => p.Problem.StartsWith("hash", StringComparison.Ordinal) || p.Problem.StartsWith("missing", StringComparison.Ordinal))
            .Select(p => p.Sequence).ToArray();
    }

    /// <summary>Waits until the journal holds <paramref name="rows"/> more than <paramref name="after"/> (or than at the first look) and a snapshot exists.</summary>
    private static async Task<long> JournalGrownAsync(Func<DbConnection> open, long rows, long? after = null)
    {
        async Task<(long Rows, long Snapshots)> Count()
        {
            await using var connection = open();
            return (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM journal"), await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM snapshots"));
        }
        var start = after ?? (await Count()).Rows;
        var grown = await Eventually.UntilAsync(Count, c => c.Rows >= start + rows && c.Snapshots > 0, $"the demo traders' journal past {start + rows} rows, with a snapshot");
        return grown.Rows;
    }

    private static SqliteConnection Sqlite(string file) => new($"Data Source={file};Mode=ReadOnly;Pooling=False");
}
