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
            Published(batch.Events);
            return;
        }
        await using var connection = await _postgres.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var head = TakeChainHead(batch);
        if (head is null && batch.Journal.Count > 0)
        {
            var (sql, parameters) = ChainHeadQuery(batch);
            var stored = await connection.QueryFirstOrDefaultAsync<byte[]?>(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken));
            head = ChainHeadBefore(batch, (_, _) => stored);
        }
        head ??= new ChainHead(0, new byte[JournalChain.HashSize]);
        try
        {
            await PostgresBatchRows.WriteAsync(connection, transaction, batch, head, cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == Schema.SchemaScript.FencedState && batch.Fence is { } fence)
        {
            throw new ShardFencedException(fence.Shard, fence.Epoch);
        }
        foreach (var fact in batch.Facts) await BookProjection.WriteAsync(connection, transaction, fact);
        await transaction.CommitAsync(cancellationToken);
        KeepChainHead(batch, head);
        Published(batch.Events);
    }

    /// <summary>
    /// The head of the batch's journal chain as the last commit left it, when that commit ended right before the batch's
    /// first row; taken out of the cache, so a commit that fails leaves none and the next one reads the stored row.
    /// </summary>
    private ChainHead? TakeChainHead(CommitBatch batch)
    {
        if (batch.Journal.Count == 0) return null;
        return _chainHeads.TryRemove(batch.Fence?.Shard ?? JournalChain.NoShard, out var head) && head.Sequence == batch.Journal[0].Sequence - 1 ? head : null;
    }

    private void KeepChainHead(CommitBatch batch, ChainHead head)
    {
        if (batch.Journal.Count > 0) _chainHeads[batch.Fence?.Shard ?? JournalChain.NoShard] = head;
    }

    /// <summary>The query for the hash of the stored row before the batch's first (a cluster shard's, or the journal's).</summary>
    private static (string Sql, object Parameters) ChainHeadQuery(CommitBatch batch)
    {
        var sequence = batch.Journal[0].Sequence - 1;
        return batch.Fence is { } fence
            ? ("SELECT hash FROM shard_journal WHERE shard = @shard AND sequence = @sequence", new { shard = fence.Shard, sequence })
            : ("SELECT hash FROM journal WHERE sequence = @sequence", new { sequence });
    }

    /// <summary>
    /// The chain head before the batch's first row, read from the store (after a start, a kill or a failed commit): the
    /// genesis before sequence 1, else the stored hash of the row before. Should that row be gone or its hash erased
    /// (only a hand on the database does that), the batch chains from the genesis: the exchange keeps taking commands
    /// and the break stays where <c>journal verify</c> reports it.
    /// </summary>
    internal static ChainHead ChainHeadBefore(CommitBatch batch, Func<string, object, byte[]?> read)
    {
        var before = batch.Journal.Count == 0 ? 0 : batch.Journal[0].Sequence - 1;
        if (before <= 0) return new ChainHead(0, new byte[JournalChain.HashSize]);
        var (sql, parameters) = ChainHeadQuery(batch);
        return new ChainHead(before, read(sql, parameters) is { Length: JournalChain.HashSize } hash ? (byte[])hash.Clone() : new byte[JournalChain.HashSize]);
    }

    private void CommitSqlite(CommitBatch batch)
    {
        lock (_writerLock)
        {
            _sqliteWriter ??= SqliteBatchWriter.Open(Options.ConnectionString);
            try
            {
                KeepChainHead(batch, _sqliteWriter.Commit(batch, TakeChainHead(batch)));
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

    /// <summary>A journal row's columns as <see cref="JournalEntry"/> reads them, in its parameters' order.</summary>
    internal const string JournalColumns = "sequence AS Sequence, recorded_ms AS RecordedMs, organization_id AS OrganizationId, command AS Command, actor AS Actor";

    /// <summary>The journal after <paramref name="afterSequence"/>, in order.</summary>
    public async IAsyncEnumerable<JournalEntry> ReadJournalAsync(long afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var rows = connection.QueryUnbufferedAsync<JournalEntry>(
            $"SELECT {JournalColumns} FROM journal WHERE sequence > @afterSequence ORDER BY sequence",
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
