using Neocloud.Domain.Orders;
using Neocloud.Domain.Time;
using Neocloud.Market.Curve;

namespace Neocloud.Market.Tests.Curve;

/// <summary>
/// The forward curve written the slow, obvious way: every hour of every month is visited, and every trade and order
/// asked about that hour. The property test keeps <see cref="ForwardCurve"/> equal to it.
/// </summary>
internal static class ReferenceCurve
{
    public static List<CurveMonth> Build(DateTimeOffset asOf, IReadOnlyList<CurveTrade> trades, IReadOnlyList<CurveOrder> resting)
    {
        var recent = trades.Where(t => t.ExecutedAt > asOf.AddDays(-30) && t.ExecutedAt <= asOf).ToList();
        var months = Enumerable.Range(0, 36).Select(k => CalendarMonth.Of(asOf).AddMonths(k)).ToList();
        var values = new List<(decimal? Value, CurveSource Source)>();
        foreach (var month in months)
        {
            var hours = Enumerable.Range(month.FirstHour.Value, month.AddMonths(1).FirstHour.Value - month.FirstHour.Value).ToList();

            decimal notional = 0m, gpuHours = 0m;
            foreach (var hour in hours)
            {
                foreach (var trade in recent)
                {
                    if (trade.Window.Start.Value <= hour && hour < trade.Window.End.Value)
                    {
                        notional += trade.Gpus * trade.Price.Dollars;
                        gpuHours += trade.Gpus;
                    }
                }
            }
            if (gpuHours > 0)
            {
                values.Add((notional / gpuHours, CurveSource.Trades));
                continue;
            }

            bool CoversMonth(CurveOrder o) => hours.All(h => o.Window.Start.Value <= h && h < o.Window.End.Value);
            var bids = resting.Where(o => o.Side == OrderSide.Bid && CoversMonth(o)).Select(o => o.Price.Dollars).ToList();
            var asks = resting.Where(o => o.Side == OrderSide.Ask && CoversMonth(o)).Select(o => o.Price.Dollars).ToList();
            values.Add(bids.Count > 0 && asks.Count > 0 ? ((bids.Max() + asks.Min()) / 2, CurveSource.Book) : (null, CurveSource.None));
        }

        var curve = new List<CurveMonth>();
        for (var i = 0; i < months.Count; i++)
        {
            var (value, source) = values[i];
            if (value is null)
            {
                var left = Enumerable.Range(0, i).Reverse().Cast<int?>().FirstOrDefault(j => values[j!.Value].Value is not null);
                var right = Enumerable.Range(i + 1, months.Count - i - 1).Cast<int?>().FirstOrDefault(j => values[j!.Value].Value is not null);
                if (left is { } l && right is { } r)
                    (value, source) = (values[l].Value + (values[r].Value - values[l].Value) * (i - l) / (r - l), CurveSource.Interpolated);
                else if (left is { } onlyLeft)
                    (value, source) = (values[onlyLeft].Value, CurveSource.Flat);
                else if (right is { } onlyRight)
                    (value, source) = (values[onlyRight].Value, CurveSource.Flat);
            }
            curve.Add(new CurveMonth(months[i], value is { } v ? Math.Round(v, 4, MidpointRounding.ToEven) : null, source));
        }
        return curve;
    }
}
