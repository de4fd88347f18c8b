using Neocloud.Domain.Money;
using Neocloud.Domain.Time;
using Neocloud.Market.Commands;

namespace Neocloud.Cluster.Wire;

// The market's commands and their value types on the Orleans wire. Neocloud.Market and Neocloud.Domain do not reference
// Orleans, so each type travels as a [GenerateSerializer] surrogate through a [RegisterConverter] converter (one
// converter class per type: a class converting several types confuses Orleans' copier lookup, dotnet/orleans#8879).
// A field declared MarketCommand carries its concrete command's type, and that type's converter reads it back.
// Lists are written as arrays, whatever list the command holds (a collection expression's list has no codec).

/// <summary>An hour on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.hour")]
public readonly record struct HourSurrogate([property: Id(0)] int Value);

/// <summary>Converts <see cref="Hour"/> for the wire.</summary>
[RegisterConverter]
public sealed class HourConverter : IConverter<Hour, HourSurrogate>
{
    public Hour ConvertFromSurrogate(in HourSurrogate surrogate) => new(surrogate.Value);

    public HourSurrogate ConvertToSurrogate(in Hour value) => new(value.Value);
}

/// <summary>A window of hours on the wire (the default window, no hours, stays the default).</summary>
[GenerateSerializer, Immutable, Alias("neocloud.hour-window")]
public readonly record struct HourWindowSurrogate([property: Id(0)] int Start, [property: Id(1)] int End);

/// <summary>Converts <see cref="HourWindow"/> for the wire.</summary>
[RegisterConverter]
public sealed class HourWindowConverter : IConverter<HourWindow, HourWindowSurrogate>
{
    public HourWindow ConvertFromSurrogate(in HourWindowSurrogate surrogate) =>
        surrogate is { Start: 0, End: 0 } ? default : HourWindow.Of(surrogate.Start, surrogate.End);

    public HourWindowSurrogate ConvertToSurrogate(in HourWindow value) => new(value.Start.Value, value.End.Value);
}

/// <summary>A price in ticks on the wire (the default price, zero ticks, stays the default).</summary>
[GenerateSerializer, Immutable, Alias("neocloud.price")]
public readonly record struct PriceSurrogate([property: Id(0)] long Ticks);

/// <summary>Converts <see cref="Price"/> for the wire.</summary>
[RegisterConverter]
public sealed class PriceConverter : IConverter<Price, PriceSurrogate>
{
    public Price ConvertFromSurrogate(in PriceSurrogate surrogate) => surrogate.Ticks == 0 ? default : Price.FromTicks(surrogate.Ticks);

    public PriceSurrogate ConvertToSurrogate(in Price value) => new(value.Ticks);
}

/// <summary>A capacity segment on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.segment")]
public readonly record struct SegmentSurrogate([property: Id(0)] int Start, [property: Id(1)] int End, [property: Id(2)] int Gpus);

/// <summary>Converts <see cref="Segment"/> for the wire.</summary>
[RegisterConverter]
public sealed class SegmentConverter : IConverter<Segment, SegmentSurrogate>
{
    public Segment ConvertFromSurrogate(in SegmentSurrogate surrogate) => new(surrogate.Start, surrogate.End, surrogate.Gpus);

    public SegmentSurrogate ConvertToSurrogate(in Segment value) => new(value.Start, value.End, value.Gpus);
}

/// <summary>A bid's alternative SKU and limit on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.alternative")]
public readonly record struct AlternativeSurrogate([property: Id(0)] string Sku, [property: Id(1)] Price Limit);

/// <summary>Converts <see cref="Alternative"/> for the wire.</summary>
[RegisterConverter]
public sealed class AlternativeConverter : IConverter<Alternative, AlternativeSurrogate>
{
    public Alternative ConvertFromSurrogate(in AlternativeSurrogate surrogate) => new(surrogate.Sku, surrogate.Limit);

    public AlternativeSurrogate ConvertToSurrogate(in Alternative value) => new(value.Sku, value.Limit);
}

/// <summary>A pool registration on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.cmd.pool")]
public readonly record struct PoolCommandSurrogate(
    [property: Id(0)] string PoolId, [property: Id(1)] string Provider, [property: Id(2)] string Region, [property: Id(3)] string Sku,
    [property: Id(4)] Segment[] Capacity);

/// <summary>Converts <see cref="PoolCommand"/> for the wire.</summary>
[RegisterConverter]
public sealed class PoolCommandConverter : IConverter<PoolCommand, PoolCommandSurrogate>
{
    public PoolCommand ConvertFromSurrogate(in PoolCommandSurrogate surrogate) =>
        new(surrogate.PoolId, surrogate.Provider, surrogate.Region, surrogate.Sku, surrogate.Capacity);

    public PoolCommandSurrogate ConvertToSurrogate(in PoolCommand value) =>
        new(value.PoolId, value.Provider, value.Region, value.Sku, [.. value.Capacity]);
}

/// <summary>A capacity step added to a pool, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.cmd.capacity")]
public readonly record struct CapacityCommandSurrogate([property: Id(0)] string PoolId, [property: Id(1)] Segment Step);

/// <summary>Converts <see cref="CapacityCommand"/> for the wire.</summary>
[RegisterConverter]
public sealed class CapacityCommandConverter : IConverter<CapacityCommand, CapacityCommandSurrogate>
{
    public CapacityCommand ConvertFromSurrogate(in CapacityCommandSurrogate surrogate) => new(surrogate.PoolId, surrogate.Step);

    public CapacityCommandSurrogate ConvertToSurrogate(in CapacityCommand value) => new(value.PoolId, value.Step);
}

/// <summary>An ask on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.cmd.ask")]
public readonly record struct AskCommandSurrogate(
    [property: Id(0)] string OrderId, [property: Id(1)] string Account, [property: Id(2)] string PoolId, [property: Id(3)] int Gpus,
    [property: Id(4)] HourWindow Window, [property: Id(5)] Price Price);

/// <summary>Converts <see cref="AskCommand"/> for the wire.</summary>
[RegisterConverter]
public sealed class AskCommandConverter : IConverter<AskCommand, AskCommandSurrogate>
{
    public AskCommand ConvertFromSurrogate(in AskCommandSurrogate surrogate) =>
        new(surrogate.OrderId, surrogate.Account, surrogate.PoolId, surrogate.Gpus, surrogate.Window, surrogate.Price);

    public AskCommandSurrogate ConvertToSurrogate(in AskCommand value) =>
        new(value.OrderId, value.Account, value.PoolId, value.Gpus, value.Window, value.Price);
}

/// <summary>A bid on the wire: plain, with alternatives, or for one pool.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.cmd.bid")]
public readonly record struct BidCommandSurrogate(
    [property: Id(0)] string OrderId, [property: Id(1)] string Account, [property: Id(2)] string Sku, [property: Id(3)] string? Region,
    [property: Id(4)] int Gpus, [property: Id(5)] HourWindow Window, [property: Id(6)] Price Limit, [property: Id(7)] bool ImmediateOrCancel,
    [property: Id(8)] Alternative[]? Alternatives, [property: Id(9)] string? PoolId);

/// <summary>Converts <see cref="BidCommand"/> for the wire.</summary>
[RegisterConverter]
public sealed class BidCommandConverter : IConverter<BidCommand, BidCommandSurrogate>
{
    public BidCommand ConvertFromSurrogate(in BidCommandSurrogate surrogate) =>
        new(surrogate.OrderId, surrogate.Account, surrogate.Sku, surrogate.Region, surrogate.Gpus, surrogate.Window, surrogate.Limit, surrogate.ImmediateOrCancel)
        {
            Alternatives = surrogate.Alternatives,
            PoolId = surrogate.PoolId,
        };

    public BidCommandSurrogate ConvertToSurrogate(in BidCommand value) =>
        new(value.OrderId, value.Account, value.Sku, value.Region, value.Gpus, value.Window, value.Limit, value.ImmediateOrCancel,
            value.Alternatives is { } alternatives ? [.. alternatives] : null, value.PoolId);
}

/// <summary>A portfolio (all or none across its legs) on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.cmd.portfolio")]
public readonly record struct PortfolioCommandSurrogate([property: Id(0)] string OrderId, [property: Id(1)] string Account, [property: Id(2)] BidCommand[] Legs);

/// <summary>Converts <see cref="PortfolioCommand"/> for the wire.</summary>
[RegisterConverter]
public sealed class PortfolioCommandConverter : IConverter<PortfolioCommand, PortfolioCommandSurrogate>
{
    public PortfolioCommand ConvertFromSurrogate(in PortfolioCommandSurrogate surrogate) => new(surrogate.OrderId, surrogate.Account, surrogate.Legs);

    public PortfolioCommandSurrogate ConvertToSurrogate(in PortfolioCommand value) => new(value.OrderId, value.Account, [.. value.Legs]);
}

/// <summary>A cancel on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.cmd.cancel")]
public readonly record struct CancelCommandSurrogate([property: Id(0)] string OrderId);

/// <summary>Converts <see cref="CancelCommand"/> for the wire.</summary>
[RegisterConverter]
public sealed class CancelCommandConverter : IConverter<CancelCommand, CancelCommandSurrogate>
{
    public CancelCommand ConvertFromSurrogate(in CancelCommandSurrogate surrogate) => new(surrogate.OrderId);

    public CancelCommandSurrogate ConvertToSurrogate(in CancelCommand value) => new(value.OrderId);
}

/// <summary>A reservation for an offtake contract on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.cmd.reserve")]
public readonly record struct ReserveCommandSurrogate(
    [property: Id(0)] string ReservationId, [property: Id(1)] string Account, [property: Id(2)] string PoolId, [property: Id(3)] int Gpus,
    [property: Id(4)] HourWindow Window);

/// <summary>Converts <see cref="ReserveCommand"/> for the wire.</summary>
[RegisterConverter]
public sealed class ReserveCommandConverter : IConverter<ReserveCommand, ReserveCommandSurrogate>
{
    public ReserveCommand ConvertFromSurrogate(in ReserveCommandSurrogate surrogate) =>
        new(surrogate.ReservationId, surrogate.Account, surrogate.PoolId, surrogate.Gpus, surrogate.Window);

    public ReserveCommandSurrogate ConvertToSurrogate(in ReserveCommand value) =>
        new(value.ReservationId, value.Account, value.PoolId, value.Gpus, value.Window);
}

/// <summary>A reservation's release on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.cmd.release")]
public readonly record struct ReleaseCommandSurrogate([property: Id(0)] string ReservationId, [property: Id(1)] Hour From);

/// <summary>Converts <see cref="ReleaseCommand"/> for the wire.</summary>
[RegisterConverter]
public sealed class ReleaseCommandConverter : IConverter<ReleaseCommand, ReleaseCommandSurrogate>
{
    public ReleaseCommand ConvertFromSurrogate(in ReleaseCommandSurrogate surrogate) => new(surrogate.ReservationId, surrogate.From);

    public ReleaseCommandSurrogate ConvertToSurrogate(in ReleaseCommand value) => new(value.ReservationId, value.From);
}
