using CsCheck;
using Neocloud.Planning.Scenarios;
using Neocloud.Planning.Solving;
using static Neocloud.Planning.Tests.TestScenarios;

namespace Neocloud.Planning.Tests;

/// <summary>
/// Random small scenarios: whatever the solver returns never takes more from an option than it offers, and when
/// shortfall is prohibitively expensive and the capacity exists, demand is met in every region and month.
/// </summary>
public class PlanPropertyTests
{
    // Plan figures are rounded to thousandths of a GPU.
    private const decimal Tolerance = 0.01m;

    private static readonly PlanOptions s_options = new() { RelativeGap = 1e-6, ExplainBinding = false, TimeLimit = TimeSpan.FromSeconds(20) };

    private static readonly string[] s_skus = ["GB300", "GB200", "H100", "B200"];

    private static Gen<PlanScenario> Scenarios(decimal? penalty, int maxDemand = 800) =>
        from horizon in Gen.Int[3, 8]
        from regionCount in Gen.Int[1, 2]
        from regions in Gen.Select(Gen.Int[0, maxDemand].Array[horizon], Gen.Int[0, 400], Gen.Int[0, 2], Gen.Bool, Gen.Int[0, 2], Gen.Int[1, 3])
            .Select((demand, fleet, fleetSku, build, lead, capMw) => (demand, fleet, fleetSku, build, lead, capMw)).Array[regionCount]
        from offers in Gen.Select(Gen.Int[0, regionCount - 1], Gen.Int[50, 600], Gen.Int[0, horizon - 1], Gen.Int[1, horizon], Gen.Int[250, 450],
                Gen.Bool, Gen.Int[0, 3], Gen.Int[0, 2])
            .Array[0, 3]
        from spot in Gen.Select(Gen.Int[0, 900], Gen.Int[300, 700], Gen.Bool).Array[0, 2]
        select Scenario(
            horizon,
            regions.Select((r, i) => Region(
                "r" + i,
                r.demand.Select(d => (decimal)d).ToArray(),
                r.build ? [Build("b" + i, lead: r.lead, maxMwPerYear: r.capMw)] : [],
                r.fleet > 0 ? [new FleetEntry(s_skus[r.fleetSku], r.fleet, 0, horizon - 1)] : [])).ToList(),
            offers.Select((o, i) => Offer("o" + i, "r" + o.Item1, o.Item2, o.Item3, o.Item4, o.Item5 / 100m,
                prepayment: o.Item7 / 10m, divisible: o.Item6, sku: s_skus[o.Item8 % 3])).ToList(),
            spot.Select((s, i) => Spot(s.Item2 / 100m, s.Item1, region: s.Item3 ? "r" + (i % regionCount) : null, sku: s_skus[i % 2])).ToList(),
            penalty);

    [Fact]
    public void Plans_never_use_more_than_an_option_offers() =>
        Scenarios(20_000m).Sample(scenario =>
        {
            var plan = CapacityPlanner.Solve(scenario, s_options);
            Assert.True(plan.HasPlan, plan.Message);
            AssertWithinOptions(scenario, plan);
        }, iter: 200, threads: 1);

    [Fact]
    public void Demand_is_met_when_shortfall_is_prohibitive_and_capacity_exists() =>
        Scenarios(1_000_000_000m, maxDemand: 300).Where(CapacityExists).Sample(scenario =>
        {
            var plan = CapacityPlanner.Solve(scenario, s_options);
            Assert.True(plan.HasPlan, plan.Message);
            AssertWithinOptions(scenario, plan);
            Assert.All(plan.Months, m => Assert.True(m.ShortfallGpus <= Tolerance, $"{m.Region} {m.Label}: shortfall {m.ShortfallGpus}"));
            Assert.All(plan.Months, m => Assert.True(m.SupplyGpus >= m.DemandGpus - Tolerance, $"{m.Region} {m.Label}: {m.SupplyGpus} < {m.DemandGpus}"));

            // The same scenario with demand a hard constraint has a plan, and it costs no more than the penalised one.
            var hard = CapacityPlanner.Solve(scenario with { UnmetPenaltyUsdPerGpuMonth = null }, s_options);
            Assert.True(hard.HasPlan, hard.Message);
            Assert.True(hard.NpvCostUsd <= plan.NpvCostUsd * 1.00001m + 1m, $"{hard.NpvCostUsd} > {plan.NpvCostUsd}");
        }, iter: 100, threads: 1);

    [Fact]
    public void The_capacity_property_is_not_vacuous()
    {
        // Most generated scenarios must pass the filter, and many of those must need more than the own fleet.
        var scenarios = Scenarios(1_000_000_000m, maxDemand: 300).Array[400].Single();
        var feasible = scenarios.Where(CapacityExists).ToList();
        Assert.InRange(feasible.Count, 100, 400);
        Assert.True(feasible.Count(s => s.Offers.Count > 0 && s.Spot.Count > 0) >= 40);
    }

    /// <summary>
    /// Capacity exists without building anything: in every region-month the fleet, every offer there signed in full
    /// and every spot market's whole liquidity (a market serving several regions counted once, for one region) cover demand.
    /// </summary>
    private static bool CapacityExists(PlanScenario s)
    {
        for (var m = 0; m < s.HorizonMonths; m++)
        {
            var spotLeft = s.Spot.Select(x => (decimal)x.MaxGpusPerMonth).ToArray();
            foreach (var region in s.Regions)
            {
                var need = s.DemandGpus(region, m)
                    - region.Fleet.Where(f => f.IsOnline(m)).Sum(f => f.Gpus * s.EffectiveFactor(f.Sku))
                    - s.Offers.Where(o => o.Region == region.Id).Sum(o => o.GpusIn(m) * s.EffectiveFactor(o.Sku));
                for (var i = 0; i < s.Spot.Count && need > 0m; i++)
                {
                    if (!s.Spot[i].Serves(region.Id)) continue;
                    var factor = s.EffectiveFactor(s.Spot[i].Sku);
                    var take = Math.Min(spotLeft[i], need / factor);
                    spotLeft[i] -= take;
                    need -= take * factor;
                }
                if (need > 0m) return false;
            }
        }
        return true;
    }

    /// <summary>Checks every figure of the plan against the scenario it came from, in the scenario's own terms.</summary>
    internal static void AssertWithinOptions(PlanScenario s, PlanResult plan)
    {
        // Offers: a fraction in [0, 1], whole unless divisible, and never more capacity in a month than signed.
        foreach (var decision in plan.Offers)
        {
            var offer = s.FindOffer(decision.OfferId)!;
            Assert.InRange(decision.Fraction, 0m, 1m);
            if (!offer.Divisible) Assert.True(decision.Fraction is 0m or 1m, $"{offer.Id} is all-or-nothing, signed {decision.Fraction}");
            foreach (var month in plan.Months)
            {
                var delivered = month.OfferGpus.Where(c => c.OfferId == offer.Id).Sum(c => c.Gpus);
                var allowed = month.Region == offer.Region ? offer.GpusIn(month.Month) * s.EffectiveFactor(offer.Sku) * decision.Fraction : 0m;
                Assert.True(delivered <= allowed + Tolerance, $"{offer.Id} delivers {delivered} in {month.Region} {month.Label}, offers {allowed}");
            }
        }

        // Builds: online after the lead time, inside the horizon, within the yearly MW cap; build capacity no more than built.
        foreach (var group in plan.Builds.GroupBy(b => b.OptionId))
        {
            var region = s.Regions.Single(r => r.Build.Any(b => b.Id == group.Key));
            var option = region.Build.Single(b => b.Id == group.Key);
            foreach (var b in group)
            {
                Assert.Equal(region.Id, b.Region);
                Assert.Equal(b.DecisionMonth + option.LeadTimeMonths, b.OnlineMonth);
                Assert.InRange(b.OnlineMonth, 0, s.HorizonMonths - 1);
                Assert.Equal(b.Blocks * option.MwBlock, b.Mw);
            }
            foreach (var year in group.GroupBy(b => s.CalendarYear(b.OnlineMonth)))
                Assert.True(year.Sum(b => b.Blocks) <= option.BlocksPerYear, $"{option.Id}: {year.Sum(b => b.Blocks)} blocks online in {year.Key}, cap {option.BlocksPerYear}");
        }
        foreach (var month in plan.Months)
        {
            var region = s.FindRegion(month.Region)!;
            var built = plan.Builds.Where(b => b.Region == region.Id && b.OnlineMonth <= month.Month)
                .Sum(b =>
                {
                    var option = region.Build.Single(o => o.Id == b.OptionId);
                    return month.Month < b.OnlineMonth + option.LifeMonths ? b.Blocks * option.GpusPerBlock * s.EffectiveFactor(option.Sku) : 0m;
                });
            Assert.True(month.BuildGpus <= built + Tolerance, $"{region.Id} {month.Label}: build capacity {month.BuildGpus} > built {built}");
            var fleet = region.Fleet.Where(f => f.IsOnline(month.Month)).Sum(f => f.Gpus * s.EffectiveFactor(f.Sku));
            Assert.True(month.FleetGpus <= fleet + Tolerance, $"{region.Id} {month.Label}: fleet {month.FleetGpus} > {fleet}");
            Assert.True(month.ShortfallGpus >= -Tolerance);
            Assert.True(month.SupplyGpus + month.ShortfallGpus >= month.DemandGpus - Tolerance, $"{region.Id} {month.Label}: demand not accounted for");
        }

        // Spot: only where a market serves, never more in a month than its liquidity across the regions it serves.
        foreach (var purchase in plan.Spot)
        {
            var market = s.Spot[purchase.Market];
            Assert.True(market.Serves(purchase.Region), $"spot market {purchase.Market} does not serve {purchase.Region}");
            Assert.True(purchase.Gpus >= -Tolerance);
        }
        foreach (var perMonth in plan.Spot.GroupBy(p => (p.Market, p.Month)))
            Assert.True(perMonth.Sum(p => p.Gpus) <= s.Spot[perMonth.Key.Market].MaxGpusPerMonth + Tolerance,
                $"spot market {perMonth.Key.Market} sells {perMonth.Sum(p => p.Gpus)} in month {perMonth.Key.Month}");
    }
}
