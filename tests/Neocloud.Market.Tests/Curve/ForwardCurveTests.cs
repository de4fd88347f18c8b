using CsCheck;
using Neocloud.Domain.Money;
using Neocloud.Domain.Orders;
using Neocloud.Domain.Time;
using Neocloud.Market.Curve;

namespace Neocloud.Market.Tests.Curve;

/// <summary>The forward curve of DESIGN.md: trades first, then the book's mid, then interpolation, flat beyond the ends.</summary>
public class ForwardCurveTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);
    private static readonly CalendarMonth s_november = new(2026, 11);

    private static HourWindow Months(int from, int count) => s_november.AddMonths(from).Window(count);

    private static CurveTrade Trade(HourWindow window, int gpus, string price, DateTimeOffset? executed = null) =>
        new(executed ?? s_now.AddDays(-1), window, gpus, P(price));

    private static CurveOrder Bid(HourWindow window, string limit) => new(OrderSide.Bid, window, 8, P(limit));

    private static CurveOrder Ask(HourWindow window, string price) => new(OrderSide.Ask, window, 8, P(price));

    private static Price P(string text) => Price.TryParse(text, out var price, out var error) ? price : throw new FormatException(error);

    private static IReadOnlyList<CurveMonth> Curve(IEnumerable<CurveTrade>? trades = null, IEnumerable<CurveOrder>? orders = null) =>
        ForwardCurve.Build(s_now, trades ?? [], orders ?? []);

    [Fact]
    public void Curve_has_36_months_from_the_current_utc_month()
    {
        var curve = Curve();
        Assert.Equal(36, curve.Count);
        Assert.Equal(s_november, curve[0].Month);
        Assert.Equal(new CalendarMonth(2029, 10), curve[35].Month);
        // Late on the 31st in New York is already the next month in UTC.
        Assert.Equal(new CalendarMonth(2027, 1), ForwardCurve.Build(new DateTimeOffset(2026, 12, 31, 20, 0, 0, TimeSpan.FromHours(-5)), [], [])[0].Month);
    }

    [Fact]
    public void With_no_value_anywhere_every_price_is_null()
    {
        var curve = Curve(orders: [Bid(Months(0, 36), "2.0000")]);
        Assert.All(curve, m => Assert.Equal((null, CurveSource.None), (m.Price, m.Source)));
    }

    [Fact]
    public void Trades_give_the_vwap_weighted_by_gpu_hours_inside_the_month()
    {
        var december = s_november.AddMonths(1);
        // 10 GPUs over all of December (744 h) at 3.00; 2 GPUs over its last 100 hours and 20 into January at 4.00.
        var curve = Curve(
        [
            Trade(Months(1, 1), 10, "3.0000"),
            Trade(HourWindow.Of(december.AddMonths(1).FirstHour.Value - 100, december.AddMonths(1).FirstHour.Value + 20), 2, "4.0000"),
        ]);
        var expected = decimal.Round((7440m * 3 + 200m * 4) / 7640m, 4, MidpointRounding.ToEven);
        Assert.Equal((expected, CurveSource.Trades), (curve[1].Price, curve[1].Source));
        Assert.Equal((4.0000m, CurveSource.Trades), (curve[2].Price, curve[2].Source));
        Assert.Equal((expected, CurveSource.Flat), (curve[0].Price, curve[0].Source));
        Assert.Equal((4.0000m, CurveSource.Flat), (curve[35].Price, curve[35].Source));
    }

    [Fact]
    public void Trades_outweigh_the_book()
    {
        var curve = Curve([Trade(Months(0, 36), 1, "3.0000")], [Bid(Months(0, 36), "1.0000"), Ask(Months(0, 36), "1.2000")]);
        Assert.All(curve, m => Assert.Equal((3.0000m, CurveSource.Trades), (m.Price, m.Source)));
    }

    [Fact]
    public void Only_trades_executed_in_the_last_30_days_count()
    {
        var curve = Curve(
        [
            Trade(Months(3, 1), 1, "9.0000", s_now.AddDays(-30)),            // exactly 30 days ago: out
            Trade(Months(3, 1), 1, "8.0000", s_now.AddDays(-45)),            // older: out
            Trade(Months(3, 1), 1, "7.0000", s_now.AddSeconds(1)),          // after as-of: out
            Trade(Months(3, 1), 1, "2.0000", s_now.AddDays(-30).AddTicks(1)),
            Trade(Months(3, 1), 1, "3.0000", s_now),
        ]);
        Assert.Equal((2.5000m, CurveSource.Trades), (curve[3].Price, curve[3].Source));
    }

    [Fact]
    public void Book_gives_the_mid_of_the_best_bid_and_best_ask_covering_the_month()
    {
        var curve = Curve(orders:
        [
            Bid(Months(0, 6), "2.0000"), Bid(Months(0, 6), "2.1001"),
            Ask(Months(0, 6), "2.9000"), Ask(Months(1, 2), "2.5000"),
        ]);
        Assert.Equal((2.5000m, CurveSource.Book), (curve[0].Price, curve[0].Source));
        // (2.1001 + 2.5) / 2 = 2.30005 rounds half-even to 2.3000.
        Assert.Equal((2.3000m, CurveSource.Book), (curve[1].Price, curve[1].Source));
        Assert.Equal((2.3000m, CurveSource.Book), (curve[2].Price, curve[2].Source));
        Assert.Equal((2.5000m, CurveSource.Book), (curve[5].Price, curve[5].Source));
        Assert.Equal((2.5000m, CurveSource.Flat), (curve[6].Price, curve[6].Source));
    }

    [Fact]
    public void Book_needs_both_sides()
    {
        var curve = Curve(orders: [Ask(Months(0, 36), "2.0000"), Ask(Months(0, 36), "1.5000")]);
        Assert.All(curve, m => Assert.Null(m.Price));
    }

    [Fact]
    public void An_order_covering_only_part_of_a_month_is_ignored_there()
    {
        var march = s_november.AddMonths(4);
        var curve = Curve(orders:
        [
            Bid(Months(2, 3), "2.0000"), Ask(Months(2, 2), "3.0000"),
            // Starts an hour into March: covers April whole, March not.
            Ask(HourWindow.Of(march.FirstHour.Value + 1, march.AddMonths(2).FirstHour.Value), "2.2000"),
            Bid(HourWindow.Of(march.FirstHour.Value, march.AddMonths(2).FirstHour.Value - 1), "2.1000"),
        ]);
        Assert.Equal((2.5000m, CurveSource.Book), (curve[2].Price, curve[2].Source));
        Assert.Equal((2.5000m, CurveSource.Book), (curve[3].Price, curve[3].Source));
        // March: the bid at 2.00 covers it, no ask does.
        Assert.Equal((2.5000m, CurveSource.Flat), (curve[4].Price, curve[4].Source));
        // April: the ask at 2.20 covers it, but the bid at 2.10 stops an hour short and the one at 2.00 ends before.
        Assert.Equal(CurveSource.Flat, curve[5].Source);
    }

    [Fact]
    public void An_alternatives_bid_counts_at_its_limit_for_the_curves_sku()
    {
        // The caller passes an alternatives bid at its limit for this SKU, like any bid; its other limits never reach here.
        var curve = Curve(orders: [new CurveOrder(OrderSide.Bid, Months(0, 36), 64, P("3.1000")), Ask(Months(0, 36), "3.3000")]);
        Assert.All(curve, m => Assert.Equal((3.2000m, CurveSource.Book), (m.Price, m.Source)));
    }

    [Fact]
    public void Months_between_values_are_interpolated_and_flat_beyond_the_ends()
    {
        var curve = Curve([Trade(Months(2, 1), 1, "2.0000"), Trade(Months(5, 1), 1, "3.0000")]);
        Assert.Equal((2.0000m, CurveSource.Flat), (curve[0].Price, curve[0].Source));
        Assert.Equal((2.0000m, CurveSource.Flat), (curve[1].Price, curve[1].Source));
        Assert.Equal((2.0000m, CurveSource.Trades), (curve[2].Price, curve[2].Source));
        Assert.Equal((2.3333m, CurveSource.Interpolated), (curve[3].Price, curve[3].Source));
        Assert.Equal((2.6667m, CurveSource.Interpolated), (curve[4].Price, curve[4].Source));
        Assert.Equal((3.0000m, CurveSource.Trades), (curve[5].Price, curve[5].Source));
        Assert.All(curve.Skip(6), m => Assert.Equal((3.0000m, CurveSource.Flat), (m.Price, m.Source)));
    }

    [Fact]
    public void Prices_round_half_even_only_at_the_end()
    {
        // January: 1 GPU-hour at 2.0002 and 1 at 2.0001, VWAP 2.00015 (shown 2.0002, half-even); March 2.0001.
        // February is 2.000125 before rounding, so 2.0001; rounding January first would give 2.00015, so 2.0002.
        var january = s_november.AddMonths(2);
        var curve = Curve(
        [
            Trade(HourWindow.Of(january.FirstHour.Value, january.FirstHour.Value + 1), 1, "2.0002"),
            Trade(HourWindow.Of(january.FirstHour.Value + 1, january.FirstHour.Value + 2), 1, "2.0001"),
            Trade(Months(4, 1), 1, "2.0001"),
        ]);
        Assert.Equal((2.0002m, CurveSource.Trades), (curve[2].Price, curve[2].Source));
        Assert.Equal((2.0001m, CurveSource.Interpolated), (curve[3].Price, curve[3].Source));
    }

    [Fact]
    public void Matches_the_hour_by_hour_reference_on_random_markets() =>
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var asOf = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(random.Next(0, 60 * 24 * 800));
            var month0 = CalendarMonth.Of(asOf);
            int AnyHour() => random.Next(3) switch
            {
                // On a month's first hour (or next to it), often: the edges are where mistakes hide.
                0 => month0.AddMonths(random.Next(-2, 39)).FirstHour.Value + random.Next(-1, 2),
                _ => month0.AddMonths(-2).FirstHour.Value + random.Next(0, 24 * 31 * 41),
            };
            HourWindow AnyWindow()
            {
                var start = AnyHour();
                var end = random.Next(3) == 0 ? start + random.Next(1, 200) : AnyHour();
                return end > start ? HourWindow.Of(start, end) : HourWindow.Of(end, start + 1);
            }
            Price AnyPrice() => Price.FromTicks(random.Next(2) == 0 ? random.Next(1, 100_000) : 20_000 + 5 * random.Next(0, 400));
            var trades = Enumerable.Range(0, random.Next(0, 6)).Select(_ => new CurveTrade(
                random.Next(4) == 0 ? asOf.AddDays(-30).AddTicks(random.Next(-1, 2)) : asOf.AddMinutes(-random.Next(-60, 60 * 24 * 40)),
                AnyWindow(), random.Next(1, 500), AnyPrice())).ToList();
            var orders = Enumerable.Range(0, random.Next(0, 10)).Select(_ => new CurveOrder(
                random.Next(2) == 0 ? OrderSide.Bid : OrderSide.Ask, AnyWindow(), random.Next(1, 64), AnyPrice())).ToList();
            return ForwardCurve.Build(asOf, trades, orders).SequenceEqual(ReferenceCurve.Build(asOf, trades, orders));
        }, iter: 300);
}
