using Dapper;
using Microsoft.Data.Sqlite;
using Neocloud.Storage;
using Neocloud.Testing;

namespace Neocloud.Cli.Tests.Server;

/// <summary>
/// <c>neocloud journal rebuild</c> on a store the demo traders filled and that was killed: the new directory holds the
/// same journal rows (hashes included) and verifies; an occupied target, a journal off its hash chain or with a gap fail
/// with one line and leave no directory behind; bad options are one line naming the option.
/// </summary>
public sealed class JournalRebuildTests : IDisposable
{
    private readonly TempDirectory _root = new("neocloud-journal-rebuild-");

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task A_killed_store_rebuilds_into_a_new_directory_with_the_same_journal_and_an_occupied_target_is_refused()
    {
        var data = await DemoStoreAsync();
        var target = Path.Combine(_root.Path, "rebuilt");

        var rebuild = CliRun.Of("journal", "rebuild", "--data", data, "--to", target);
        var verify = CliRun.Of("journal", "verify", "--data", target);
        var again = CliRun.Of("journal", "rebuild", "--data", data, "--to", target);

        Assert.True(rebuild.ExitCode == 0, rebuild.Output + rebuild.Error);
        var lines = await JournalAsync(data);
        // What is use rather than ledger is carried over (the summary names it); the configuration is rebuilt from the journal.
        Assert.Matches($@"^rebuilt 1 journal\(s\), {lines.Count} lines, \d+ rows into {System.Text.RegularExpressions.Regex.Escape(target)}; verified" +
            @"(; carried over \(use, not ledger\): [^;]+)?$", rebuild.Output.Trim());
        Assert.Equal(lines, await JournalAsync(target));
        Assert.True(verify.ExitCode == 0, verify.Output + verify.Error);
        Assert.True(File.Exists(Path.Combine(target, "admin.token")));
        Assert.Equal((2, ""), (again.ExitCode, again.Output));
        Assert.Equal($"error: --to: {target} is not empty; give a new directory", again.Error.Trim());
        Assert.Equal(["data", "rebuilt"], Directory.EnumerateFileSystemEntries(_root.Path).Select(Path.GetFileName).Order());
    }

    [Theory]
    [InlineData("edited", "UPDATE journal SET command = command || ' ' WHERE sequence = 7", "journal: sequence 7's hash does not follow the chain")]
    [InlineData("deleted", "DELETE FROM journal WHERE sequence = 7", "journal: sequence 8's hash does not follow the chain")]
    public async Task A_journal_off_its_hash_chain_fails_with_one_line_and_leaves_no_directory(string name, string sql, string problem)
    {
        var data = await DemoStoreAsync();
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(data, "exchange.db")};Pooling=False"))
            await connection.ExecuteAsync(sql);
        var target = Path.Combine(_root.Path, name);

        var rebuild = CliRun.Of("journal", "rebuild", "--data", data, "--to", target);

        Assert.Equal(1, rebuild.ExitCode);
        Assert.StartsWith($"error: the journal cannot be rebuilt: {problem}", rebuild.Error);
        Assert.Single(rebuild.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["data"], Directory.EnumerateFileSystemEntries(_root.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Bad_options_are_one_line_naming_the_option_and_exit_2()
    {
        var file = Path.Combine(_root.Path, "file");
        File.WriteAllText(file, "");
        Directory.CreateDirectory(Path.Combine(_root.Path, "full"));
        File.WriteAllText(Path.Combine(_root.Path, "full", "x"), "");
        var runs = new (CliRun Run, string Error)[]
        {
            (CliRun.Of("journal", "rebuild", "--data", _root.Path), "error: --to: give the new data directory to build"),
            (CliRun.Of("journal", "rebuild", "--data", _root.Path, "--db", "Host=x", "--to", "y"), "error: --data and --db: give one of them"),
            (CliRun.Of("journal", "rebuild", "--data", _root.Path, "--to-db", "Host=x"), "error: --to-db: a PostgreSQL target needs a PostgreSQL source (--db)"),
            (CliRun.Of("journal", "rebuild", "--db", "Host=x", "--to", "y"), "error: --to: a SQLite target needs a SQLite source (--data)"),
            (CliRun.Of("journal", "rebuild", "--db", "Host=x"), "error: --to-db: give the PostgreSQL database to build"),
            (CliRun.Of("journal", "rebuild", "--data", Path.Combine(_root.Path, "nothing"), "--to", Path.Combine(_root.Path, "new")), "error: --data: no store at"),
            (CliRun.Of("journal", "rebuild", "--data", _root.Path, "--to", file), $"error: --to: {file} is a file"),
            (CliRun.Of("journal", "rebuild", "--data", _root.Path, "--to", Path.Combine(_root.Path, "full")), "error: --to: "),
        };

        Assert.All(runs, r =>
        {
            Assert.Equal(2, r.Run.ExitCode);
            Assert.StartsWith(r.Error, r.Run.Error);
            Assert.Single(r.Run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        });
        Assert.False(Directory.Exists(Path.Combine(_root.Path, "new")));
    }

    [Fact]
    public async Task A_postgresql_target_that_holds_a_store_is_refused()
    {
        var db = PostgresServer.CreateDatabase("rebuild-target");
        await using (var store = await ExchangeStore.OpenAsync(StoreOptions.Postgres(db)))
        {
            var batch = new CommitBatch();
            batch.Facts.Add(new OrganizationCreated(new OrganizationRecord("iren", "IREN", 0)));
            await store.CommitAsync(batch);
        }

        var run = CliRun.Of("journal", "rebuild", "--db", db, "--to-db", db);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: --to-db: the target already holds a store; give a new one", run.Error.Trim());
    }

    /// <summary>A data directory the demo traders filled with 40 or more journal rows, the server killed with SIGKILL.</summary>
    private async Task<string> DemoStoreAsync()
    {
        var data = Path.Combine(_root.Path, "data");
        using (await ServerProcess.StartAsync(data, "--demo"))
        {
            await Eventually.UntilAsync(async () => (await JournalAsync(data)).Count, rows => rows >= 40, "40 journal rows from the demo traders");
        }
        return data;
    }

    private static async Task<List<string>> JournalAsync(string data)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(data, "exchange.db")};Mode=ReadOnly;Pooling=False");
        return (await connection.QueryAsync<(long, long, string, string, byte[])>("SELECT sequence, recorded_ms, organization_id, command, hash FROM journal ORDER BY sequence"))
            .Select(r => $"{r.Item1}|{r.Item2}|{r.Item3}|{r.Item4}|{Convert.ToHexString(r.Item5)}").ToList();
    }
}
