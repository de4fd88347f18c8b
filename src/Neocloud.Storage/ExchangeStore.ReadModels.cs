using System.Globalization;
using Dapper;
using Neocloud.Domain.Paging;

namespace Neocloud.Storage;

/// <summary>Pools, capacity, orders, trades and market data as the read models hold them.</summary>
public sealed partial class ExchangeStore
{
    private const string OrderColumns =
        "id AS Id, organization_id AS OrganizationId, side AS Side, sku AS Sku, region AS Region, pool_id AS PoolId, gpus AS Gpus, " +
        "start_hour AS StartHour, end_hour AS EndHour, price_ticks AS PriceTicks, tif AS Tif, status AS Status, " +
        "traded_gpu_hours AS TradedGpuHours, placed_sequence AS PlacedSequence, placed_ms AS PlacedMs, updated_ms AS UpdatedMs, alternatives AS Alternatives";

    private const string PortfolioColumns =
        "id AS Id, organization_id AS OrganizationId, status AS Status, cancelled_leg AS CancelledLeg, legs AS Legs, placed_sequence AS PlacedSequence, placed_ms AS PlacedMs";

    /// <summary>A portfolio order, or null.</summary>
    public async Task<PortfolioRecord?> GetPortfolioAsync(string id, CancellationToken cancellationToken = default) =>
        await SingleAsync<PortfolioRecord>($"SELECT {PortfolioColumns} FROM portfolios WHERE id = @id", new { id }, cancellationToken);

    /// <summary>An organization's portfolio orders, oldest first.</summary>
    public async Task<Page<PortfolioRecord>> ListPortfoliosAsync(string organizationId, string? after, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<PortfolioRecord>(new CommandDefinition(
            $"SELECT {PortfolioColumns} FROM portfolios WHERE organization_id = @organizationId AND placed_sequence > @after ORDER BY placed_sequence LIMIT @take",
            new { organizationId, after = ParseCursor(after), take = limit + 1 }, cancellationToken: cancellationToken))).ToList();
        return PageOf(rows, limit, r => r.PlacedSequence.ToString(CultureInfo.InvariantCulture));
    }

    private const string TradeColumns =
        "trade_no AS TradeNo, sequence AS Sequence, bid_id AS BidId, ask_id AS AskId, buyer_id AS BuyerId, seller_id AS SellerId, " +
        "pool_id AS PoolId, sku AS Sku, region AS Region, gpus AS Gpus, start_hour AS StartHour, end_hour AS EndHour, " +
        "price_ticks AS PriceTicks, executed_ms AS ExecutedMs";

    private const string PoolColumns =
        "id AS Id, provider_id AS ProviderId, site_id AS SiteId, sku AS Sku, region AS Region, created_sequence AS CreatedSequence";

    public async Task<Page<PoolRecord>> ListPoolsAsync(string? sku, string? providerId, string? after, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<PoolRecord>(new CommandDefinition(
            $"SELECT {PoolColumns} FROM pools WHERE id > @after AND (@sku IS NULL OR sku = @sku) AND (@providerId IS NULL OR provider_id = @providerId) " +
            "ORDER BY id LIMIT @take",
            new { after = after ?? "", sku, providerId, take = limit + 1 }, cancellationToken: cancellationToken))).ToList();
        return PageOf(rows, limit, r => r.Id);
    }

    public async Task<PoolRecord?> GetPoolAsync(string id, CancellationToken cancellationToken = default) =>
        await SingleAsync<PoolRecord>($"SELECT {PoolColumns} FROM pools WHERE id = @id", new { id }, cancellationToken);

    public async Task<IReadOnlyList<CapacitySegmentRecord>> CapacityAsync(string poolId, CancellationToken cancellationToken = default) =>
        await QueryAsync<CapacitySegmentRecord>("SELECT pool_id AS PoolId, start_hour AS StartHour, end_hour AS EndHour, gpus AS Gpus FROM pool_capacity WHERE pool_id = @poolId ORDER BY start_hour",
            new { poolId }, cancellationToken);

    public async Task<OrderRecord?> GetOrderAsync(string id, CancellationToken cancellationToken = default) =>
        await SingleAsync<OrderRecord>($"SELECT {OrderColumns} FROM orders WHERE id = @id", new { id }, cancellationToken);

    /// <summary>An organization's orders, oldest first; <paramref name="open"/> true for resting ones, false for finished ones.</summary>
    public async Task<Page<OrderRecord>> ListOrdersAsync(string organizationId, bool? open, string? after, int limit, CancellationToken cancellationToken = default)
    {
        var status = open switch { true => "AND status = 'open'", false => "AND status <> 'open'", null => "" };
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<OrderRecord>(new CommandDefinition(
            $"SELECT {OrderColumns} FROM orders WHERE organization_id = @organizationId AND placed_sequence > @after {status} ORDER BY placed_sequence LIMIT @take",
            new { organizationId, after = ParseCursor(after), take = limit + 1 }, cancellationToken: cancellationToken))).ToList();
        return PageOf(rows, limit, r => r.PlacedSequence.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Trades where the organization is buyer or seller, oldest first.</summary>
    public async Task<Page<TradeRecord>> ListTradesForAsync(string organizationId, string? after, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<TradeRecord>(new CommandDefinition(
            $"SELECT {TradeColumns} FROM trades WHERE (buyer_id = @organizationId OR seller_id = @organizationId) AND trade_no > @after ORDER BY trade_no LIMIT @take",
            new { organizationId, after = ParseCursor(after), take = limit + 1 }, cancellationToken: cancellationToken))).ToList();
        return PageOf(rows, limit, r => r.TradeNo.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Trades where the organization is buyer or seller whose windows end after <paramref name="hour"/>, oldest first: its spot holdings.</summary>
    public async Task<IReadOnlyList<TradeRecord>> OpenTradesForAsync(string organizationId, long hour, CancellationToken cancellationToken = default) =>
        await QueryAsync<TradeRecord>(
            $"SELECT {TradeColumns} FROM trades WHERE (buyer_id = @organizationId OR seller_id = @organizationId) AND end_hour > @hour ORDER BY trade_no",
            new { organizationId, hour }, cancellationToken);

    /// <summary>One trade, if the organization is its buyer or seller.</summary>
    /// <summary>The trades with these numbers where the organization is buyer or seller, in one query (a portfolio's legs).</summary>
    /// <remarks>Dapper expands a list into <c>IN (…)</c> for SQLite and binds it as one array for PostgreSQL.</remarks>
    public async Task<IReadOnlyList<TradeRecord>> TradesForAsync(string organizationId, IReadOnlyCollection<long> tradeNos, CancellationToken cancellationToken = default) =>
        tradeNos.Count == 0 ? [] : await QueryAsync<TradeRecord>(
            $"SELECT {TradeColumns} FROM trades WHERE trade_no {(_postgres is null ? "IN @tradeNos" : "= ANY(@tradeNos)")} " +
            "AND (buyer_id = @organizationId OR seller_id = @organizationId) ORDER BY trade_no",
            new { organizationId, tradeNos = tradeNos.ToArray() }, cancellationToken);

    public async Task<TradeRecord?> GetTradeForAsync(string organizationId, long tradeNo, CancellationToken cancellationToken = default) =>
        await SingleAsync<TradeRecord>($"SELECT {TradeColumns} FROM trades WHERE trade_no = @tradeNo AND (buyer_id = @organizationId OR seller_id = @organizationId)",
            new { organizationId, tradeNo }, cancellationToken);

    /// <summary>The newest trades of a SKU, newest first.</summary>
    public async Task<IReadOnlyList<TradeRecord>> RecentTradesAsync(string sku, int limit, CancellationToken cancellationToken = default) =>
        await QueryAsync<TradeRecord>($"SELECT {TradeColumns} FROM trades WHERE sku = @sku ORDER BY trade_no DESC LIMIT @limit",
            new { sku, limit }, cancellationToken);

    /// <summary>Trades of a SKU executed in <c>[fromMs, toMs)</c>, oldest first: the input of the daily index.</summary>
    public async Task<IReadOnlyList<TradeRecord>> TradesBetweenAsync(string sku, long fromMs, long toMs, CancellationToken cancellationToken = default) =>
        await QueryAsync<TradeRecord>($"SELECT {TradeColumns} FROM trades WHERE sku = @sku AND executed_ms >= @fromMs AND executed_ms < @toMs ORDER BY trade_no",
            new { sku, fromMs, toMs }, cancellationToken);

    /// <summary>Every trade, oldest first (for checks and exports).</summary>
    public async Task<IReadOnlyList<TradeRecord>> AllTradesAsync(CancellationToken cancellationToken = default) =>
        await QueryAsync<TradeRecord>($"SELECT {TradeColumns} FROM trades ORDER BY trade_no", null, cancellationToken);

    /// <summary>Open interest: GPUs of a SKU under contract in the given hour.</summary>
    public async Task<long> OpenInterestAsync(string sku, long hour, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT SUM(gpus) FROM trades WHERE sku = @sku AND start_hour <= @hour AND end_hour > @hour",
            new { sku, hour }, cancellationToken: cancellationToken)) ?? 0;
    }
}
