using Npgsql;
using System.Runtime.CompilerServices;
using Dapper;

namespace Neocloud.Storage;

/// <summary>The journal of accepted commands, written in group-committed batches with their read-model rows, and engine snapshots.</summary>
public sealed partial class ExchangeStore
{
    /// <summary>Writes one group commit — journal rows and every read-model change they cause — in one transaction.</summary>
    public async Task CommitAsync(CommitBatch batch, CancellationToken cancellationToken = default)
    {
        if (batch.IsEmpty) return;
        if (_postgres is null)
        {
            CommitSqlite(batch);
            return;
        }
        await using var connection = await _postgres.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await PostgresBatchRows.WriteAsync(connection, transaction, batch, cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == Schema.SchemaScript.FencedState && batch.Fence is { } fence)
        {
            throw new ShardFencedException(fence.Shard, fence.Epoch);
        }
        foreach (var write in batch.Writes) await connection.ExecuteAsync(write.Sql, write.Parameters, transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    private void CommitSqlite(CommitBatch batch)
    {
        lock (_writerLock)
        {
            _sqliteWriter ??= SqliteBatchWriter.Open(Options.ConnectionString);
            try
            {
                _sqliteWriter.Commit(batch);
            }
            catch
            {
                // The batch was rolled back; a writer whose connection failed is not trusted with the next one.
                _sqliteWriter.Dispose();
                _sqliteWriter = null;
                throw;
            }
        }
    }

    /// <summary>The journal after <paramref name="afterSequence"/>, in order.</summary>
    public async IAsyncEnumerable<JournalEntry> ReadJournalAsync(long afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var rows = connection.QueryUnbufferedAsync<JournalEntry>(
            "SELECT sequence AS Sequence, recorded_ms AS RecordedMs, organization_id AS OrganizationId, command AS Command " +
            "FROM journal WHERE sequence > @afterSequence ORDER BY sequence",
            new { afterSequence });
        await foreach (var row in rows.WithCancellation(cancellationToken)) yield return row;
    }

    /// <summary>Runs a trivial query: true when the store answers it (a readiness probe).</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>The last journal sequence, or 0 for an empty journal.</summary>
    public async Task<long> LastSequenceAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT MAX(sequence) FROM journal", cancellationToken: cancellationToken)) ?? 0;
    }

    public async Task SaveSnapshotAsync(SnapshotRecord snapshot, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(
            "INSERT INTO snapshots (sequence, created_ms, state) VALUES (@Sequence, @CreatedMs, @State) ON CONFLICT (sequence) DO NOTHING",
            snapshot, transaction);
        // Two snapshots are enough: the newest, and one before it in case the newest is being written when we stop.
        await connection.ExecuteAsync(
            "DELETE FROM snapshots WHERE sequence < (SELECT MIN(sequence) FROM (SELECT sequence FROM snapshots ORDER BY sequence DESC LIMIT 2) AS newest)",
            transaction: transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<SnapshotRecord?> LatestSnapshotAsync(CancellationToken cancellationToken = default) =>
        await SingleAsync<SnapshotRecord>("SELECT sequence AS Sequence, created_ms AS CreatedMs, state AS State FROM snapshots ORDER BY sequence DESC LIMIT 1",
            null, cancellationToken);

    public async Task<long> LastTradeNoAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT MAX(trade_no) FROM trades", cancellationToken: cancellationToken)) ?? 0;
    }
}
