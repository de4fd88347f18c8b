using Neocloud.Domain.Orders;
using Neocloud.Domain.Money;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Shard;
using Neocloud.Storage;

namespace Neocloud.Exchange.Orders;

/// <summary>A placed order as it stands after matching, and the trades it made, as the caller sees them.</summary>
public sealed record PlacedView(OrderView Order, IReadOnlyList<TradeView> Trades)
{
    public static PlacedView Of(Committed committed, string caller) =>
        new(OrderView.Of(committed.Order!), committed.Trades.Select(t => TradeView.Of(t, caller)).ToList());
}

/// <summary>
/// An order as its owner sees it. Prices are strings with exactly four decimals. A bid written with alternatives shows
/// them (its <c>Sku</c>/<c>Price</c> are the first's); a pool-targeted bid shows its <c>Pool</c>.
/// </summary>
public sealed record OrderView(
    string Id, OrderSide Side, string Sku, string? Region, string? Pool, long Gpus, long Start, long End, string Price, TimeInForce? Tif,
    OrderStatus Status, long TradedGpuHours, DateTimeOffset Placed, DateTimeOffset Updated)
{
    /// <summary>The SKUs and limits of a bid written with alternatives, else null.</summary>
    public IReadOnlyList<AlternativeView>? Alternatives { get; init; }

    public static OrderView Of(OrderRecord o) => new(o.Id, o.Side, o.Sku, o.Region, o.PoolId, o.Gpus, o.StartHour, o.EndHour,
        Prices.Format(o.PriceTicks), o.Tif, o.Status, o.TradedGpuHours, DateTimeOffset.FromUnixTimeMilliseconds(o.PlacedMs),
        DateTimeOffset.FromUnixTimeMilliseconds(o.UpdatedMs))
    {
        Alternatives = BidAlternatives.Parse(o.Alternatives),
    };

    /// <summary><see cref="Start"/> as an RFC 3339 UTC time.</summary>
    public string StartsAt => HourText.Of(Start);

    /// <summary><see cref="End"/> as an RFC 3339 UTC time.</summary>
    public string EndsAt => HourText.Of(End);
}

/// <summary>
/// A portfolio order as its owner sees it: <c>filled</c> with every leg's trade, or <c>cancelled</c> naming the first
/// leg that found no ask (nothing traded).
/// </summary>
public sealed record PortfolioView(string Id, string Status, int? CancelledLeg, IReadOnlyList<PortfolioLegView> Legs, DateTimeOffset Placed)
{
    /// <summary>The view of a portfolio, its legs' trades looked up in <paramref name="byNumber"/> (which may hold others' too).</summary>
    public static PortfolioView Of(PortfolioRecord p, IReadOnlyDictionary<long, TradeRecord> byNumber, string caller)
    {
        var legs = PortfolioLeg.Parse(p.Legs).Select((leg, i) => new PortfolioLegView(i, leg.Sku, leg.Limit, leg.Alternatives, leg.Region, leg.Pool,
            leg.Gpus, leg.Start, leg.End, leg.Trade is { } no && byNumber.TryGetValue(no, out var t) ? TradeView.Of(t, caller) : null)).ToList();
        return new PortfolioView(p.Id, p.Status, (int?)p.CancelledLeg, legs, DateTimeOffset.FromUnixTimeMilliseconds(p.PlacedMs));
    }
}

/// <summary>One leg of a portfolio: its bid body and, when the portfolio filled, its trade.</summary>
public sealed record PortfolioLegView(
    int Index, string? Sku, string? Limit, IReadOnlyList<AlternativeView>? Alternatives, string? Region, string? Pool, int Gpus, long Start, long End,
    TradeView? Trade)
{
    /// <summary><see cref="Start"/> as an RFC 3339 UTC time.</summary>
    public string StartsAt => HourText.Of(Start);

    /// <summary><see cref="End"/> as an RFC 3339 UTC time.</summary>
    public string EndsAt => HourText.Of(End);
}

/// <summary>A trade seen by one of its parties: which side the caller was on, and the counterparty.</summary>
public sealed record TradeView(
    long Id, string Side, string Counterparty, string Bid, string Ask, string Pool, string Sku, string Region, long Gpus, long Start, long End,
    string Price, decimal NotionalUsd, DateTimeOffset Executed)
{
    public static TradeView Of(TradeRecord t, string caller) => new(t.TradeNo, t.BuyerId == caller ? "buy" : "sell",
        t.BuyerId == caller ? t.SellerId : t.BuyerId, t.BidId, t.AskId, t.PoolId, t.Sku, t.Region, t.Gpus, t.StartHour, t.EndHour,
        Prices.Format(t.PriceTicks), Prices.Notional(t), DateTimeOffset.FromUnixTimeMilliseconds(t.ExecutedMs));

    /// <summary><see cref="Start"/> as an RFC 3339 UTC time.</summary>
    public string StartsAt => HourText.Of(Start);

    /// <summary><see cref="End"/> as an RFC 3339 UTC time.</summary>
    public string EndsAt => HourText.Of(End);
}

/// <summary>A spot contract: who holds which GPUs of which pool for which hours at what price.</summary>
public sealed record ContractView(
    string Id, string Kind, string Buyer, string Seller, string Pool, string Sku, string Region, long Gpus, long Start, long End,
    string Price, decimal NotionalUsd, long TradeId, DateTimeOffset Signed)
{
    public static ContractView Of(TradeRecord t) => new($"c-{t.TradeNo}", "spot", t.BuyerId, t.SellerId, t.PoolId, t.Sku, t.Region, t.Gpus,
        t.StartHour, t.EndHour, Prices.Format(t.PriceTicks), Prices.Notional(t), t.TradeNo, DateTimeOffset.FromUnixTimeMilliseconds(t.ExecutedMs));

    /// <summary><see cref="Start"/> as an RFC 3339 UTC time.</summary>
    public string StartsAt => HourText.Of(Start);

    /// <summary><see cref="End"/> as an RFC 3339 UTC time.</summary>
    public string EndsAt => HourText.Of(End);
}

/// <summary>A trade in public market data: no parties, no order ids.</summary>
public sealed record PublicTradeView(long Id, string Sku, string Region, long Gpus, long Start, long End, string Price, DateTimeOffset Executed)
{
    public static PublicTradeView Of(TradeRecord t) => new(t.TradeNo, t.Sku, t.Region, t.Gpus, t.StartHour, t.EndHour, Prices.Format(t.PriceTicks),
        DateTimeOffset.FromUnixTimeMilliseconds(t.ExecutedMs));

    /// <summary><see cref="Start"/> as an RFC 3339 UTC time.</summary>
    public string StartsAt => HourText.Of(Start);

    /// <summary><see cref="End"/> as an RFC 3339 UTC time.</summary>
    public string EndsAt => HourText.Of(End);
}

/// <summary>Price formatting and trade notionals, exact.</summary>
public static class Prices
{
    /// <summary>Ticks as dollars with four decimals.</summary>
    public static string Format(long ticks) => Price.FromTicks(ticks).ToString();

    /// <summary>GPUs × hours × price, in dollars.</summary>
    public static decimal Notional(TradeRecord t) => t.GpuHours * (t.PriceTicks / (decimal)Price.TicksPerDollar);
}
