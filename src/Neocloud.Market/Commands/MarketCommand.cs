using Neocloud.Domain.Money;
using Neocloud.Domain.Time;

namespace Neocloud.Market.Commands;

/// <summary><c>Gpus</c> in every hour of <c>[Start, End)</c>.</summary>
public readonly record struct Segment(int Start, int End, int Gpus);

/// <summary>A command to the market, already read from its text: the engine checks the market's rules on it.</summary>
public abstract record MarketCommand
{
    /// <summary>The id the command names (the order, pool or cancelled order); rejections carry it.</summary>
    public abstract string Id { get; }

    /// <summary>The command's <c>op</c> in the replay format ("pool", "ask", "bid", …).</summary>
    public abstract string Op { get; }
}

/// <summary>A provider registers a pool of one SKU in one region with a capacity step function.</summary>
public sealed record PoolCommand(string PoolId, string Provider, string Region, string Sku, IReadOnlyList<Segment> Capacity) : MarketCommand
{
    public override string Id => PoolId;

    /// <summary>This command's <see cref="MarketCommand.Op"/>.</summary>
    public const string OpName = "pool";

    public override string Op => OpName;
}

/// <summary>A provider adds a capacity step to its pool for hours not yet covered (an extension of the replay format).</summary>
public sealed record CapacityCommand(string PoolId, Segment Step) : MarketCommand
{
    public override string Id => PoolId;

    /// <summary>This command's <see cref="MarketCommand.Op"/>.</summary>
    public const string OpName = "capacity";

    public override string Op => OpName;
}

/// <summary>A seller offers up to <c>Gpus</c> of a pool in every hour of <c>Window</c> at a minimum price.</summary>
public sealed record AskCommand(string OrderId, string Account, string PoolId, int Gpus, HourWindow Window, Price Price) : MarketCommand
{
    public override string Id => OrderId;

    /// <summary>This command's <see cref="MarketCommand.Op"/>.</summary>
    public const string OpName = "ask";

    public override string Op => OpName;
}

/// <summary>A buyer wants <c>Gpus</c> of a SKU (in a region, or any) for the whole window at a maximum price.</summary>
public sealed record BidCommand(string OrderId, string Account, string Sku, string? Region, int Gpus, HourWindow Window, Price Limit, bool ImmediateOrCancel) : MarketCommand
{
    public override string Id => OrderId;

    /// <summary>This command's <see cref="MarketCommand.Op"/>.</summary>
    public const string OpName = "bid";

    public override string Op => OpName;
}

/// <summary>Cancels a resting bid or the unsold rest of an open ask.</summary>
public sealed record CancelCommand(string OrderId) : MarketCommand
{
    public override string Id => OrderId;

    /// <summary>This command's <see cref="MarketCommand.Op"/>.</summary>
    public const string OpName = "cancel";

    public override string Op => OpName;
}

/// <summary>
/// Reserves <c>Gpus</c> of a pool in every hour of <c>Window</c> for an offtake contract outside the book: the
/// hours count as sold, so no ask can offer them again (an extension of the replay format).
/// </summary>
public sealed record ReserveCommand(string ReservationId, string Account, string PoolId, int Gpus, HourWindow Window) : MarketCommand
{
    public override string Id => ReservationId;

    /// <summary>This command's <see cref="MarketCommand.Op"/>.</summary>
    public const string OpName = "reserve";

    public override string Op => OpName;
}

/// <summary>Gives a reservation's GPUs back to its pool from hour <c>From</c> on (a terminated or shortened tranche).</summary>
public sealed record ReleaseCommand(string ReservationId, Hour From) : MarketCommand
{
    public override string Id => ReservationId;

    /// <summary>This command's <see cref="MarketCommand.Op"/>.</summary>
    public const string OpName = "release";

    public override string Op => OpName;
}
