using Neocloud.Domain.Time;
using Neocloud.Exchange.MarketData;
using Neocloud.Market.Curve;

namespace Neocloud.Exchange.Tests;

/// <summary>The forward curve's view: prices as 4-decimal text, sources in lower case, and a month's price as a decimal.</summary>
public class ForwardCurveViewTests
{
    private static readonly DateTimeOffset s_asOf = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Months_show_four_decimals_and_a_lower_case_source_and_price_of_holds_the_last_value_beyond_the_curve()
    {
        var curve = ForwardCurve.Build(s_asOf, [], [
            new CurveOrder(Domain.Orders.OrderSide.Bid, new CalendarMonth(2027, 1).Window(1), 1, Domain.Money.Price.FromTicks(2_0000)),
            new CurveOrder(Domain.Orders.OrderSide.Ask, new CalendarMonth(2027, 1).Window(1), 1, Domain.Money.Price.FromTicks(2_5001)),
        ]);
        var view = ForwardCurveView.Of("GB300", s_asOf, curve);

        Assert.Equal(new CurveMonthView("2027-01", "2.2500", "book"), view.Months[2]);
        Assert.Equal(new CurveMonthView("2026-11", "2.2500", "flat"), view.Months[0]);
        Assert.Equal(2.25m, view.PriceOf(new CalendarMonth(2027, 1)));
        Assert.Equal(2.25m, view.PriceOf(new CalendarMonth(2035, 1)));
        Assert.Null(view.PriceOf(new CalendarMonth(2026, 10)));
    }

    [Fact]
    public void A_curve_without_values_shows_null_prices_from_source_none()
    {
        var view = ForwardCurveView.Of("GB300", s_asOf, ForwardCurve.Build(s_asOf, [], []));

        Assert.All(view.Months, m => Assert.Equal((null, "none"), (m.Price, m.Source)));
        Assert.Null(view.PriceOf(new CalendarMonth(2027, 1)));
    }
}
