using Neocloud.Domain.Money;
using Neocloud.Domain.Time;
using Neocloud.Economics.Rates;
using Neocloud.Offtake.Contracts;
using Neocloud.Storage;

namespace Neocloud.Exchange.Book;

/// <summary>A month of a spot holding's mark: the GPU-hours held in it after now and their exact discounted value (null without a curve price).</summary>
public sealed record SpotMarkMonth(CalendarMonth Month, int K, long GpuHours, decimal? DiscountedUsd);

/// <summary>
/// Marks a spot holding (a trade whose window has hours after now) to the forward curve: for each month m from the
/// current one, the GPU-hours of the window inside m that start at or after now × (curve(m) − the trade's price),
/// positive for the buyer and negative for the seller, discounted at 10% a year by <c>(1 + r)^k</c> with k the months
/// after the current one (0 for the current month itself, unlike a contract, whose current month is already billed).
/// </summary>
public static class SpotMarks
{
    /// <summary>The annual rate spot holdings are discounted at.</summary>
    public const decimal RatePerYear = ContractMarks.DefaultRatePerYear;

    /// <summary>The months of <paramref name="trade"/>'s mark for <paramref name="side"/> (buyer or seller) as of <paramref name="now"/>.</summary>
    public static IReadOnlyList<SpotMarkMonth> Of(TradeRecord trade, MarkSide side, DateTimeOffset now, Func<CalendarMonth, decimal?> curve)
    {
        // Hours that start at or after now: the hour in progress is already being used.
        var from = Math.Max(trade.StartHour, (now.ToUnixTimeSeconds() + 3599) / 3600);
        var months = new List<SpotMarkMonth>();
        if (from >= trade.EndHour) return months;
        var growth = 1m + Discounting.MonthlyFromAnnual(RatePerYear);
        var sign = side == MarkSide.Seller ? -1m : 1m;
        var price = Price.FromTicks(trade.PriceTicks).Dollars;
        var current = CalendarMonth.Of(now);
        var discount = 1m;
        for (var month = current; month.FirstHour.Value < trade.EndHour; month = month.AddMonths(1))
        {
            var start = Math.Max(from, month.FirstHour.Value);
            var end = Math.Min(trade.EndHour, month.AddMonths(1).FirstHour.Value);
            if (end > start)
            {
                var gpuHours = trade.Gpus * (end - start);
                decimal? value = curve(month) is { } p ? sign * (p - price) * gpuHours / discount : null;
                months.Add(new SpotMarkMonth(month, month.MonthsSince(current), gpuHours, value));
            }
            discount *= growth;
        }
        return months;
    }
}
