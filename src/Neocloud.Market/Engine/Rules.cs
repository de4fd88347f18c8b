using System.Globalization;
using Neocloud.Domain.Catalog;
using Neocloud.Domain.Money;
using Neocloud.Domain.Time;
using Neocloud.Market.Commands;

namespace Neocloud.Market.Engine;

/// <summary>
/// The market's rules that need no book, and every rejection reason in words a person understands — one place, so
/// that every engine rejects the same commands with the same words.
/// </summary>
public static class Rules
{
    /// <summary>
    /// Why an order's own fields break the rules, or null when they do not. Its window is a window and its price
    /// positive by their types; what is left to check is the GPUs and the window's length.
    /// </summary>
    public static string? OrderFields(string kind, string id, int gpus, HourWindow window)
    {
        if (gpus <= 0) return GpusNotPositive(kind, id, gpus);
        if (window.Length > Hour.MaxWindowHours) return WindowTooLong(kind, id, window.Length);
        return null;
    }

    /// <summary>
    /// Why an order's fields as written break the rules, or null: the reason the engine gives, in the engine's order,
    /// for a replay line whose hours are not a <see cref="HourWindow"/> or whose price is not a <see cref="Price"/>, so
    /// a reader that rejects such a line itself says what the engine would have said.
    /// </summary>
    public static string? OrderFields(string kind, string id, int gpus, long start, long end, long priceTicks)
    {
        if (gpus <= 0) return GpusNotPositive(kind, id, gpus);
        if (start < 0) return $"{kind} {id}: start must be >= 0, got {start}";
        if (end <= start) return $"{kind} {id}: end must be after start, got [{start}, {end})";
        if (end - start > Hour.MaxWindowHours) return WindowTooLong(kind, id, end - start);
        if (priceTicks <= 0) return $"{kind} {id}: price must be positive";
        return null;
    }

    private static string GpusNotPositive(string kind, string id, int gpus) => $"{kind} {id}: gpus must be > 0, got {gpus}";

    private static string WindowTooLong(string kind, string id, long hours) => $"{kind} {id}: window of {hours} hours is longer than {Hour.MaxWindowHours}";

    /// <summary>Why a set of capacity segments is not a valid step function, or null.</summary>
    public static string? CapacitySegments(string poolId, IReadOnlyList<Segment> segments)
    {
        foreach (var s in segments)
        {
            if (s.Start < 0 || s.End <= s.Start || s.Gpus < 0)
                return $"pool {poolId}: capacity segment [{s.Start}, {s.End}) with {s.Gpus} GPUs is not valid (need 0 <= start < end, gpus >= 0)";
        }
        var sorted = segments.OrderBy(s => s.Start).ToList();
        for (var i = 1; i < sorted.Count; i++)
        {
            if (sorted[i].Start < sorted[i - 1].End)
                return $"pool {poolId}: capacity segments [{sorted[i - 1].Start}, {sorted[i - 1].End}) and [{sorted[i].Start}, {sorted[i].End}) overlap";
        }
        return null;
    }

    public static string DuplicateOrder(string id) => $"order id {id} is already used";

    public static string DuplicatePool(string id) => $"pool id {id} is already used";

    public static string UnknownPool(string kind, string id, string pool) => $"{kind} {id}: unknown pool {pool}";

    public static string NotProvider(string id, string account, string pool, string provider) =>
        $"ask {id}: account {account} is not pool {pool}'s provider ({provider})";

    public static string OverCapacity(string id, string pool, int hour, int capacity, int used, int gpus) => OverCapacity("ask", id, pool, hour, capacity, used, gpus);

    public static string OverCapacity(string kind, string id, string pool, int hour, int capacity, int used, int gpus) =>
        $"{kind} {id} exceeds pool {pool}'s capacity at hour {hour.ToString(CultureInfo.InvariantCulture)}: {used} sold or offered of {capacity}, {gpus} more asked";

    /// <summary>Why a reservation's own fields break the rules, or null when they do not.</summary>
    public static string? ReservationFields(string id, int gpus, HourWindow window) => OrderFields("reserve", id, gpus, window);

    /// <summary>Why a reservation's fields as written break the rules, or null (see the order overload with raw hours).</summary>
    public static string? ReservationFields(string id, int gpus, long start, long end) =>
        OrderFields("reserve", id, gpus, start, end, priceTicks: 1);

    public static string DuplicateReservation(string id) => $"reservation id {id} is already used";

    public static string NothingToRelease(string id, int from) =>
        $"release {id}: no reservation with that id holds GPUs at or after hour {from.ToString(CultureInfo.InvariantCulture)}";

    public static string NotCancellable(string id) => $"cancel {id}: not a resting bid or an open ask";

    /// <summary>Why an order id cannot be used ('#' separates a portfolio's id from its legs' indexes), or null.</summary>
    public static string? OrderId(string kind, string id) => id.Contains('#') ? $"{kind} {id}: order ids may not contain '#'" : null;

    /// <summary>
    /// The buckets a rejection reason falls in, for counting rejections by a label of bounded cardinality (the reasons
    /// themselves name ids, hours and pools): <c>duplicate_id</c>, <c>unknown_pool</c>, <c>not_provider</c>,
    /// <c>over_capacity</c>, <c>not_cancellable</c>, <c>nothing_to_release</c>, <c>invalid_fields</c> (GPUs, window,
    /// price, id, capacity segments, alternatives, legs, market groups) and <c>other</c>.
    /// </summary>
    public static readonly IReadOnlyList<string> ReasonBuckets =
        ["duplicate_id", "unknown_pool", "not_provider", "over_capacity", "not_cancellable", "nothing_to_release", "invalid_fields", "other"];

    /// <summary>The bucket of <see cref="ReasonBuckets"/> a rejection reason of this table falls in.</summary>
    public static string Bucket(string reason)
    {
        // Checked in this order because an id may itself contain any of these words; the fixed words come after it.
        if (reason.EndsWith(" is already used", StringComparison.Ordinal)) return "duplicate_id";
        if (reason.Contains(": unknown pool ", StringComparison.Ordinal)) return "unknown_pool";
        if (reason.Contains("'s provider (", StringComparison.Ordinal)) return "not_provider";
        if (reason.Contains("'s capacity at hour ", StringComparison.Ordinal)) return "over_capacity";
        if (reason.EndsWith(": not a resting bid or an open ask", StringComparison.Ordinal)) return "not_cancellable";
        if (reason.Contains(": no reservation with that id holds GPUs", StringComparison.Ordinal)) return "nothing_to_release";
        if (reason.Contains(" must be ", StringComparison.Ordinal) || reason.Contains(" is longer than ", StringComparison.Ordinal)
            || reason.Contains("capacity segment", StringComparison.Ordinal) || reason.Contains(" may not contain ", StringComparison.Ordinal)
            || reason.Contains(" alternatives, need ", StringComparison.Ordinal) || reason.Contains(" legs, need ", StringComparison.Ordinal)
            || reason.Contains(" is named twice", StringComparison.Ordinal) || reason.Contains("market group", StringComparison.Ordinal)
            || reason.Contains("which is not one of the bid's SKUs", StringComparison.Ordinal))
            return "invalid_fields";
        return "other";
    }

    /// <summary>The most alternatives a bid may name.</summary>
    public const int MaxAlternatives = 4;

    /// <summary>The fewest and the most legs a portfolio may have.</summary>
    public const int MinLegs = 2, MaxLegs = 16;

    /// <summary>
    /// Why a bid breaks the rules of market v2, or null: its id, its alternatives (1–4, no SKU twice, one market group)
    /// and its pool (known, and of one of its SKUs). <paramref name="poolSku"/> gives a pool's SKU, or null when there is
    /// no such pool. The order's own fields (GPUs, window) are checked before, by <see cref="OrderFields(string, string, int, HourWindow)"/>.
    /// </summary>
    public static string? Bid(BidCommand bid, Func<string, string?> poolSku) => OrderId("bid", bid.OrderId) ?? Choices("bid", bid, poolSku);

    /// <summary>Why a portfolio breaks the rules, or null: its id, its number of legs, each leg as a bid, and one market group for all.</summary>
    public static string? Portfolio(PortfolioCommand portfolio, Func<string, string?> poolSku)
    {
        var id = portfolio.OrderId;
        if (OrderId("portfolio", id) is { } badId) return badId;
        if (portfolio.Legs.Count is < MinLegs or > MaxLegs)
            return $"portfolio {id}: {portfolio.Legs.Count} legs, need {MinLegs} to {MaxLegs}";
        foreach (var leg in portfolio.Legs)
        {
            if ((OrderFields("leg", leg.OrderId, leg.Gpus, leg.Window) ?? Choices("leg", leg, poolSku)) is { } bad) return bad;
        }
        var group = MarketGroups.Of(portfolio.Legs[0].Sku);
        foreach (var leg in portfolio.Legs)
        {
            if (MarketGroups.Of(leg.Sku) != group)
                return $"portfolio {id}: leg {leg.OrderId} is for {leg.Sku} ({MarketGroups.Of(leg.Sku)}), not in market group {group} of the first leg";
        }
        return null;
    }

    private static string? Choices(string kind, BidCommand bid, Func<string, string?> poolSku)
    {
        var (id, choices) = (bid.OrderId, bid.Choices);
        if (choices.Count is 0 or > MaxAlternatives) return $"{kind} {id}: {choices.Count} alternatives, need 1 to {MaxAlternatives}";
        var group = MarketGroups.Of(choices[0].Sku);
        for (var i = 0; i < choices.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (choices[j].Sku == choices[i].Sku) return $"{kind} {id}: SKU {choices[i].Sku} is named twice";
            }
            if (MarketGroups.Of(choices[i].Sku) != group)
                return $"{kind} {id}: {choices[0].Sku} ({group}) and {choices[i].Sku} ({MarketGroups.Of(choices[i].Sku)}) trade in different market groups";
        }
        if (bid.PoolId is not { } pool) return null;
        if (poolSku(pool) is not { } sku) return UnknownPool(kind, id, pool);
        foreach (var choice in choices)
        {
            if (choice.Sku == sku) return null;
        }
        return $"{kind} {id}: pool {pool} holds {sku}, which is not one of the bid's SKUs";
    }
}
