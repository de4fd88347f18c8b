namespace Neocloud.Storage;

/// <summary>
/// The rows a group commit writes, table by table, as positional statements that both stores prepare: SQLite binds
/// them one row at a time on its open connection, PostgreSQL sends them all in one batch (one round trip). The
/// batch's free-form writes follow them in the same transaction.
/// </summary>
internal static class BatchRows
{
    private const int Journal = 0, Pool = 1, Capacity = 2, Order = 3, OrderUpdate = 4, Trade = 5, Idempotency = 6, ShardJournal = 7, Portfolio = 8, EventCounter = 9, Event = 10;

    /// <summary>The statements, by index; each takes its values in the order the <c>Write</c> method passes them.</summary>
    public static readonly IReadOnlyList<Statement> Statements =
    [
        Statement.Insert("journal", "sequence", "recorded_ms", "organization_id", "command", "hash", "actor"),
        Statement.Insert("pools", "id", "provider_id", "site_id", "sku", "region", "created_sequence"),
        Statement.Insert("pool_capacity", "pool_id", "start_hour", "end_hour", "gpus"),
        Statement.Insert("orders", "id", "organization_id", "side", "sku", "region", "pool_id", "gpus", "start_hour", "end_hour", "price_ticks", "tif",
            "status", "traded_gpu_hours", "placed_sequence", "placed_ms", "updated_ms", "alternatives"),
        new(p => $"UPDATE orders SET status = {p}2, traded_gpu_hours = traded_gpu_hours + {p}3, updated_ms = {p}4 WHERE id = {p}1"),
        Statement.Insert("trades", "trade_no", "sequence", "bid_id", "ask_id", "buyer_id", "seller_id", "pool_id", "sku", "region", "gpus", "start_hour",
            "end_hour", "price_ticks", "executed_ms"),
        Statement.Insert("idempotency", "organization_id", "idempotency_key", "request_hash", "status_code", "response", "created_ms"),
        Statement.Insert("shard_journal", "shard", "epoch", "sequence", "recorded_ms", "organization_id", "command", "hash", "actor"),
        Statement.Insert("portfolios", "id", "organization_id", "status", "cancelled_leg", "legs", "placed_sequence", "placed_ms"),
        new(EventRows.CounterSql),
        new(EventRows.InsertSql),
    ];

    /// <summary>
    /// Passes every row of the batch to the sink: journal first, each row with its link of the hash chain computed from
    /// <paramref name="head"/> (which ends at the batch's last row), then the read models and idempotency records.
    /// </summary>
    public static void Write(CommitBatch batch, ISink sink, ChainHead head)
    {
        var hash = head.Hash;
        if (batch.Fence is { } fence)
        {
            foreach (var j in batch.Journal)
            {
                JournalChain.Next(hash, fence.Shard, j, hash);
                sink.Row(ShardJournal, [fence.Shard, fence.Epoch, j.Sequence, j.RecordedMs, j.OrganizationId, j.Command, hash, j.Actor]);
            }
        }
        else
        {
            foreach (var j in batch.Journal)
            {
                JournalChain.Next(hash, JournalChain.NoShard, j, hash);
                sink.Row(Journal, [j.Sequence, j.RecordedMs, j.OrganizationId, j.Command, hash, j.Actor]);
            }
        }
        if (batch.Journal.Count > 0) head.Sequence = batch.Journal[^1].Sequence;
        foreach (var p in batch.Pools) sink.Row(Pool, [p.Id, p.ProviderId, p.SiteId, p.Sku, p.Region, p.CreatedSequence]);
        foreach (var c in batch.Capacity) sink.Row(Capacity, [c.PoolId, c.StartHour, c.EndHour, c.Gpus]);
        foreach (var o in batch.NewOrders)
        {
            sink.Row(Order, [o.Id, o.OrganizationId, o.Side.Text(), o.Sku, o.Region, o.PoolId, o.Gpus, o.StartHour, o.EndHour, o.PriceTicks, o.Tif?.Text(),
                o.Status.Text(), o.TradedGpuHours, o.PlacedSequence, o.PlacedMs, o.UpdatedMs, o.Alternatives]);
        }
        foreach (var u in batch.OrderUpdates) sink.Row(OrderUpdate, [u.Id, u.Status.Text(), u.TradedGpuHoursDelta, u.UpdatedMs]);
        foreach (var t in batch.Trades)
        {
            sink.Row(Trade, [t.TradeNo, t.Sequence, t.BidId, t.AskId, t.BuyerId, t.SellerId, t.PoolId, t.Sku, t.Region, t.Gpus, t.StartHour, t.EndHour,
                t.PriceTicks, t.ExecutedMs]);
        }
        foreach (var f in batch.Portfolios) sink.Row(Portfolio, [f.Id, f.OrganizationId, f.Status, f.CancelledLeg, f.Legs, f.PlacedSequence, f.PlacedMs]);
        foreach (var i in batch.Idempotency) sink.Row(Idempotency, [i.OrganizationId, i.IdempotencyKey, i.RequestHash, i.StatusCode, i.Response, i.CreatedMs]);
        if (!sink.WritesEventsInBulk) WriteEvents(batch.Events, sink);
    }

    /// <summary>
    /// The events, an organization at a time in the order of their ids (so two commits lock counter rows in the same
    /// order and never deadlock): the organization's counter moved by its count, then each event numbered back from it.
    /// </summary>
    private static void WriteEvents(List<EventRecord> events, ISink sink)
    {
        if (events.Count == 0) return;
        foreach (var (organization, indexes) in EventRows.ByOrganization(events))
        {
            sink.Row(EventCounter, [organization, (long)indexes.Count]);
            for (var i = 0; i < indexes.Count; i++)
            {
                var e = events[indexes[i]];
                sink.Row(Event, [e.OrganizationId, (long)(indexes.Count - 1 - i), e.Id, e.Type, e.AtMs, e.Data]);
            }
        }
    }

    /// <summary>What takes the rows: a store's writer.</summary>
    public interface ISink
    {
        /// <summary>One row for statement <paramref name="statement"/>, its values in parameter order.</summary>
        void Row(int statement, ReadOnlySpan<Value> values);

        /// <summary>True when the writer writes the batch's events itself, all in two statements (<see cref="EventRows.Bulk"/>), not a row at a time.</summary>
        bool WritesEventsInBulk => false;
    }

    /// <summary>A statement whose SQL names its parameters by position with the store's marker (<c>?</c> or <c>$</c>).</summary>
    public sealed record Statement(Func<string, string> Sql)
    {
        public static Statement Insert(string table, params string[] columns) =>
            new(p => $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => $"{p}{i + 1}"))})");
    }

    /// <summary>One bound value: a number, text, bytes, or null.</summary>
    public readonly struct Value
    {
        private Value(long number, string? text, byte[]? bytes, bool isNull) => (Number, Text, Bytes, IsNull) = (number, text, bytes, isNull);

        public long Number { get; }
        public string? Text { get; }

        /// <summary>Bytes the writer reuses for the next row: bind or copy them before returning.</summary>
        public byte[]? Bytes { get; }
        public bool IsNull { get; }

        /// <summary>The value as an ADO.NET parameter value (bytes copied).</summary>
        public object Boxed => IsNull ? DBNull.Value : Text ?? Bytes?.Clone() ?? (object)Number;

        public static implicit operator Value(long number) => new(number, null, null, false);
        public static implicit operator Value(string? text) => new(0, text, null, text is null);
        public static implicit operator Value(long? number) => new(number ?? 0, null, null, number is null);
        public static implicit operator Value(byte[] bytes) => new(0, null, bytes, false);
    }
}

/// <summary>The last row of a journal's hash chain: its sequence (0 for an empty journal) and its hash (32 zero bytes then).</summary>
internal sealed class ChainHead(long sequence, byte[] hash)
{
    public long Sequence { get; set; } = sequence;

    /// <summary>The hash, advanced in place as a batch's rows are written.</summary>
    public byte[] Hash { get; } = hash;
}
