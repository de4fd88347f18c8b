using Neocloud.Domain.Time;
using Neocloud.Exchange.Book;
using Neocloud.Offtake.Contracts;
using Neocloud.Storage;

namespace Neocloud.Exchange.Tests;

/// <summary>
/// Spot holdings marked to the curve, by hand: now is 2026-01-15 10:30Z, the curve is 2.50 in January and 3.00 from
/// February, and February (k = 1) is discounted by 1.1^(1/12) = 1.0079741404.
/// </summary>
public class SpotMarksTests
{
    private static readonly DateTimeOffset s_now = new(2026, 1, 15, 10, 30, 0, TimeSpan.Zero);
    private static readonly CalendarMonth s_jan = CalendarMonth.Parse("2026-01");

    private static decimal? Curve(CalendarMonth month) => month == s_jan ? 2.5m : 3.0m;

    private static long HourOf(DateTimeOffset instant) => instant.ToUnixTimeSeconds() / 3600;

    private static TradeRecord Trade(int gpus, DateTimeOffset start, DateTimeOffset end, decimal price) =>
        new(1, 1, "bid-1", "ask-1", "buyer", "seller", "p1", "GB300", "us-tx", gpus, HourOf(start), HourOf(end), (long)(price * 10_000), s_now.ToUnixTimeMilliseconds());

    private static decimal Total(IEnumerable<SpotMarkMonth> months) => decimal.Round(months.Sum(m => m.DiscountedUsd ?? 0m), 2, MidpointRounding.ToEven);

    [Fact]
    public void The_current_month_is_undiscounted_and_the_next_discounted_once()
    {
        // 2 GPUs from Jan 31 20:00 to Feb 1 04:00 at 2.00: January 4 h × 2 × (2.50 − 2.00) = 4.00 at k = 0;
        // February 4 h × 2 × (3.00 − 2.00) = 8.00 / 1.0079741404 = 7.9367 at k = 1; total 11.94.
        var trade = Trade(2, new DateTimeOffset(2026, 1, 31, 20, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 2, 1, 4, 0, 0, TimeSpan.Zero), 2.0m);
        var buyer = SpotMarks.Of(trade, MarkSide.Buyer, s_now, Curve);
        Assert.Equal([(0, 8L), (1, 8L)], buyer.Select(m => (m.K, m.GpuHours)));
        Assert.Equal(4m, buyer[0].DiscountedUsd);
        Assert.Equal(7.9367m, decimal.Round(buyer[1].DiscountedUsd!.Value, 4));
        Assert.Equal(11.94m, Total(buyer));
        Assert.Equal(-11.94m, Total(SpotMarks.Of(trade, MarkSide.Seller, s_now, Curve)));
    }

    [Fact]
    public void Only_hours_starting_at_or_after_now_are_held()
    {
        // The window started at midnight; hours from 11:00 to 24:00 are left: 13 GPU-hours × 0.50 = 6.50.
        var trade = Trade(1, new DateTimeOffset(2026, 1, 15, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 1, 16, 0, 0, 0, TimeSpan.Zero), 2.0m);
        var month = Assert.Single(SpotMarks.Of(trade, MarkSide.Buyer, s_now, Curve));
        Assert.Equal((13L, 6.5m), (month.GpuHours, month.DiscountedUsd));
    }

    [Fact]
    public void A_finished_trade_holds_nothing_and_a_month_without_a_curve_counts_nothing()
    {
        var done = Trade(1, new DateTimeOffset(2026, 1, 14, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 1, 15, 10, 0, 0, TimeSpan.Zero), 2.0m);
        Assert.Empty(SpotMarks.Of(done, MarkSide.Buyer, s_now, Curve));
        var later = Trade(1, new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 2, 2, 0, 0, 0, TimeSpan.Zero), 2.0m);
        var month = Assert.Single(SpotMarks.Of(later, MarkSide.Buyer, s_now, _ => null));
        Assert.Equal((1, 24L, (decimal?)null), (month.K, month.GpuHours, month.DiscountedUsd));
    }
}
