using System.Data.Common;
using Dapper;
using Neocloud.Testing;

namespace Neocloud.Storage.Tests;

/// <summary>
/// A cluster node frozen between a batch's rows and its commit holds its shard's fence row locked. With the store's
/// idle-in-transaction limit the server ends that session, so the node taking the shard over claims it within seconds
/// (without the limit the claim waits until the frozen node thaws), and the frozen commit, when it comes, fails.
/// </summary>
public sealed class IdleTransactionTests
{
    [Fact]
    public async Task A_transaction_left_idle_holding_the_fence_is_ended_and_the_shard_claimed_by_another_node()
    {
        var database = PostgresServer.CreateDatabase("idle");
        await using var frozenNode = await ExchangeStore.OpenAsync(StoreOptions.Postgres(database) with { IdleTransactionTimeout = TimeSpan.FromSeconds(1) });
        await using var nextNode = await ExchangeStore.OpenAsync(StoreOptions.Postgres(database));
        var claim = await frozenNode.ClaimShardAsync("hopper");

        // The frozen node's batch: its fence move done, its commit never sent.
        await using var connection = await frozenNode.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        Assert.Equal(1, await connection.ExecuteAsync("UPDATE shard_fences SET last_seq = 1 WHERE shard = @shard AND epoch = @epoch AND last_seq = 0",
            new { shard = "hopper", epoch = claim.Epoch }, transaction));

        var taken = await nextNode.ClaimShardAsync("hopper").WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal((claim.Epoch + 1, 0L), (taken.Epoch, taken.LastSequence));
        await Assert.ThrowsAnyAsync<DbException>(() => transaction.CommitAsync());
        Assert.Equal(0L, (await nextNode.ShardClaimsAsync()).Single().LastSequence);
    }

    [Fact]
    public async Task Writers_are_held_to_the_limit_and_a_snapshot_read_is_not()
    {
        await using var store = await ExchangeStore.OpenAsync(StoreOptions.Postgres(PostgresServer.CreateDatabase("idle")) with { IdleTransactionTimeout = TimeSpan.FromMilliseconds(1500) });
        await using var connection = await store.OpenConnectionAsync();
        await using (var writing = await connection.BeginTransactionAsync())
            Assert.Equal("1500ms", await connection.ExecuteScalarAsync<string>("SHOW idle_in_transaction_session_timeout", transaction: writing));
        // An audit works between its reads (replaying, comparing) for longer than a writer may sit idle, and takes no lock a writer waits on.
        await using var reading = await JournalAudit.BeginSnapshotAsync(connection);
        Assert.Equal("0", await connection.ExecuteScalarAsync<string>("SHOW idle_in_transaction_session_timeout", transaction: reading));
    }
}
