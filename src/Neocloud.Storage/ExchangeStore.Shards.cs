using System.Runtime.CompilerServices;
using Dapper;

namespace Neocloud.Storage;

/// <summary>
/// Cluster shards: each market group's journal and snapshots, keyed by shard, and its fence row — the epoch of the
/// activation that owns it and the last sequence committed. An activation claims the shard by raising the epoch
/// before it loads state; every batch then moves the row only if the epoch is still its own.
/// </summary>
public sealed partial class ExchangeStore
{
    /// <summary>The fence move every shard batch makes first (parameters: a <see cref="ShardFence"/>).</summary>
    internal const string MoveFenceSql =
        "UPDATE shard_fences SET last_seq = @Through WHERE shard = @Shard AND epoch = @Epoch AND last_seq = @After";

    /// <summary>Takes the shard for a new activation: its epoch raised by one (1 for a new shard), and the last sequence committed.</summary>
    public async Task<ShardClaim> ClaimShardAsync(string shard, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<ShardClaim>(new CommandDefinition(
            "INSERT INTO shard_fences (shard, epoch, last_seq) VALUES (@shard, 1, 0) " +
            "ON CONFLICT (shard) DO UPDATE SET epoch = shard_fences.epoch + 1 " +
            "RETURNING shard AS Shard, epoch AS Epoch, last_seq AS LastSequence",
            new { shard }, cancellationToken: cancellationToken));
    }

    /// <summary>True once any command was journaled, on one machine or by any cluster shard.</summary>
    public async Task<bool> HasJournalAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM journal LIMIT 1) AS j) + (SELECT COUNT(*) FROM (SELECT 1 FROM shard_journal LIMIT 1) AS s)",
            cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>Every shard's fence row, by shard.</summary>
    public Task<List<ShardClaim>> ShardClaimsAsync(CancellationToken cancellationToken = default) =>
        QueryAsync<ShardClaim>("SELECT shard AS Shard, epoch AS Epoch, last_seq AS LastSequence FROM shard_fences ORDER BY shard", null, cancellationToken);

    /// <summary>A shard's journal after <paramref name="afterSequence"/>, in order.</summary>
    public async IAsyncEnumerable<JournalEntry> ReadShardJournalAsync(string shard, long afterSequence,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var rows = connection.QueryUnbufferedAsync<JournalEntry>(
            $"SELECT {JournalColumns} FROM shard_journal WHERE shard = @shard AND sequence > @afterSequence ORDER BY sequence",
            new { shard, afterSequence });
        await foreach (var row in rows.WithCancellation(cancellationToken)) yield return row;
    }

    /// <summary>A shard's newest snapshot, or null.</summary>
    public Task<SnapshotRecord?> LatestShardSnapshotAsync(string shard, CancellationToken cancellationToken = default) =>
        SingleAsync<SnapshotRecord>(
            "SELECT sequence AS Sequence, created_ms AS CreatedMs, state AS State FROM shard_snapshots WHERE shard = @shard ORDER BY sequence DESC LIMIT 1",
            new { shard }, cancellationToken);

    /// <summary>Saves a shard's snapshot and keeps its two newest.</summary>
    public async Task SaveShardSnapshotAsync(string shard, SnapshotRecord snapshot, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(
            "INSERT INTO shard_snapshots (shard, sequence, created_ms, state) VALUES (@shard, @Sequence, @CreatedMs, @State) ON CONFLICT (shard, sequence) DO NOTHING",
            new { shard, snapshot.Sequence, snapshot.CreatedMs, snapshot.State }, transaction);
        await connection.ExecuteAsync(
            "DELETE FROM shard_snapshots WHERE shard = @shard AND sequence < " +
            "(SELECT MIN(sequence) FROM (SELECT sequence FROM shard_snapshots WHERE shard = @shard ORDER BY sequence DESC LIMIT 2) AS newest)",
            new { shard }, transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The highest trade number of the numbers congruent to <paramref name="ordinal"/> modulo <paramref name="space"/>, or 0.</summary>
    public async Task<long> LastTradeNoAsync(int ordinal, int space, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT MAX(trade_no) FROM trades WHERE trade_no % @space = @ordinal", new { ordinal, space }, cancellationToken: cancellationToken)) ?? 0;
    }

    /// <summary>The stored answer to an idempotency key still pending (status 0) replaced by the host's answer.</summary>
    public async Task CompleteIdempotencyAsync(string organizationId, string key, int statusCode, string response, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE idempotency SET status_code = @statusCode, response = @response WHERE organization_id = @organizationId AND idempotency_key = @key AND status_code = 0",
            new { organizationId, key, statusCode, response }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Holds a named lock across every node of a cluster until disposed (a PostgreSQL advisory lock on a connection of
    /// its own); on SQLite, where one process owns the store, nothing to hold.
    /// </summary>
    public async Task<IAsyncDisposable> LockAsync(string name, CancellationToken cancellationToken = default)
    {
        if (_postgres is null) return NoLock.Instance;
        var connection = await _postgres.OpenConnectionAsync(cancellationToken);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(hashtext(@name))", new { name }, cancellationToken: cancellationToken));
            return new HeldLock(connection, name);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private sealed class HeldLock(System.Data.Common.DbConnection connection, string name) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await using (connection)
            {
                await connection.ExecuteAsync("SELECT pg_advisory_unlock(hashtext(@name))", new { name });
            }
        }
    }

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>Records a cluster node's silo and HTTP front end (again on every start).</summary>
    public async Task RegisterNodeAsync(ClusterNodeRecord node, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO cluster_nodes (silo, url, started_ms) VALUES (@Silo, @Url, @StartedMs) " +
            "ON CONFLICT (silo) DO UPDATE SET url = excluded.url, started_ms = excluded.started_ms",
            node, cancellationToken: cancellationToken));
    }

    /// <summary>The cluster nodes ever registered, newest first.</summary>
    public Task<List<ClusterNodeRecord>> ClusterNodesAsync(CancellationToken cancellationToken = default) =>
        QueryAsync<ClusterNodeRecord>("SELECT silo AS Silo, url AS Url, started_ms AS StartedMs FROM cluster_nodes ORDER BY started_ms DESC", null, cancellationToken);
}

/// <summary>A cluster node: its Orleans silo address and its HTTP front end.</summary>
public sealed record ClusterNodeRecord(string Silo, string Url, long StartedMs);
