using Dapper;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Neocloud.Storage;

/// <summary>
/// Group commits on SQLite. The exchange loop is the only writer, so it keeps one connection open with the batch's
/// INSERT and UPDATE statements prepared once; each row binds its values by position (text as UTF-16, which SQLite
/// converts itself), so a row costs no parameter lookup by name and no allocation. One transaction per batch; a
/// failed batch is rolled back whole and the connection stays usable.
/// </summary>
internal sealed class SqliteBatchWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly sqlite3_stmt _journal;
    private readonly sqlite3_stmt _pool;
    private readonly sqlite3_stmt _capacity;
    private readonly sqlite3_stmt _order;
    private readonly sqlite3_stmt _orderUpdate;
    private readonly sqlite3_stmt _trade;
    private readonly sqlite3_stmt _idempotency;

    private SqliteBatchWriter(SqliteConnection connection)
    {
        _connection = connection;
        _journal = Prepare("INSERT INTO journal (sequence, recorded_ms, organization_id, command) VALUES (?1, ?2, ?3, ?4)");
        _pool = Prepare("INSERT INTO pools (id, provider_id, site_id, sku, region, created_sequence) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        _capacity = Prepare("INSERT INTO pool_capacity (pool_id, start_hour, end_hour, gpus) VALUES (?1, ?2, ?3, ?4)");
        _order = Prepare(
            "INSERT INTO orders (id, organization_id, side, sku, region, pool_id, gpus, start_hour, end_hour, price_ticks, tif, status, " +
            "traded_gpu_hours, placed_sequence, placed_ms, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
        _orderUpdate = Prepare("UPDATE orders SET status = ?2, traded_gpu_hours = traded_gpu_hours + ?3, updated_ms = ?4 WHERE id = ?1");
        _trade = Prepare(
            "INSERT INTO trades (trade_no, sequence, bid_id, ask_id, buyer_id, seller_id, pool_id, sku, region, gpus, start_hour, end_hour, " +
            "price_ticks, executed_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
        _idempotency = Prepare(
            "INSERT INTO idempotency (organization_id, idempotency_key, request_hash, status_code, response, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    }

    /// <summary>Opens the writer's connection (every commit flushed to disk before it returns) and prepares its statements.</summary>
    public static SqliteBatchWriter Open(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            connection.Execute("PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;");
            return new SqliteBatchWriter(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Writes the batch in one transaction, or nothing of it.</summary>
    public void Commit(CommitBatch batch)
    {
        using var transaction = _connection.BeginTransaction();
        foreach (var j in batch.Journal) Run(_journal, [j.Sequence, j.RecordedMs, j.OrganizationId, j.Command]);
        foreach (var p in batch.Pools) Run(_pool, [p.Id, p.ProviderId, p.SiteId, p.Sku, p.Region, p.CreatedSequence]);
        foreach (var c in batch.Capacity) Run(_capacity, [c.PoolId, c.StartHour, c.EndHour, c.Gpus]);
        foreach (var o in batch.NewOrders)
        {
            Run(_order, [o.Id, o.OrganizationId, o.Side, o.Sku, o.Region, o.PoolId, o.Gpus, o.StartHour, o.EndHour, o.PriceTicks, o.Tif, o.Status,
                o.TradedGpuHours, o.PlacedSequence, o.PlacedMs, o.UpdatedMs]);
        }
        foreach (var u in batch.OrderUpdates) Run(_orderUpdate, [u.Id, u.Status, u.TradedGpuHoursDelta, u.UpdatedMs]);
        foreach (var t in batch.Trades)
        {
            Run(_trade, [t.TradeNo, t.Sequence, t.BidId, t.AskId, t.BuyerId, t.SellerId, t.PoolId, t.Sku, t.Region, t.Gpus, t.StartHour, t.EndHour,
                t.PriceTicks, t.ExecutedMs]);
        }
        foreach (var write in batch.Writes) _connection.Execute(write.Sql, write.Parameters, transaction);
        foreach (var i in batch.Idempotency) Run(_idempotency, [i.OrganizationId, i.IdempotencyKey, i.RequestHash, i.StatusCode, i.Response, i.CreatedMs]);
        transaction.Commit();
    }

    public void Dispose()
    {
        foreach (var statement in new[] { _journal, _pool, _capacity, _order, _orderUpdate, _trade, _idempotency }) statement.Dispose();
        _connection.Dispose();
    }

    private sqlite3_stmt Prepare(string sql)
    {
        Check(raw.sqlite3_prepare_v2(_connection.Handle, sql, out var statement));
        return statement;
    }

    /// <summary>Binds the values to ?1, ?2, … and runs the statement once.</summary>
    private void Run(sqlite3_stmt statement, ReadOnlySpan<Value> values)
    {
        try
        {
            for (var i = 0; i < values.Length; i++)
            {
                var value = values[i];
                var index = i + 1;
                Check(value.Text is { } text ? raw.sqlite3_bind_text16(statement, index, text.AsSpan())
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

    /// <summary>One bound value: a number, text, or null.</summary>
    private readonly struct Value
    {
        private Value(long number, string? text, bool isNull) => (Number, Text, IsNull) = (number, text, isNull);

        public long Number { get; }
        public string? Text { get; }
        public bool IsNull { get; }

        public static implicit operator Value(long number) => new(number, null, false);
        public static implicit operator Value(string? text) => new(0, text, text is null);
    }
}
