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

/// <summary>One SKU a bid would take, and the most it pays per GPU-hour for it.</summary>
public readonly record struct Alternative(string Sku, Price Limit);

/// <summary>
/// A buyer wants <c>Gpus</c> of a SKU (in a region, or any) for the whole window at a maximum price. A bid may
/// instead name 1–4 <see cref="Alternatives"/> (substitute SKUs, each with its own limit; <c>Sku</c>/<c>Limit</c> are
/// then the first of them) and may name a <see cref="PoolId"/>: only asks on that pool are eligible, and its region
/// is ignored (market v2 of DESIGN.md).
/// </summary>
public sealed record BidCommand(string OrderId, string Account, string Sku, string? Region, int Gpus, HourWindow Window, Price Limit, bool ImmediateOrCancel) : MarketCommand
{
    public override string Id => OrderId;

    /// <summary>This command's <see cref="MarketCommand.Op"/>.</summary>
    public const string OpName = "bid";

    public override string Op => OpName;

    /// <summary>
    /// The SKUs the bid was written with as alternatives, or null for a plain bid. Setting them sets <c>Sku</c> and
    /// <c>Limit</c> to the first of them, so every reader sees one bid whichever way it reads it.
    /// </summary>
    public IReadOnlyList<Alternative>? Alternatives
    {
        get => _alternatives;
        init
        {
            _alternatives = value;
            if (value is { Count: > 0 }) (Sku, Limit) = (value[0].Sku, value[0].Limit);
        }
    }

    private readonly IReadOnlyList<Alternative>? _alternatives;

    /// <summary>The pool the bid is for (a pool-targeted bid), or null for any pool of its SKUs.</summary>
    public string? PoolId { get; init; }

    /// <summary>What the bid would take: its alternatives, or its one SKU and limit.</summary>
    public IReadOnlyList<Alternative> Choices => Alternatives ?? [new Alternative(Sku, Limit)];

    /// <summary>A bid written with alternatives (at least one; the engine checks the rest of the rules on them).</summary>
    public static BidCommand Of(string orderId, string account, IReadOnlyList<Alternative> alternatives, string? region, int gpus, HourWindow window, bool immediateOrCancel)
    {
        ArgumentOutOfRangeException.ThrowIfZero(alternatives.Count, nameof(alternatives));
        return new BidCommand(orderId, account, alternatives[0].Sku, region, gpus, window, alternatives[0].Limit, immediateOrCancel) { Alternatives = alternatives };
    }
}

/// <summary>
/// All-or-none across legs: every leg (a bid body; its <c>OrderId</c> is <c>"&lt;id&gt;#&lt;index&gt;"</c>, its account the
/// portfolio's, and it never rests) takes an ask by the incoming-bid rule against the book as the earlier legs left
/// it, and either all trade or nothing changes.
/// </summary>
public sealed record PortfolioCommand(string OrderId, string Account, IReadOnlyList<BidCommand> Legs) : MarketCommand
{
    public override string Id => OrderId;

    /// <summary>This command's <see cref="MarketCommand.Op"/>.</summary>
    public const string OpName = "portfolio";

    public override string Op => OpName;

    /// <summary>The order id a leg's trade carries as its bid.</summary>
    public static string LegId(string portfolioId, int index) => $"{portfolioId}#{index.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
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
