using Dapper;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Neocloud.Storage;

/// <summary>
/// Group commits on SQLite. The exchange loop is the only writer, so it keeps one connection open with the batch's
/// statements (<see cref="BatchRows"/>) prepared once; each row binds its values by position (text as UTF-16, which
/// SQLite converts itself), so a row costs no parameter lookup by name and no allocation. One transaction per batch;
/// a failed batch is rolled back whole and the connection stays usable.
/// </summary>
internal sealed class SqliteBatchWriter : IDisposable, BatchRows.ISink
{
    private readonly SqliteConnection _connection;
    private readonly sqlite3_stmt[] _statements;

    private SqliteBatchWriter(SqliteConnection connection)
    {
        _connection = connection;
        _statements = BatchRows.Statements.Select(statement => Prepare(statement.Sql("?"))).ToArray();
    }

    /// <summary>Opens the writer's connection (every commit flushed to disk before it returns) and prepares its statements.</summary>
    public static SqliteBatchWriter Open(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            connection.Execute(ExchangeStore.SqliteConnectionPragmas);
            return new SqliteBatchWriter(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes the batch in one transaction, or nothing of it, chaining its journal rows from <paramref name="head"/> (or,
    /// when null, from the stored row before the batch's first); returns the chain's new head.
    /// </summary>
    public ChainHead Commit(CommitBatch batch, ChainHead? head)
    {
        using var transaction = _connection.BeginTransaction();
        if (batch.Fence is { } fence && _connection.Execute(ExchangeStore.MoveFenceSql, fence, transaction) != 1)
            throw new ShardFencedException(fence.Shard, fence.Epoch);
        head ??= ExchangeStore.ChainHeadBefore(batch, (sql, parameters) => _connection.QueryFirstOrDefault<byte[]?>(sql, parameters, transaction));
        BatchRows.Write(batch, this, head);
        foreach (var fact in batch.Facts) BookProjection.Write(_connection, transaction, fact);
        transaction.Commit();
        return head;
    }

    public void Dispose()
    {
        foreach (var statement in _statements) statement.Dispose();
        _connection.Dispose();
    }

    private sqlite3_stmt Prepare(string sql)
    {
        Check(raw.sqlite3_prepare_v2(_connection.Handle, sql, out var statement));
        return statement;
    }

    /// <summary>Binds the values to ?1, ?2, … and runs the statement once.</summary>
    void BatchRows.ISink.Row(int statementIndex, ReadOnlySpan<BatchRows.Value> values)
    {
        var statement = _statements[statementIndex];
        try
        {
            for (var i = 0; i < values.Length; i++)
            {
                var value = values[i];
                var index = i + 1;
                Check(value.Text is { } text ? raw.sqlite3_bind_text16(statement, index, text.AsSpan())
                    : value.Bytes is { } bytes ? raw.sqlite3_bind_blob(statement, index, bytes)
                    : value.IsNull ? raw.sqlite3_bind_null(statement, index)
                    : raw.sqlite3_bind_int64(statement, index, value.Number));
            }
            var result = raw.sqlite3_step(statement);
            if (result != raw.SQLITE_DONE) Check(result);
        }
        finally
        {
            raw.sqlite3_reset(statement);
            raw.sqlite3_clear_bindings(statement);
        }
    }

    private void Check(int result)
    {
        if (result is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW)) SqliteException.ThrowExceptionForRC(result, _connection.Handle);
    }
}
