using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Neocloud.Storage;

/// <summary>A journal row that does not hold up, by sequence, with what is wrong with it.</summary>
public sealed record JournalProblem(long Sequence, string Problem);

/// <summary>One journal's hash chain as stored: its rows, their range, the stored head and every row that breaks it.</summary>
/// <param name="Shard">The cluster shard (market group), or empty for the one-machine journal.</param>
/// <param name="Rows">Rows read.</param>
/// <param name="FirstSequence">The first row's sequence (0 when empty).</param>
/// <param name="LastSequence">The last row's sequence (0 when empty).</param>
/// <param name="Head">The last row's stored hash (the genesis when empty).</param>
/// <param name="Problems">Rows missing, without a hash or whose hash does not follow, in sequence order.</param>
public sealed record ChainWalk(string Shard, long Rows, long FirstSequence, long LastSequence, byte[] Head, IReadOnlyList<JournalProblem> Problems);

/// <summary>
/// Reads a store's journals for an audit without changing them, on a connection the caller opened (read-only for a
/// SQLite file): which journals it holds, their rows in order, the hash chain walked, and the newest snapshot. The
/// journal is never pruned (a snapshot only shortens recovery), so a walk starts at sequence 1.
/// </summary>
public static class JournalAudit
{
    /// <summary>
    /// A read transaction that sees one moment of the store while a running exchange goes on committing: deferred on
    /// SQLite (a read must not take the writer's lock; WAL gives the snapshot at the first read), repeatable read on PostgreSQL.
    /// </summary>
    public static async Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken = default)
    {
        if (connection is SqliteConnection sqlite) return sqlite.BeginTransaction(deferred: true);
        var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        // A reader takes no lock a writer waits on, and an audit works between its reads: no idle limit (a cluster node's store sets one).
        await connection.ExecuteAsync(new CommandDefinition("SET LOCAL idle_in_transaction_session_timeout = 0", transaction: transaction, cancellationToken: cancellationToken));
        return transaction;
    }

    /// <summary>The store's schema version (0 for a store from before versions were kept).</summary>
    public static async Task<long> SchemaVersionAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken = default) =>
        await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT version FROM schema_version WHERE id = 1", transaction: transaction,
            cancellationToken: cancellationToken)) ?? 0;

    /// <summary>The journals a store holds: the one-machine journal (<see cref="JournalChain.NoShard"/>) if it has rows, then every cluster shard's.</summary>
    public static async Task<List<string>> JournalsAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken = default)
    {
        var journals = new List<string>();
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM (SELECT 1 FROM journal LIMIT 1) AS j", transaction: transaction,
                cancellationToken: cancellationToken)) > 0)
            journals.Add(JournalChain.NoShard);
        journals.AddRange(await connection.QueryAsync<string>(new CommandDefinition("SELECT DISTINCT shard FROM shard_journal ORDER BY shard", transaction: transaction,
            cancellationToken: cancellationToken)));
        return journals;
    }

    /// <summary>A journal's rows with sequences in <c>[from, to]</c>, in order, each with its stored hash (null when it has none).</summary>
    public static async IAsyncEnumerable<(JournalEntry Entry, byte[]? Hash)> RowsAsync(DbConnection connection, DbTransaction? transaction, string shard,
        long from = 1, long to = long.MaxValue, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT sequence, recorded_ms, organization_id, command, hash, actor FROM " +
            (shard.Length == 0 ? "journal WHERE " : "shard_journal WHERE shard = @shard AND ") + "sequence >= @from AND sequence <= @to ORDER BY sequence";
        if (shard.Length > 0) Add(command, "shard", shard);
        Add(command, "from", from);
        Add(command, "to", to);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var entry = new JournalEntry(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.IsDBNull(5) ? null : reader.GetString(5));
            yield return (entry, reader.IsDBNull(4) ? null : (byte[])reader.GetValue(4));
        }
    }

    /// <summary>
    /// Walks a journal's chain from its first row, passing each row to <paramref name="each"/> in order. Every row must
    /// follow the one before it without a gap, and its stored hash must be SHA-256 of the previous row's stored hash and
    /// its own content: an edited row breaks at itself, a deleted row leaves a gap and breaks the row after it, two
    /// swapped rows break at both.
    /// </summary>
    public static async Task<ChainWalk> WalkAsync(DbConnection connection, DbTransaction? transaction, string shard, Action<JournalEntry>? each = null,
        CancellationToken cancellationToken = default)
    {
        var problems = new List<JournalProblem>();
        var previous = JournalChain.Genesis.ToArray();
        var expected = new byte[JournalChain.HashSize];
        long rows = 0, first = 0, last = 0;
        await foreach (var (entry, hash) in RowsAsync(connection, transaction, shard, cancellationToken: cancellationToken))
        {
            rows++;
            if (rows == 1) first = entry.Sequence;
            if (entry.Sequence != last + 1)
            {
                problems.Add(new JournalProblem(last + 1, entry.Sequence == last + 2
                    ? $"missing: row {last + 1} was deleted (the journal goes from {last} to {entry.Sequence})"
                    : $"missing: rows {last + 1}..{entry.Sequence - 1} were deleted (the journal goes from {last} to {entry.Sequence})"));
            }
            JournalChain.Next(previous, shard, entry, expected);
            if (hash is null)
            {
                problems.Add(new JournalProblem(entry.Sequence, "no hash: the row was written outside the exchange"));
            }
            else if (!hash.AsSpan().SequenceEqual(expected))
            {
                problems.Add(new JournalProblem(entry.Sequence, entry.Sequence != last + 1
                    ? $"hash does not follow row {last}: a row before it is missing"
                    : "hash does not match the row's content and the previous row's hash: the row was edited or moved (or the row before it rewritten)"));
            }
            // The next row is checked against what is stored here, so one edited row is reported once, not at every row after it.
            previous = hash ?? expected.ToArray();
            last = entry.Sequence;
            each?.Invoke(entry);
        }
        return new ChainWalk(shard, rows, first, last, previous, problems);
    }

    /// <summary>A journal's newest snapshot, or null.</summary>
    public static Task<SnapshotRecord?> LatestSnapshotAsync(DbConnection connection, DbTransaction? transaction, string shard, CancellationToken cancellationToken = default) =>
        connection.QueryFirstOrDefaultAsync<SnapshotRecord?>(new CommandDefinition(shard.Length == 0
                ? "SELECT sequence AS Sequence, created_ms AS CreatedMs, state AS State FROM snapshots ORDER BY sequence DESC LIMIT 1"
                : "SELECT sequence AS Sequence, created_ms AS CreatedMs, state AS State FROM shard_snapshots WHERE shard = @shard ORDER BY sequence DESC LIMIT 1",
            new { shard }, transaction, cancellationToken: cancellationToken));

    /// <summary>The last sequence a cluster shard's fence row says was committed, or null (the one-machine journal has none).</summary>
    public static Task<long?> FencedSequenceAsync(DbConnection connection, DbTransaction? transaction, string shard, CancellationToken cancellationToken = default) =>
        shard.Length == 0
            ? Task.FromResult<long?>(null)
            : connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT last_seq FROM shard_fences WHERE shard = @shard", new { shard }, transaction,
                cancellationToken: cancellationToken));

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
