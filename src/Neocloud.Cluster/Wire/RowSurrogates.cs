using Neocloud.Domain.Orders;
using Neocloud.Storage;

namespace Neocloud.Cluster.Wire;

// The market's read-model rows a committed request answers with (the order, its trades, the pool, the portfolio), on
// the Orleans wire: Neocloud.Storage does not reference Orleans, so each row travels as a [GenerateSerializer]
// surrogate through its own [RegisterConverter] converter.

/// <summary>An order row on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.row.order")]
public readonly record struct OrderRecordSurrogate(
    [property: Id(0)] string Id, [property: Id(1)] string OrganizationId, [property: Id(2)] OrderSide Side,
    [property: Id(3)] string Sku, [property: Id(4)] string? Region, [property: Id(5)] string? PoolId,
    [property: Id(6)] long Gpus, [property: Id(7)] long StartHour, [property: Id(8)] long EndHour,
    [property: Id(9)] long PriceTicks, [property: Id(10)] TimeInForce? Tif, [property: Id(11)] OrderStatus Status,
    [property: Id(12)] long TradedGpuHours, [property: Id(13)] long PlacedSequence, [property: Id(14)] long PlacedMs,
    [property: Id(15)] long UpdatedMs, [property: Id(16)] string? Alternatives);

/// <summary>Converts <see cref="OrderRecord"/> for the wire.</summary>
[RegisterConverter]
public sealed class OrderRecordConverter : IConverter<OrderRecord, OrderRecordSurrogate>
{
    public OrderRecord ConvertFromSurrogate(in OrderRecordSurrogate surrogate) => new(
        surrogate.Id, surrogate.OrganizationId, surrogate.Side, surrogate.Sku, surrogate.Region, surrogate.PoolId,
        surrogate.Gpus, surrogate.StartHour, surrogate.EndHour, surrogate.PriceTicks, surrogate.Tif, surrogate.Status,
        surrogate.TradedGpuHours, surrogate.PlacedSequence, surrogate.PlacedMs, surrogate.UpdatedMs, surrogate.Alternatives);

    public OrderRecordSurrogate ConvertToSurrogate(in OrderRecord value) => new(
        value.Id, value.OrganizationId, value.Side, value.Sku, value.Region, value.PoolId, value.Gpus, value.StartHour,
        value.EndHour, value.PriceTicks, value.Tif, value.Status, value.TradedGpuHours, value.PlacedSequence, value.PlacedMs,
        value.UpdatedMs, value.Alternatives);
}

/// <summary>A trade row on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.row.trade")]
public readonly record struct TradeRecordSurrogate(
    [property: Id(0)] long TradeNo, [property: Id(1)] long Sequence, [property: Id(2)] string BidId,
    [property: Id(3)] string AskId, [property: Id(4)] string BuyerId, [property: Id(5)] string SellerId,
    [property: Id(6)] string PoolId, [property: Id(7)] string Sku, [property: Id(8)] string Region, [property: Id(9)] long Gpus,
    [property: Id(10)] long StartHour, [property: Id(11)] long EndHour, [property: Id(12)] long PriceTicks,
    [property: Id(13)] long ExecutedMs);

/// <summary>Converts <see cref="TradeRecord"/> for the wire.</summary>
[RegisterConverter]
public sealed class TradeRecordConverter : IConverter<TradeRecord, TradeRecordSurrogate>
{
    public TradeRecord ConvertFromSurrogate(in TradeRecordSurrogate surrogate) => new(
        surrogate.TradeNo, surrogate.Sequence, surrogate.BidId, surrogate.AskId, surrogate.BuyerId, surrogate.SellerId,
        surrogate.PoolId, surrogate.Sku, surrogate.Region, surrogate.Gpus, surrogate.StartHour, surrogate.EndHour,
        surrogate.PriceTicks, surrogate.ExecutedMs);

    public TradeRecordSurrogate ConvertToSurrogate(in TradeRecord value) => new(
        value.TradeNo, value.Sequence, value.BidId, value.AskId, value.BuyerId, value.SellerId, value.PoolId, value.Sku,
        value.Region, value.Gpus, value.StartHour, value.EndHour, value.PriceTicks, value.ExecutedMs);
}

/// <summary>A pool row on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.row.pool")]
public readonly record struct PoolRecordSurrogate(
    [property: Id(0)] string Id, [property: Id(1)] string ProviderId, [property: Id(2)] string? SiteId,
    [property: Id(3)] string Sku, [property: Id(4)] string Region, [property: Id(5)] long CreatedSequence);

/// <summary>Converts <see cref="PoolRecord"/> for the wire.</summary>
[RegisterConverter]
public sealed class PoolRecordConverter : IConverter<PoolRecord, PoolRecordSurrogate>
{
    public PoolRecord ConvertFromSurrogate(in PoolRecordSurrogate surrogate) => new(
        surrogate.Id, surrogate.ProviderId, surrogate.SiteId, surrogate.Sku, surrogate.Region, surrogate.CreatedSequence);

    public PoolRecordSurrogate ConvertToSurrogate(in PoolRecord value) => new(
        value.Id, value.ProviderId, value.SiteId, value.Sku, value.Region, value.CreatedSequence);
}

/// <summary>A portfolio row on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.row.portfolio")]
public readonly record struct PortfolioRecordSurrogate(
    [property: Id(0)] string Id, [property: Id(1)] string OrganizationId, [property: Id(2)] string Status,
    [property: Id(3)] long? CancelledLeg, [property: Id(4)] string Legs, [property: Id(5)] long PlacedSequence,
    [property: Id(6)] long PlacedMs);

/// <summary>Converts <see cref="PortfolioRecord"/> for the wire.</summary>
[RegisterConverter]
public sealed class PortfolioRecordConverter : IConverter<PortfolioRecord, PortfolioRecordSurrogate>
{
    public PortfolioRecord ConvertFromSurrogate(in PortfolioRecordSurrogate surrogate) => new(
        surrogate.Id, surrogate.OrganizationId, surrogate.Status, surrogate.CancelledLeg, surrogate.Legs,
        surrogate.PlacedSequence, surrogate.PlacedMs);

    public PortfolioRecordSurrogate ConvertToSurrogate(in PortfolioRecord value) => new(
        value.Id, value.OrganizationId, value.Status, value.CancelledLeg, value.Legs, value.PlacedSequence, value.PlacedMs);
}
