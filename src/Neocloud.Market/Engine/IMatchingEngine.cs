using Neocloud.Domain.Orders;
using Neocloud.Market.Commands;

namespace Neocloud.Market.Engine;

/// <summary>A pool's owner and what it holds.</summary>
public sealed record PoolInfo(string PoolId, string Provider, string Region, string Sku);

/// <summary>One price level: orders, GPU-hours, the largest order's GPUs, and the hours they span.</summary>
public sealed record BookLevel(long PriceTicks, int Orders, long GpuHours, int MaxGpus, int FirstHour, int LastHour);

/// <summary>
/// A resting ask that could fill a would-be bid now: its pool, price, place in time, and the fewest GPUs it has left in
/// any hour of the bid's window.
/// </summary>
public sealed record AskCandidate(string PoolId, long PriceTicks, long Sequence, int FreeGpus);

/// <summary>
/// A resting order of one SKU as the forward curve reads it: its side, window <c>[Start, End)</c>, GPUs (an ask's most
/// left in any hour) and price in ticks (an ask's price, a bid's limit for that SKU).
/// </summary>
public sealed record RestingOrder(OrderSide Side, int Start, int End, int Gpus, long PriceTicks)
{
    /// <summary>The one order every engine lists resting orders in: bids first, then asks; each by price, then start, end, GPUs.</summary>
    public static List<RestingOrder> Sorted(IEnumerable<RestingOrder> orders) =>
        orders.OrderBy(o => o.Side).ThenBy(o => o.PriceTicks).ThenBy(o => o.Start).ThenBy(o => o.End).ThenBy(o => o.Gpus).ToList();
}

/// <summary>A pool's capacity, sold and offered GPUs, constant over <c>[Start, End)</c>.</summary>
public sealed record UsageStep(int Start, int End, int Capacity, int Sold, int Offered);

/// <summary>
/// The continuous market of DESIGN.md as a deterministic state machine: commands in, events out, no I/O and no
/// clock. Every implementation gives the same events for the same commands, and the same answers to the queries.
/// </summary>
public interface IMatchingEngine
{
    /// <summary>Applies one command and appends what happened to <paramref name="events"/>.</summary>
    void Apply(MarketCommand command, List<MarketEvent> events);

    /// <summary>True when the order rests (a bid) or has GPUs left to sell in some hour (an ask).</summary>
    bool IsOpen(string orderId);

    /// <summary>Orders resting in the book.</summary>
    int RestingOrders { get; }

    /// <summary>A pool, or null.</summary>
    PoolInfo? Pool(string poolId);

    /// <summary>Resting asks of a SKU (in a region, or all) by price, cheapest first.</summary>
    IReadOnlyList<BookLevel> Asks(string sku, string? region);

    /// <summary>Resting bids of a SKU by limit, highest first (a bid for any region counts in every region).</summary>
    IReadOnlyList<BookLevel> Bids(string sku, string? region);

    /// <summary>
    /// The best resting price of one side of a SKU's book (in a region, or all): the lowest ask, or the highest bid (a bid
    /// for any region counts in every region); null when that side is empty. The first level of <see cref="Asks"/> or
    /// <see cref="Bids"/>, which is how this default finds it; an engine may find it without listing the levels.
    /// </summary>
    long? BestPrice(OrderSide side, string sku, string? region)
    {
        var levels = side == OrderSide.Ask ? Asks(sku, region) : Bids(sku, region);
        return levels.Count == 0 ? null : levels[0].PriceTicks;
    }

    /// <summary>
    /// Every resting order of a SKU in every region: asks at their price, bids (an alternatives bid included) at their
    /// limit for the SKU; bids first, then asks, each by price, then window, then GPUs.
    /// </summary>
    IReadOnlyList<RestingOrder> Resting(string sku);

    /// <summary>The price (ticks) a bid would trade at now, or null when no resting ask could fill it.</summary>
    long? Quote(string sku, string? region, int gpus, int start, int end, string buyer);

    /// <summary>
    /// Every resting ask a bid of <paramref name="gpus"/> over <c>[start, end)</c> at <paramref name="maxPriceTicks"/>
    /// (or any price) from <paramref name="buyer"/> could take now, cheapest first, then earliest placed: exactly the asks
    /// the matching rule finds eligible. Empty when <paramref name="gpus"/> is below 1 or the window is empty.
    /// </summary>
    IReadOnlyList<AskCandidate> Candidates(string sku, string? region, int gpus, int start, int end, long? maxPriceTicks, string buyer);

    /// <summary>A pool's capacity, sold and offered GPUs as steps over <c>[start, end)</c>.</summary>
    IReadOnlyList<UsageStep> Usage(string poolId, int start, int end);

    /// <summary>The whole state, in a form every engine reads.</summary>
    MarketState Export();

    /// <summary>
    /// Copies what <see cref="Export"/> needs now and returns what builds the state later (on another thread, while the
    /// engine goes on): the caller's pause is the copy, not the sorting and shaping.
    /// </summary>
    Func<MarketState> Capture()
    {
        var state = Export();
        return () => state;
    }

    /// <summary>Replaces the state with an exported one.</summary>
    void Import(MarketState state);
}
