using Neocloud.Domain.Money;
using Neocloud.Domain.Time;
using Neocloud.Market.Curve;

namespace Neocloud.Exchange.MarketData;

public sealed partial class MarketQueries
{
    /// <summary>
    /// The forward curve of a SKU as of <paramref name="now"/> (DESIGN.md, "Forward curve and marks"): 36 months from
    /// the current UTC month, from the SKU's trades executed in <c>(now − 30 days, now]</c> (all regions) and its resting
    /// orders (bids at their limit for this SKU, alternatives bids included), read from its group's shard.
    /// </summary>
    public async Task<ForwardCurveView> CurveAsync(string sku, DateTimeOffset now, CancellationToken ct)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        // (now − 30 days, now] in whole milliseconds is [now − 30 days + 1 ms, now + 1 ms).
        var trades = await store.TradesBetweenAsync(sku, nowMs - (long)ForwardCurve.TradeLookback.TotalMilliseconds + 1, nowMs + 1, ct);
        var resting = await shard.RestingAsync(sku);
        var curve = ForwardCurve.Build(now,
            trades.Select(t => new CurveTrade(DateTimeOffset.FromUnixTimeMilliseconds(t.ExecutedMs), HourWindow.Of(t.StartHour, t.EndHour),
                checked((int)t.Gpus), Price.FromTicks(t.PriceTicks))),
            resting.Select(o => new CurveOrder(o.Side, HourWindow.Of(o.Start, o.End), o.Gpus, Price.FromTicks(o.PriceTicks))));
        return ForwardCurveView.Of(sku, now, curve);
    }
}
