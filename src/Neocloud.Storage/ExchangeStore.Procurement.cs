using Dapper;
using Neocloud.Domain.Paging;

namespace Neocloud.Storage;

/// <summary>Standing procurements, the blocks they bought and the blocks they could not buy.</summary>
public sealed partial class ExchangeStore
{
    private const string ProcurementColumns =
        "id AS Id, organization_id AS OrganizationId, sku AS Sku, region AS Region, gpus AS Gpus, horizon_hours AS HorizonHours, " +
        "block_hours AS BlockHours, max_price_ticks AS MaxPriceTicks, status AS Status, next_bid AS NextBid, created_ms AS CreatedMs, stopped_ms AS StoppedMs, " +
        "alternatives AS Alternatives";

    private const string BlockColumns =
        "procurement_id AS ProcurementId, start_hour AS StartHour, end_hour AS EndHour, bid_id AS BidId, trade_no AS TradeNo, pool_id AS PoolId, " +
        "gpus AS Gpus, price_ticks AS PriceTicks, bought_ms AS BoughtMs";

    private const string MissColumns =
        "procurement_id AS ProcurementId, start_hour AS StartHour, end_hour AS EndHour, reason AS Reason, tries AS Tries, first_ms AS FirstMs, last_ms AS LastMs";

    public async Task<ProcurementRecord?> GetProcurementAsync(string id, CancellationToken cancellationToken = default) =>
        await SingleAsync<ProcurementRecord>($"SELECT {ProcurementColumns} FROM procurements WHERE id = @id", new { id }, cancellationToken);

    /// <summary>An organization's procurements, oldest first (ids sort by creation).</summary>
    public async Task<Page<ProcurementRecord>> ListProcurementsAsync(string organizationId, string? after, int limit, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync<ProcurementRecord>(
            $"SELECT {ProcurementColumns} FROM procurements WHERE organization_id = @organizationId AND id > @after ORDER BY id LIMIT @take",
            new { organizationId, after = after ?? "", take = limit + 1 }, cancellationToken);
        return PageOf(rows, limit, r => r.Id);
    }

    /// <summary>Every active procurement, oldest first.</summary>
    public async Task<IReadOnlyList<ProcurementRecord>> ActiveProcurementsAsync(CancellationToken cancellationToken = default) =>
        await QueryAsync<ProcurementRecord>($"SELECT {ProcurementColumns} FROM procurements WHERE status = 'active' ORDER BY id", null, cancellationToken);

    /// <summary>The blocks a procurement bought, by start hour.</summary>
    public async Task<IReadOnlyList<ProcurementBlockRecord>> ProcurementBlocksAsync(string procurementId, CancellationToken cancellationToken = default) =>
        await QueryAsync<ProcurementBlockRecord>($"SELECT {BlockColumns} FROM procurement_blocks WHERE procurement_id = @procurementId ORDER BY start_hour",
            new { procurementId }, cancellationToken);

    /// <summary>The blocks a procurement could not buy, by start hour.</summary>
    public async Task<IReadOnlyList<ProcurementMissRecord>> ProcurementMissesAsync(string procurementId, CancellationToken cancellationToken = default) =>
        await QueryAsync<ProcurementMissRecord>($"SELECT {MissColumns} FROM procurement_misses WHERE procurement_id = @procurementId ORDER BY start_hour",
            new { procurementId }, cancellationToken);

    /// <summary>
    /// Records a block bought by bid number <paramref name="bidNumber"/>, in one transaction: the block (once, however
    /// often it is recorded), the miss of the same start hour resolved, and the procurement moved on to the next bid
    /// number if it was still at this one.
    /// </summary>
    public async Task RecordProcurementBlockAsync(ProcurementBlockRecord block, long bidNumber, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(
            "INSERT INTO procurement_blocks (procurement_id, start_hour, end_hour, bid_id, trade_no, pool_id, gpus, price_ticks, bought_ms) " +
            "VALUES (@ProcurementId, @StartHour, @EndHour, @BidId, @TradeNo, @PoolId, @Gpus, @PriceTicks, @BoughtMs) ON CONFLICT (procurement_id, start_hour) DO NOTHING",
            block, transaction);
        await connection.ExecuteAsync("DELETE FROM procurement_misses WHERE procurement_id = @ProcurementId AND start_hour = @StartHour", block, transaction);
        await MoveToNextBidAsync(connection, transaction, block.ProcurementId, bidNumber);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Records a block not bought (or tried again and still not bought), in one transaction; when bid number
    /// <paramref name="spentBid"/> was placed and cancelled, the procurement moves on to the next bid number.
    /// </summary>
    public async Task RecordProcurementMissAsync(ProcurementMissRecord miss, long? spentBid, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(
            "INSERT INTO procurement_misses (procurement_id, start_hour, end_hour, reason, tries, first_ms, last_ms) " +
            "VALUES (@ProcurementId, @StartHour, @EndHour, @Reason, @Tries, @FirstMs, @LastMs) ON CONFLICT (procurement_id, start_hour) DO UPDATE SET " +
            "end_hour = excluded.end_hour, reason = excluded.reason, tries = procurement_misses.tries + 1, last_ms = excluded.last_ms",
            miss, transaction);
        if (spentBid is { } number) await MoveToNextBidAsync(connection, transaction, miss.ProcurementId, number);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The trade a buyer's bid made, if it made one.</summary>
    public async Task<TradeRecord?> TradeOfBidAsync(string buyerId, string bidId, CancellationToken cancellationToken = default) =>
        await SingleAsync<TradeRecord>($"SELECT {TradeColumns} FROM trades WHERE buyer_id = @buyerId AND bid_id = @bidId", new { buyerId, bidId }, cancellationToken);

    /// <summary>Moves a procurement from bid number <paramref name="spent"/> to the next; does nothing when another runner already did.</summary>
    private static Task<int> MoveToNextBidAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, string id, long spent) =>
        connection.ExecuteAsync("UPDATE procurements SET next_bid = @next WHERE id = @id AND next_bid = @spent", new { id, spent, next = spent + 1 }, transaction);
}
