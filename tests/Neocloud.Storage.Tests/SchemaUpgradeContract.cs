using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Neocloud.Storage.Schema;
using Neocloud.Testing;
using Npgsql;

namespace Neocloud.Storage.Tests;

/// <summary>The schema is upgraded once, when it is older than the build's, and a current store is opened without DDL.</summary>
public abstract class SchemaUpgradeContract : StoreContractBase
{
    [Fact]
    public async Task A_new_store_is_upgraded_and_a_current_one_is_opened_without_DDL()
    {
        Assert.True(Store.SchemaUpgraded);

        await using var again = await ExchangeStore.OpenAsync(Store.Options);

        Assert.False(again.SchemaUpgraded);
    }

    [Fact]
    public async Task A_store_of_an_older_version_is_upgraded_once()
    {
        await using (var connection = await Store.OpenConnectionAsync())
            await connection.ExecuteAsync("UPDATE schema_version SET version = @older", new { older = SchemaScript.Version - 1 });

        await using var upgraded = await ExchangeStore.OpenAsync(Store.Options);
        await using var current = await ExchangeStore.OpenAsync(Store.Options);

        Assert.True(upgraded.SchemaUpgraded);
        Assert.False(current.SchemaUpgraded);
        await using var read = await current.OpenConnectionAsync();
        Assert.Equal(SchemaScript.Version, await read.ExecuteScalarAsync<long>("SELECT version FROM schema_version WHERE id = 1"));
    }

    [Fact]
    public async Task A_store_of_version_8_gets_the_actor_column_and_its_rows_keep_verifying_beside_rows_that_name_their_actor()
    {
        await CommitJournalAsync(Store, [Row(1), Row(2), Row(3)]);
        await CommitJournalAsync(Store, [Row(1), Row(2)], "hopper");
        // What version 8 left: journal rows without an actor column, and no index by organization.
        await using (var connection = await Store.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("DROP INDEX journal_by_organization");
            await connection.ExecuteAsync("DROP INDEX shard_journal_by_organization");
            await connection.ExecuteAsync("ALTER TABLE journal DROP COLUMN actor");
            await connection.ExecuteAsync("ALTER TABLE shard_journal DROP COLUMN actor");
            await connection.ExecuteAsync("UPDATE schema_version SET version = 8");
        }

        await using var upgraded = await ExchangeStore.OpenAsync(Store.Options);
        var actor = new JournalActor(JournalActor.TokenKind, "tok_9", "desk").Text;
        await CommitJournalAsync(upgraded, [Row(4) with { Actor = actor }]);
        await CommitJournalAsync(upgraded, [Row(3) with { Actor = actor }], "hopper");

        Assert.True(upgraded.SchemaUpgraded);
        await using var read = await upgraded.OpenConnectionAsync();
        var journal = await JournalAudit.WalkAsync(read, null, JournalChain.NoShard);
        var shard = await JournalAudit.WalkAsync(read, null, "hopper");
        Assert.Equal((4L, 0), (journal.Rows, journal.Problems.Count));
        Assert.Equal((3L, 0), (shard.Rows, shard.Problems.Count));
        Assert.Equal([null, null, null, actor], (await upgraded.ReadJournalAsync(0).ToListAsync()).Select(r => r.Actor));
        Assert.Equal(["4"], (await upgraded.AuditRowsAsync("iren", "3", 10, cluster: false)).Items.Select(r => $"{r.Sequence}"));
    }

    private static JournalEntry Row(long sequence) => new(sequence, 1_800_000_000_000 + sequence, "iren", $$"""{"op":"cancel","id":"o{{sequence}}"}""");
}

public sealed class SqliteSchemaUpgradeTests : SchemaUpgradeContract, IDisposable
{
    private readonly TempDirectory _directory = new("neocloud-schema-");

    protected override StoreOptions CreateOptions() => StoreOptions.SqliteFile(_directory.File("exchange.db"));

    public void Dispose() => _directory.Dispose();
}

public sealed class PostgresSchemaUpgradeTests : SchemaUpgradeContract
{
    protected override StoreOptions CreateOptions() => StoreOptions.Postgres(PostgresServer.CreateDatabase("schema"));

    [Fact]
    public async Task A_current_store_opens_while_open_transactions_write_every_table()
    {
        // Every table held as a committing node holds it (ROW EXCLUSIVE): any DDL on them would wait for these to end.
        await using var writer = new NpgsqlConnection(Store.Options.ConnectionString);
        await writer.OpenAsync();
        await using var writing = await writer.BeginTransactionAsync();
        var tables = (await writer.QueryAsync<string>("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()", transaction: writing)).ToList();
        await writer.ExecuteAsync($"LOCK TABLE {string.Join(", ", tables)} IN ROW EXCLUSIVE MODE", transaction: writing);

        using var patience = new CancellationTokenSource(Eventually.Patience);
        await using var opened = await ExchangeStore.OpenAsync(Store.Options, patience.Token);

        Assert.False(opened.SchemaUpgraded);
        Assert.Contains("shard_journal", tables);
    }

    [Fact]
    public async Task An_upgrade_waiting_for_a_busy_table_lets_later_commits_through_and_finishes_when_it_is_free()
    {
        await using (var connection = await Store.OpenConnectionAsync())
            await connection.ExecuteAsync("UPDATE schema_version SET version = @older", new { older = SchemaScript.Version - 1 });
        await using var writer = new NpgsqlConnection(Store.Options.ConnectionString);
        await writer.OpenAsync();
        var writing = await writer.BeginTransactionAsync();
        await writer.ExecuteAsync("LOCK TABLE orders IN ROW EXCLUSIVE MODE", transaction: writing);

        // The upgrade needs orders (its index is created "if not exists", which still locks the table): it waits.
        var upgrading = ExchangeStore.OpenAsync(Store.Options);
        await using var watcher = new NpgsqlConnection(Store.Options.ConnectionString);
        await watcher.OpenAsync();
        await Eventually.UntilAsync(
            () => watcher.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM pg_locks WHERE relation = 'orders'::regclass AND NOT granted"),
            waiting => waiting > 0, "the upgrade waiting for orders");

        // A later commit on orders queues behind the waiting upgrade only until its lock_timeout, not until the writer ends.
        await using var later = new NpgsqlConnection(Store.Options.ConnectionString);
        await later.OpenAsync();
        var started = Stopwatch.StartNew();
        await using (var commit = await later.BeginTransactionAsync())
        {
            await later.ExecuteAsync("LOCK TABLE orders IN ROW EXCLUSIVE MODE", transaction: commit, commandTimeout: (int)Eventually.Patience.TotalSeconds);
            await commit.CommitAsync();
        }
        Assert.True(started.Elapsed < SchemaUpgrade.LockTimeout * 3, $"a commit waited {started.Elapsed} behind the upgrade");
        Assert.False(upgrading.IsCompleted);

        await writing.CommitAsync();
        await writing.DisposeAsync();
        await using var upgraded = await upgrading.WaitAsync(Eventually.Patience);
        Assert.True(upgraded.SchemaUpgraded);
    }
}

/// <summary>A store whose version is current is not upgraded, so the DDL may only change together with the version.</summary>
public sealed class SchemaScriptTests
{
    [Fact]
    public void The_DDL_changes_only_with_a_new_schema_version()
    {
        var ddl = SchemaScript.For(StoreProvider.Sqlite) + SchemaScript.For(StoreProvider.Postgres) +
            string.Join("\n", SchemaScript.AddedColumns.Select(c => $"{c.Table}.{c.Column} {c.Type}"));
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ddl.ReplaceLineEndings("\n"))))[..16];

        // When this fails: raise SchemaScript.Version (and say what it adds), then record the new fingerprint here.
        Assert.Equal((10, "91337078b76607e6"), (SchemaScript.Version, fingerprint));
    }
}
