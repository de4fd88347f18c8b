using Neocloud.Domain.Money;
using Neocloud.Domain.Orders;
using Neocloud.Domain.Time;

namespace Neocloud.Market.Curve;

/// <summary>Where a month's price on the forward curve comes from.</summary>
public enum CurveSource
{
    /// <summary>No value anywhere on the curve: the price is null.</summary>
    None,
    /// <summary>The VWAP of recent trades delivering in the month.</summary>
    Trades,
    /// <summary>The mid of the best bid and best ask resting over the whole month.</summary>
    Book,
    /// <summary>Linear between the nearest earlier and later months that have a value.</summary>
    Interpolated,
    /// <summary>The value of the nearest month that has one, before the first or after the last.</summary>
    Flat,
}

/// <summary>A trade as the curve sees it: when it executed, the hours it delivers, GPUs and price per GPU-hour.</summary>
public readonly record struct CurveTrade(DateTimeOffset ExecutedAt, HourWindow Window, int Gpus, Price Price);

/// <summary>A resting order as the curve sees it: an ask at its price, a bid at its limit for the curve's SKU.</summary>
public readonly record struct CurveOrder(OrderSide Side, HourWindow Window, int Gpus, Price Price);

/// <summary>One month of the curve: its price (rounded half-even to 4 decimals, or null) and where it comes from.</summary>
public readonly record struct CurveMonth(CalendarMonth Month, decimal? Price, CurveSource Source);

/// <summary>
/// The monthly forward curve of one SKU (DESIGN.md, "Forward curve and marks"): 36 months from the current UTC month;
/// each month's price is the GPU-hour-weighted VWAP of the trades executed in the last 30 days that deliver in it, else
/// the mid of the best bid and ask resting over all of it, else linear between the nearest months with a value (flat
/// beyond the ends); with no value anywhere every price is null. Pure: no clock, no store.
/// </summary>
public static class ForwardCurve
{
    /// <summary>Months on the curve, the current one first.</summary>
    public const int Months = 36;

    /// <summary>How far back a trade's execution may lie and still set the curve: <c>(asOf − 30 days, asOf]</c>.</summary>
    public static readonly TimeSpan TradeLookback = TimeSpan.FromDays(30);

    /// <summary>The curve as of <paramref name="asOf"/> from a SKU's trades and resting orders (all regions).</summary>
    public static IReadOnlyList<CurveMonth> Build(DateTimeOffset asOf, IEnumerable<CurveTrade> trades, IEnumerable<CurveOrder> resting)
    {
        var first = CalendarMonth.Of(asOf);
        // bounds[i] is the first hour of month i; month i is [bounds[i], bounds[i + 1]).
        var bounds = new int[Months + 1];
        for (var i = 0; i <= Months; i++) bounds[i] = first.AddMonths(i).FirstHour.Value;

        var notional = new decimal[Months];
        var gpuHours = new long[Months];
        var oldest = asOf - TradeLookback;
        foreach (var trade in trades)
        {
            if (trade.ExecutedAt <= oldest || trade.ExecutedAt > asOf) continue;
            for (var i = MonthOf(bounds, trade.Window.Start.Value); i < Months && bounds[i] < trade.Window.End.Value; i++)
            {
                var hours = Math.Min(trade.Window.End.Value, bounds[i + 1]) - Math.Max(trade.Window.Start.Value, bounds[i]);
                if (hours <= 0) continue;
                var weight = (long)trade.Gpus * hours;
                gpuHours[i] += weight;
                notional[i] += weight * trade.Price.Dollars;
            }
        }

        var bestBid = new long?[Months];
        var bestAsk = new long?[Months];
        foreach (var order in resting)
        {
            // Only months the order's window covers whole count.
            for (var i = MonthOf(bounds, order.Window.Start.Value); i < Months && bounds[i + 1] <= order.Window.End.Value; i++)
            {
                if (bounds[i] < order.Window.Start.Value) continue;
                var ticks = order.Price.Ticks;
                if (order.Side == OrderSide.Bid) bestBid[i] = bestBid[i] is { } b && b >= ticks ? b : ticks;
                else bestAsk[i] = bestAsk[i] is { } a && a <= ticks ? a : ticks;
            }
        }

        var value = new decimal?[Months];
        var source = new CurveSource[Months];
        for (var i = 0; i < Months; i++)
        {
            if (gpuHours[i] > 0) (value[i], source[i]) = (notional[i] / gpuHours[i], CurveSource.Trades);
            else if (bestBid[i] is { } bid && bestAsk[i] is { } ask) (value[i], source[i]) = ((bid + ask) / (2m * Price.TicksPerDollar), CurveSource.Book);
        }

        Fill(value, source);
        var curve = new CurveMonth[Months];
        for (var i = 0; i < Months; i++)
            curve[i] = new CurveMonth(first.AddMonths(i), value[i] is { } v ? decimal.Round(v, 4, MidpointRounding.ToEven) : null, source[i]);
        return curve;
    }

    /// <summary>The linear interpolation between two known points, as every curve computes it (full decimal precision).</summary>
    public static decimal Between(decimal left, int leftIndex, decimal right, int rightIndex, int index) =>
        left + (right - left) * (index - leftIndex) / (rightIndex - leftIndex);

    /// <summary>Fills the months without a value: linear between known ones, flat beyond the ends, null with none.</summary>
    private static void Fill(decimal?[] value, CurveSource[] source)
    {
        var known = new List<int>();
        for (var i = 0; i < value.Length; i++)
            if (value[i] is not null) known.Add(i);
        if (known.Count == 0) return;
        for (var i = 0; i < known[0]; i++) (value[i], source[i]) = (value[known[0]], CurveSource.Flat);
        for (var i = known[^1] + 1; i < value.Length; i++) (value[i], source[i]) = (value[known[^1]], CurveSource.Flat);
        for (var k = 0; k + 1 < known.Count; k++)
        {
            var (l, r) = (known[k], known[k + 1]);
            for (var i = l + 1; i < r; i++) (value[i], source[i]) = (Between(value[l]!.Value, l, value[r]!.Value, r, i), CurveSource.Interpolated);
        }
    }

    /// <summary>The curve month that holds <paramref name="hour"/>, or 0 when it lies before the curve.</summary>
    private static int MonthOf(int[] bounds, int hour)
    {
        var i = 0;
        while (i < Months && bounds[i + 1] <= hour) i++;
        return i;
    }
}
