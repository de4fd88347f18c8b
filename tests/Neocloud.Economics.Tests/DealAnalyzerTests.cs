using Neocloud.Economics.Deals;
using Neocloud.Economics.Rates;

namespace Neocloud.Economics.Tests;

public class DealAnalyzerTests
{
    /// <summary>10 GPUs for two months at $2/GPU-h, every other input chosen so the arithmetic is easy by hand.</summary>
    private static readonly string s_tiny = """
        {
          "tranches": [{ "gpus": 10, "startMonth": 0, "termMonths": 2 }],
          "pricePerGpuHour": 2,
          "prepaymentFraction": 0.1,
          "equipmentUsdPerGpu": 1000,
          "facilityUsdPerMw": 1000000,
          "kwPerGpu": 1,
          "pue": 1.5,
          "powerUsdPerMwh": 100,
          "otherOpexFraction": 0.1,
          "residualFraction": 0.5,
          "discountRateAnnual": 0,
          "depreciationMonths": 24,
          "buyerView": { "discountRateAnnual": 0, "equipmentUsdPerGpu": 1200, "facilityUsdPerMw": 2000000, "powerUsdPerMwh": 50, "pue": 1.2, "opexUsdPerGpuMonth": 10, "buildDelayMonths": 1 }
        }
        """;

    public static DealTerms Tiny() => DealJson.Parse(s_tiny).ValueOrThrow();

    [Fact]
    public void A_tiny_deal_matches_the_hand_computation_to_the_cent()
    {
        var analysis = DealAnalyzer.Analyze(Tiny());

        // Revenue 10 × 730 × $2 = $14,600 a month; prepayment 10% of $29,200 credited back pro rata ($1,460 a month);
        // power 0.01 MW × 1.5 × 730 h × $100 = $1,095; opex $1,460; equipment $10,000 + facility $10,000 in month 0;
        // residual 50% of $10,000 in month 2.
        Assert.Equal(29_200m, analysis.TcvUsd);
        Assert.Equal(2m, analysis.PricePerGpuHour);
        Assert.Equal([-6_495m, 10_585m, 5_000m], analysis.Months.Select(m => m.CashFlowUsd));
        Assert.Equal([-6_495m, 4_090m, 9_090m], analysis.Months.Select(m => m.CumulativeUsd));
        Assert.Equal([1_460m, 1_460m, 0m], analysis.Months.Select(m => m.CreditUsd));
        Assert.Equal(9_090m, analysis.NpvUsd);
        Assert.Equal(175_200m, analysis.ArrUsd);
        Assert.Equal(1, analysis.PaybackMonth);
        Assert.Equal(6_495m, analysis.PeakFundingUsd);
        Assert.Equal(24_090m / 29_200m, analysis.EbitdaMargin);
        Assert.Equal(2_920m, analysis.PrepaymentUsd);
    }

    [Fact]
    public void The_irr_of_the_tiny_deal_solves_its_quadratic()
    {
        // −6495 + 10585 v + 5000 v² = 0 with v = 1 / (1 + r).
        var v = (-10_585.0 + Math.Sqrt(10_585.0 * 10_585.0 + 4 * 5_000.0 * 6_495.0)) / (2 * 5_000.0);
        var monthly = 1 / v - 1;
        var analysis = DealAnalyzer.Analyze(Tiny());
        Assert.Equal(Math.Pow(1 + monthly, 12) - 1, (double)analysis.IrrAnnual!.Value, 6);
    }

    [Fact]
    public void Lease_cost_at_zero_rate_is_what_the_buyer_pays_and_build_cost_is_its_own_bill()
    {
        var analysis = DealAnalyzer.Analyze(Tiny());

        // The buyer pays the prepayment and every invoice net of credits: the TCV.
        Assert.Equal(29_200m, analysis.LeaseNpvCostUsd);
        // Build: equipment 10 × $1,200 + facility 0.01 MW × $2M, then two months of power (0.01 × 1.2 × 730 × $50)
        // and opex (10 × $10), less half the equipment back.
        Assert.Equal(12_000m + 20_000m + 2 * (438m + 100m) - 6_000m, analysis.BuildNpvCostUsd);
    }

    [Fact]
    public void Prepayment_is_credited_back_in_proportion_to_revenue_from_the_credit_month()
    {
        var revenue = new[] { 0m, 100m, 100m, 200m, 200m };
        var credits = DealAnalyzer.Credits(revenue, prepayment: 60m, fromMonth: 3);
        Assert.Equal([0m, 0m, 0m, 30m, 30m], credits);
        Assert.Equal(60m, DealAnalyzer.Credits(revenue, 60m, 0).Sum());
    }

    [Fact]
    public void Payback_is_the_first_month_back_at_or_above_zero_after_being_negative()
    {
        var neverNegative = Tiny() with { Equipment = new Equipment.PerGpu(0m), FacilityUsdPerMw = 0m };
        Assert.Null(DealAnalyzer.Analyze(neverNegative).PaybackMonth);

        var neverBack = Tiny() with { Equipment = new Equipment.PerGpu(10_000_000m), ResidualFraction = 0m };
        Assert.Null(DealAnalyzer.Analyze(neverBack).PaybackMonth);
        Assert.Null(DealAnalyzer.Analyze(neverBack).IrrAnnual);
    }

    [Fact]
    public void Tcv_and_price_are_two_ways_to_say_the_same_deal()
    {
        var byPrice = Tiny();
        var byTcv = byPrice with { Pricing = new Pricing.TotalContractValue(29_200m) };
        Assert.Equal(DealAnalyzer.Analyze(byPrice).NpvUsd, DealAnalyzer.Analyze(byTcv).NpvUsd);
    }

    [Fact]
    public void A_service_delay_moves_revenue_and_residual_but_not_the_capex()
    {
        var delayed = DealAnalyzer.Analyze(Tiny() with { ServiceDelayMonths = 2 });
        Assert.Equal([-20_000m + 2_920m, 0m, 10_585m, 10_585m, 5_000m], delayed.Months.Select(m => m.CashFlowUsd));
    }

    [Fact]
    public void Discounting_uses_the_monthly_equivalent_of_the_annual_rate()
    {
        var monthly = Discounting.MonthlyFromAnnual(0.1m);
        Assert.Equal(1.1m, decimal.Round(Discounting.AnnualFromMonthly(monthly) + 1m, 20));
        var analysis = DealAnalyzer.Analyze(Tiny() with { DiscountRateAnnual = 0.1m });
        Assert.Equal(-6_495m + 10_585m / (1 + monthly) + 5_000m / ((1 + monthly) * (1 + monthly)), analysis.NpvUsd, 18);
    }
}
