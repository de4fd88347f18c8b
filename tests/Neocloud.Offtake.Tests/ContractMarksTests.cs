using Neocloud.Domain.Time;
using Neocloud.Economics.Escalation;
using Neocloud.Offtake.Contracts;

namespace Neocloud.Offtake.Tests;

/// <summary>
/// Contract marks against hand calculations. The contract: 10 GPUs at $2.50 from February to April 2026, marked in
/// January 2026 at 10% a year, so month k is discounted by 1.1^(k/12): 1.0079741404, 1.0160118678, 1.0241136891.
/// </summary>
public class ContractMarksTests
{
    private static readonly CalendarMonth s_jan = CalendarMonth.Parse("2026-01");
    private static readonly CalendarMonth s_feb = CalendarMonth.Parse("2026-02");
    private static readonly CalendarMonth s_mar = CalendarMonth.Parse("2026-03");

    private static ContractTerms Terms(BillingConvention billing = BillingConvention.Hours730, PriceIndex? index = null) =>
        new("GB300", s_jan, 2.5m, 0m, 99.9m, 3, 0.08m, ServiceCredits.Default(99.9m), [new ContractTranche(1, "p1", 10, s_feb, 3)], billing, 0, index);

    /// <summary>$3.00 in February, $3.20 from March on.</summary>
    private static decimal? Curve(CalendarMonth month) => month < s_mar ? 3.0m : 3.2m;

    private static ContractMark Mark(ContractTerms terms, ContractHistory history, MarkSide side = MarkSide.Buyer, string? assignee = null,
        Func<CalendarMonth, decimal?>? curve = null) =>
        ContractMarks.Of(terms, history, side, assignee, 0.10m, s_jan, curve ?? Curve);

    private static decimal Cents(decimal? value) => decimal.Round(value!.Value, 2, MidpointRounding.ToEven);

    [Fact]
    public void The_buyer_earns_curve_minus_price_on_every_remaining_month_discounted()
    {
        var mark = Mark(Terms(), ContractHistory.Empty);
        // February: (3.00 − 2.50) × 10 × 730 = 3,650 / 1.0079741404 = 3,621.12
        // March:    (3.20 − 2.50) × 10 × 730 = 5,110 / 1.0160118678 = 5,029.47
        // April:    5,110 / 1.0241136891 = 4,989.68; total 13,640.2739 → 13,640.27
        Assert.Equal([s_feb, s_mar, CalendarMonth.Parse("2026-04")], mark.Months.Select(m => m.Month));
        Assert.Equal([1, 2, 3], mark.Months.Select(m => m.K));
        Assert.All(mark.Months, m => Assert.Equal((10, 730, 2.5m), (m.Gpus, m.Hours, m.BilledPrice)));
        Assert.Equal([3650m, 5110m, 5110m], mark.Months.Select(m => m.ValueUsd!.Value));
        Assert.Equal([3621.12m, 5029.47m, 4989.68m], mark.Months.Select(m => Cents(m.DiscountedUsd)));
        Assert.Equal(13640.27m, mark.TotalUsd);
        Assert.Equal(MarkSide.Buyer, mark.Side);
    }

    [Fact]
    public void The_current_month_and_months_after_the_term_are_not_marked()
    {
        var mark = ContractMarks.Of(Terms(), ContractHistory.Empty, MarkSide.Buyer, null, 0.10m, s_mar, Curve);
        // Marked in March: only April is left, k = 1: 5,110 / 1.0079741404 = 5,069.57.
        Assert.Equal(CalendarMonth.Parse("2026-04"), Assert.Single(mark.Months).Month);
        Assert.Equal(5069.57m, mark.TotalUsd);
    }

    [Fact]
    public void The_sellers_mark_is_the_buyers_negative()
    {
        var buyer = Mark(Terms(), ContractHistory.Empty);
        var seller = Mark(Terms(), ContractHistory.Empty, MarkSide.Seller);
        Assert.Equal(-13640.27m, seller.TotalUsd);
        Assert.Equal(buyer.Months.Select(m => -m.DiscountedUsd), seller.Months.Select(m => m.DiscountedUsd));
        Assert.Equal(buyer.Months.Select(m => m.Gpus), seller.Months.Select(m => m.Gpus));
    }

    [Fact]
    public void An_escalated_price_is_marked_at_its_billed_price()
    {
        // A series index reset every 2 months from February: 100 in February, 120 in April, so April bills 2.50 × 1.2 = 3.00.
        var terms = Terms(index: new PriceIndex(IndexKind.Series, Series: "cpi", ResetEveryMonths: 2));
        var history = ContractHistory.Empty with { Index = new IndexValues(new Dictionary<CalendarMonth, decimal> { [s_feb] = 100m, [CalendarMonth.Parse("2026-04")] = 120m }) };
        var mark = Mark(terms, history, curve: _ => 3.2m);
        // February 5,110 / 1.0079741404 = 5,069.57; March 5,110 / 1.0160118678 = 5,029.47;
        // April (3.20 − 3.00) × 10 × 730 = 1,460 / 1.0241136891 = 1,425.62; total 11,524.67.
        Assert.Equal([2.5m, 2.5m, 3.0m], mark.Months.Select(m => m.BilledPrice));
        Assert.Equal([5069.57m, 5029.47m, 1425.62m], mark.Months.Select(m => Cents(m.DiscountedUsd)));
        Assert.Equal(11524.67m, mark.TotalUsd);
    }

    [Fact]
    public void Calendar_billing_marks_the_months_real_hours()
    {
        var mark = Mark(Terms(BillingConvention.Calendar), ContractHistory.Empty);
        // February 2026 0.50 × 10 × 672 = 3,360 → 3,333.42; March 0.70 × 10 × 744 = 5,208 → 5,125.92;
        // April 0.70 × 10 × 720 = 5,040 → 4,921.33; total 13,380.67.
        Assert.Equal([672, 744, 720], mark.Months.Select(m => m.Hours));
        Assert.Equal([3333.42m, 5125.92m, 4921.33m], mark.Months.Select(m => Cents(m.DiscountedUsd)));
        Assert.Equal(13380.67m, mark.TotalUsd);
    }

    [Fact]
    public void An_assignment_splits_the_mark_between_buyer_and_assignee()
    {
        var history = ContractHistory.Empty with { Assignments = [new Assignment("asg-1", "org-c", s_mar, [new AssignedTranche(1, 4)])] };
        var buyer = Mark(Terms(), history);
        var assignee = Mark(Terms(), history, MarkSide.Assignee, "org-c");
        var seller = Mark(Terms(), history, MarkSide.Seller);
        // Buyer: February 10 GPUs 3,621.12; March and April 6 GPUs: 0.70 × 6 × 730 = 3,066 → 3,017.68 and 2,993.81; total 9,632.61.
        Assert.Equal([10, 6, 6], buyer.Months.Select(m => m.Gpus));
        Assert.Equal([3621.12m, 3017.68m, 2993.81m], buyer.Months.Select(m => Cents(m.DiscountedUsd)));
        Assert.Equal(9632.61m, buyer.TotalUsd);
        // Assignee: 4 GPUs from March: 2,044 → 2,011.79 and 1,995.87; total 4,007.66.
        Assert.Equal([0, 4, 4], assignee.Months.Select(m => m.Gpus));
        Assert.Equal(4007.66m, assignee.TotalUsd);
        // The seller carries the whole contract: −13,640.27.
        Assert.Equal([10, 10, 10], seller.Months.Select(m => m.Gpus));
        Assert.Equal(-13640.27m, seller.TotalUsd);
    }

    [Fact]
    public void A_month_without_a_curve_price_contributes_nothing()
    {
        var mark = Mark(Terms(), ContractHistory.Empty, curve: m => m == s_mar ? null : Curve(m));
        var march = mark.Months.Single(m => m.Month == s_mar);
        Assert.Equal((null, null, null), (march.CurvePrice, march.ValueUsd, march.DiscountedUsd));
        // 3,621.12 + 4,989.68 (exactly 8,610.805) → 8,610.81.
        Assert.Equal(8610.81m, mark.TotalUsd);
        Assert.Equal(0m, Mark(Terms(), ContractHistory.Empty, curve: _ => null).TotalUsd);
    }

    [Fact]
    public void A_late_tranche_still_counts_a_cancelled_one_does_not()
    {
        var terms = Terms() with { Tranches = [new ContractTranche(1, "p1", 10, s_feb, 3), new ContractTranche(2, "p1", 5, s_jan, 4)] };
        // Tranche 2 (due in January, never delivered) still counts until a termination cancels it.
        Assert.Equal([15, 15, 15], Mark(terms, new ContractHistory([new Delivery(1, s_feb)], [], null)).Months.Select(m => m.Gpus));
        var terminated = new ContractHistory([new Delivery(1, s_jan)], [], s_jan);
        Assert.Equal([10, 10, 10], Mark(terms, terminated).Months.Select(m => m.Gpus));
    }
}
