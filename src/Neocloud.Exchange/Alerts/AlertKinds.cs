namespace Neocloud.Exchange.Alerts;

/// <summary>
/// What a price alert watches, and when its condition holds: strictly below or above its price. A condition with no
/// value to compare (an empty side of the book, a SKU never traded, a curve month with no price) does not hold.
/// </summary>
public static class AlertKinds
{
    /// <summary>The SKU's lowest resting ask (in the region, if given) is below the price.</summary>
    public const string BestAskBelow = "best_ask_below";

    /// <summary>The SKU's highest resting bid (for the region, if given: bids for any region count) is above the price.</summary>
    public const string BestBidAbove = "best_bid_above";

    /// <summary>The SKU's last trade (in the region, if given) printed below the price.</summary>
    public const string LastTradeBelow = "last_trade_below";

    /// <summary>The SKU's last trade (in the region, if given) printed above the price.</summary>
    public const string LastTradeAbove = "last_trade_above";

    /// <summary>The SKU's forward curve for the month is below the price.</summary>
    public const string CurveBelow = "curve_below";

    /// <summary>The SKU's forward curve for the month is above the price.</summary>
    public const string CurveAbove = "curve_above";

    /// <summary>Every kind, as the API lists them.</summary>
    public static readonly IReadOnlyList<string> All = [BestAskBelow, BestBidAbove, LastTradeBelow, LastTradeAbove, CurveBelow, CurveAbove];

    /// <summary>True for a kind on the book (best ask or bid), valued from the resting orders.</summary>
    public static bool IsBook(string kind) => kind is BestAskBelow or BestBidAbove;

    /// <summary>True for a kind on the last trade.</summary>
    public static bool IsTrade(string kind) => kind is LastTradeBelow or LastTradeAbove;

    /// <summary>True for a kind on the forward curve (it names a month and no region: the curve is the SKU's in every region).</summary>
    public static bool IsCurve(string kind) => kind is CurveBelow or CurveAbove;

    /// <summary>True for a kind that holds below its price (the others hold above it).</summary>
    public static bool IsBelow(string kind) => kind is BestAskBelow or LastTradeBelow or CurveBelow;
}
