using System.Text.Json.Nodes;
using CsCheck;
using Neocloud.Economics.Deals;
using Neocloud.Economics.Escalation;

namespace Neocloud.Economics.Tests;

/// <summary>Escalators and delivery damages in the deal analysis, against a plain month-by-month reference.</summary>
public class EscalationAndDamagesTests
{
    private static readonly string s_tiny = """
        {"tranches":[{"gpus":10,"startMonth":0,"termMonths":3,"delayMonths":1}],"pricePerGpuHour":2,"prepaymentFraction":0.1,"equipmentUsdPerGpu":1000,
         "facilityUsdPerMw":1000000,"kwPerGpu":1,"pue":1.5,"powerUsdPerMwh":100,"otherOpexFraction":0.1,"residualFraction":0.5,
         "discountRateAnnual":0,"depreciationMonths":24,"ldPercentPerMonth":5,"ldCapPercent":20}
        """;

    [Fact]
    public void A_tranche_one_month_late_bills_two_of_its_three_months_and_pays_its_damages_the_month_after()
    {
        var analysis = DealAnalyzer.Analyze(DealJson.Parse(s_tiny).ValueOrThrow());

        // Revenue 10 × 730 × $2 = $14,600 a month in months 1 and 2 only; the prepayment (10% of the planned $43,800)
        // is credited against them ($2,190 each); damages 5% × $14,600 = $730 for month 0, paid in month 1.
        Assert.Equal(43_800m, analysis.TcvUsd);
        Assert.Equal([0m, 14_600m, 14_600m, 0m], analysis.Months.Select(m => m.RevenueUsd));
        Assert.Equal([0m, 2_190m, 2_190m, 0m], analysis.Months.Select(m => m.CreditUsd));
        Assert.Equal([0m, 730m, 0m, 0m], analysis.Months.Select(m => m.DamagesUsd));
        Assert.Equal([0m, 1_095m, 1_095m, 0m], analysis.Months.Select(m => m.PowerUsd));
        // Month 0: prepayment $4,380 − equipment $10,000 − facility $10,000; month 1: 14,600 − 2,190 − 1,095 − 1,460 − 730.
        Assert.Equal([-15_620m, 9_125m, 9_855m, 5_000m], analysis.Months.Select(m => m.CashFlowUsd));
    }

    [Fact]
    public void Damages_stop_at_their_cap()
    {
        var deal = DealJson.Parse(s_tiny).ValueOrThrow() with
        {
            Tranches = [new Tranche(10, 0, 10, 6)],
            LdPercentPerMonth = 10m,
            LdCapPercent = 2.5m,
        };

        var damages = DealAnalyzer.Analyze(deal).Months.Select(m => m.DamagesUsd).ToList();

        // 10% of $14,600 a month, at most 2.5% of 10 × $14,600 = $3,650: 1,460 twice, then the 730 left, then nothing.
        Assert.Equal([0m, 1_460m, 1_460m, 730m, 0m, 0m, 0m, 0m, 0m, 0m, 0m], damages);
    }

    [Fact]
    public void A_fixed_escalator_raises_the_price_at_each_reset_from_the_first_tranches_start()
    {
        var deal = DealJson.Parse(s_tiny).ValueOrThrow() with
        {
            Tranches = [new Tranche(10, 2, 30)],
            PriceIndex = new PriceIndex(IndexKind.Fixed, RatePerYear: 0.1m),
        };

        var revenue = DealAnalyzer.Analyze(deal).Months.Select(m => m.RevenueUsd).ToList();

        Assert.Equal(14_600m, revenue[2]);
        Assert.Equal(14_600m, revenue[13]);
        Assert.Equal(16_060m, decimal.Round(revenue[14], 6));
        Assert.Equal(17_666m, decimal.Round(revenue[26], 6));
        Assert.Equal(deal.TcvUsd * deal.PrepaymentFraction, DealAnalyzer.Analyze(deal).Months.Sum(m => m.CreditUsd));
    }

    [Fact]
    public void The_analysis_equals_the_plain_month_by_month_reference_on_random_deals() =>
        Deals().Sample(deal =>
        {
            var expected = Reference(deal);
            var actual = DealAnalyzer.Analyze(deal, withIrr: false).Months.Select(m => m.CashFlowUsd).ToList();
            return expected.Count == actual.Count && expected.Zip(actual).All(p => Math.Abs(p.First - p.Second) < 0.000001m);
        }, iter: 300);

    [Fact]
    public void The_irr_falls_with_damages_and_rises_with_a_positive_escalator()
    {
        var plain = Medium();
        var late = plain with { Tranches = [new Tranche(100, 0, 36, 3)] };
        var damaged = late with { LdPercentPerMonth = 5m, LdCapPercent = 20m };
        var escalated = plain with { PriceIndex = new PriceIndex(IndexKind.Fixed, RatePerYear: 0.03m) };

        var irr = DealAnalyzer.Analyze(plain).IrrAnnual!.Value;
        Assert.True(DealAnalyzer.Analyze(damaged).IrrAnnual!.Value < DealAnalyzer.Analyze(late).IrrAnnual!.Value);
        Assert.True(DealAnalyzer.Analyze(escalated).IrrAnnual!.Value > irr);
    }

    [Fact]
    public void A_series_escalator_reads_the_latest_inline_value_at_or_before_each_reset()
    {
        var json = JsonNode.Parse(s_tiny)!.AsObject();
        json["tranches"] = JsonNode.Parse("""[{"gpus":10,"startMonth":0,"termMonths":25}]""");
        json["priceIndex"] = JsonNode.Parse("""{"kind":"series","series":"cpi.us","resetEveryMonths":12,"cap":1.15}""");
        json["indexValues"] = JsonNode.Parse("""[{"month":0,"value":100},{"month":10,"value":110},{"month":20,"value":130}]""");

        var revenue = DealAnalyzer.Analyze(DealJson.Parse(json.ToJsonString()).ValueOrThrow()).Months.Select(m => m.RevenueUsd).ToList();

        Assert.Equal(14_600m, revenue[11]);
        Assert.Equal(16_060m, revenue[12]);
        Assert.Equal(16_790m, revenue[24]);
    }

    [Theory]
    [InlineData("""{"priceIndex":{"kind":"fixed","ratePerYear":0.03,"floor":1.2,"cap":1.1}}""", "priceIndex.cap")]
    [InlineData("""{"priceIndex":{"kind":"fixed"}}""", "priceIndex.ratePerYear")]
    [InlineData("""{"priceIndex":{"kind":"exchange","sku":"GB300"}}""", "priceIndex.kind")]
    [InlineData("""{"priceIndex":{"kind":"fixed","ratePerYear":0.03,"resetEveryMonths":0}}""", "priceIndex.resetEveryMonths")]
    [InlineData("""{"priceIndex":{"kind":"series","series":"cpi"}}""", "indexValues")]
    [InlineData("""{"priceIndex":{"kind":"series","series":"cpi"},"indexValues":[{"month":0,"value":-1}]}""", "indexValues[0].value")]
    [InlineData("""{"priceIndex":{"kind":"series","series":"cpi"},"indexValues":[{"month":0,"value":1},{"month":0,"value":2}]}""", "indexValues[1].month")]
    [InlineData("""{"indexValues":[{"month":0,"value":1}]}""", "indexValues")]
    [InlineData("""{"ldPercentPerMonth":-5}""", "ldPercentPerMonth")]
    [InlineData("""{"ldCapPercent":-1}""", "ldCapPercent")]
    [InlineData("""{"tranches":[{"gpus":10,"startMonth":0,"termMonths":3,"delayMonths":3}]}""", "tranches[0].delayMonths")]
    [InlineData("""{"tranches":[{"gpus":10,"startMonth":0,"termMonths":3,"delayMonths":-1}]}""", "tranches[0].delayMonths")]
    public void Bad_escalator_and_damage_terms_name_the_field(string change, string field)
    {
        var json = JsonNode.Parse(s_tiny)!.AsObject();
        foreach (var (name, value) in JsonNode.Parse(change)!.AsObject().ToList()) json[name] = value?.DeepClone();

        var parsed = DealJson.Parse(json.ToJsonString());

        Assert.False(parsed.Success);
        Assert.Equal([field], parsed.Errors!.Keys);
    }

    private static DealTerms Medium() => new(
        [new Tranche(100, 0, 36)], new Pricing.PerGpuHour(2.5m), 0.1m, 0, new Equipment.PerGpu(40_000m), 1_000_000m, 1.4m, 1.3m, 80m, 0.1m, 0.2m,
        0.1m, 60);

    /// <summary>Random deals with up to four tranches, some late, with or without a fixed or series escalator and damages.</summary>
    private static Gen<DealTerms> Deals()
    {
        var tranche = Gen.Select(Gen.Int[1, 1000], Gen.Int[0, 24], Gen.Int[1, 60], Gen.Int[0, 100])
            .Select((gpus, start, term, late) => new Tranche(gpus, start, term, late < 60 ? 0 : late % term));
        var index = Gen.Int[0, 2].SelectMany(kind => kind switch
        {
            0 => Gen.Const<(PriceIndex?, IReadOnlyDictionary<int, decimal>?)>((null, null)),
            1 => Gen.Select(Gen.Int[-50, 200], Gen.Int[1, 24], Gen.Int[0, 3])
                .Select((rate, reset, bounds) => ((PriceIndex?)new PriceIndex(IndexKind.Fixed, rate / 1000m, ResetEveryMonths: reset,
                    Floor: bounds == 1 ? 0.98m : null, Cap: bounds >= 2 ? 1.08m : null), (IReadOnlyDictionary<int, decimal>?)null)),
            _ => Gen.Select(Gen.Select(Gen.Int[0, 90], Gen.Int[50, 200]).Array[1, 12], Gen.Int[1, 24])
                .Select((values, reset) => ((PriceIndex?)new PriceIndex(IndexKind.Series, Series: "s", ResetEveryMonths: reset),
                    (IReadOnlyDictionary<int, decimal>?)values.GroupBy(v => v.Item1).ToDictionary(g => g.Key, g => (decimal)g.First().Item2))),
        });
        return Gen.Select(tranche.Array[1, 4], Gen.Int[100, 500], Gen.Int[0, 30], Gen.Int[0, 12], index, Gen.Int[0, 10], Gen.Int[0, 100])
            .Select((tranches, cents, prepaid, creditFrom, escalator, ld, cap) => new DealTerms(
                tranches, new Pricing.PerGpuHour(cents / 100m), prepaid / 100m, creditFrom, new Equipment.PerGpu(30_000m), 2_000_000m, 1.2m, 1.25m, 70m,
                0.08m, 0.15m, 0.1m, 60,
                PriceIndex: escalator.Item1, IndexValues: escalator.Item2, LdPercentPerMonth: ld, LdCapPercent: cap));
    }

    /// <summary>The seller's cash flow computed month by month as DESIGN.md and the brief state it, one rule at a time.</summary>
    private static List<decimal> Reference(DealTerms deal)
    {
        const int hours = DealTerms.HoursPerMonth;
        var price = deal.PricePerGpuHour;
        var months = deal.Tranches.Max(t => t.StartMonth + t.TermMonths) + 1;
        var s0 = deal.Tranches.Min(t => t.StartMonth);
        decimal? ValueAt(int month)
        {
            var known = (deal.IndexValues ?? new Dictionary<int, decimal>()).Where(v => v.Key <= month).ToList();
            return known.Count == 0 ? null : known.MaxBy(v => v.Key).Value;
        }
        decimal Factor(int month) => deal.PriceIndex?.Factor(month, s0, ValueAt) ?? 1m;
        bool Bills(Tranche t, int month) => t.StartMonth + t.DelayMonths <= month && month < t.StartMonth + t.TermMonths;
        decimal Base(int month) => deal.Tranches.Where(t => Bills(t, month)).Sum(t => t.Gpus * hours * price);
        decimal LateTotal(Tranche t, int lateMonths) =>
            Math.Min(deal.LdPercentPerMonth / 100m * t.Gpus * hours * price * lateMonths, deal.LdCapPercent / 100m * t.Gpus * t.TermMonths * hours * price);
        decimal Damages(int month) => deal.Tranches
            .Where(t => t.StartMonth + 1 <= month && month <= t.StartMonth + t.DelayMonths)
            .Sum(t => LateTotal(t, month - t.StartMonth) - LateTotal(t, month - t.StartMonth - 1));

        var prepayment = deal.PrepaymentFraction * deal.Tranches.Sum(t => (decimal)t.Gpus * t.TermMonths * hours) * price;
        var creditBase = Enumerable.Range(0, months).Where(m => m >= deal.PrepaymentCreditFromMonth).Sum(Base);
        var flows = new List<decimal>();
        for (var m = 0; m < months; m++)
        {
            var revenue = deal.Tranches.Where(t => Bills(t, m)).Sum(t => t.Gpus * hours * price * Factor(m));
            var credit = m >= deal.PrepaymentCreditFromMonth && creditBase > 0 ? prepayment * Base(m) / creditBase : 0m;
            var power = deal.Tranches.Where(t => Bills(t, m)).Sum(t => t.Gpus * deal.KwPerGpu / 1000m * deal.Pue * hours * deal.PowerUsdPerMwh);
            var capex = deal.Tranches.Where(t => t.StartMonth == m).Sum(t => deal.EquipmentUsd(t) + deal.FacilityUsdPerMw * t.Gpus * deal.KwPerGpu / 1000m);
            var residual = deal.Tranches.Where(t => t.StartMonth + t.TermMonths == m).Sum(t => deal.ResidualFraction * deal.EquipmentUsd(t));
            flows.Add(revenue - credit - power - deal.OtherOpexFraction * revenue + (m == 0 ? prepayment : 0m) - capex + residual - Damages(m));
        }
        return flows;
    }
}
