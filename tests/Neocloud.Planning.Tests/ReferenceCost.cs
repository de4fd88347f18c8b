using Neocloud.Planning.Scenarios;
using Neocloud.Planning.Solving;

namespace Neocloud.Planning.Tests;

/// <summary>
/// The plan's cost written out plainly, in double, from the documented rules (docs/planning.md), apart from the
/// planner: capex at the decision month, power and opex while online, straight-line residual value credited in the
/// month after the horizon; offtake prepayment at a tranche's start and the rest of each invoice when due; spot and
/// penalty per GPU-month; everything discounted at (1+r)^(m/12).
/// </summary>
internal static class ReferenceCost
{
    private static double Df(PlanScenario s, int month) => Math.Pow(1 + (double)s.DiscountRateAnnual, -month / 12.0);

    private static double Factor(PlanScenario s, string sku) =>
        (double)(s.DenseFp8Tflops[sku] / s.DenseFp8Tflops[s.ReferenceSku]) * (s.Usefulness.TryGetValue(sku, out var u) ? (double)u : 1.0);

    /// <summary>Cost of one block of <paramref name="b"/> decided in month <paramref name="t"/>.</summary>
    public static double Block(PlanScenario s, BuildOption b, int t)
    {
        var gpus = Math.Floor((double)b.MwBlock * 1000 / (double)b.KwPerGpu);
        var capex = (double)b.MwBlock * (double)b.FacilityUsdPerMw + gpus * (double)b.EquipmentUsdPerGpu;
        var running = (double)b.MwBlock * (double)b.Pue * 730 * (double)b.PowerUsdPerMwh + gpus * (double)b.OpexUsdPerGpuMonth;
        var cost = capex * Df(s, t);
        var online = t + b.LeadTimeMonths;
        for (var m = online; m < Math.Min(s.HorizonMonths, online + b.LifeMonths); m++) cost += running * Df(s, m);
        var beyond = Math.Max(0, online + b.LifeMonths - s.HorizonMonths);
        return cost - capex * beyond / b.LifeMonths * Df(s, s.HorizonMonths);
    }

    public static double Offer(PlanScenario s, OfftakeOffer o)
    {
        var cost = 0.0;
        foreach (var t in o.Tranches)
        {
            var start = o.EarliestStartMonth + t.StartMonth;
            var months = Math.Max(0, Math.Min(s.HorizonMonths, start + t.TermMonths) - start);
            var invoice = (double)o.PricePerGpuHour * 730 * t.Gpus;
            if (months > 0) cost += (double)o.PrepaymentFraction * invoice * months * Df(s, start);
            for (var m = start; m < start + months; m++) cost += (1 - (double)o.PrepaymentFraction) * invoice * Df(s, m);
        }
        return cost;
    }

    /// <summary>The reference price of a plan the planner returned, from its decisions and spot purchases.</summary>
    public static double Of(PlanScenario s, PlanResult plan)
    {
        var cost = 0.0;
        var supply = new double[s.Regions.Count, s.HorizonMonths];
        foreach (var d in plan.Builds)
        {
            var (region, option) = FindBuild(s, d.OptionId);
            cost += d.Blocks * Block(s, option, d.DecisionMonth);
            for (var m = d.OnlineMonth; m < Math.Min(s.HorizonMonths, d.OnlineMonth + option.LifeMonths); m++)
                supply[region, m] += d.Gpus * Factor(s, option.Sku);
        }
        foreach (var d in plan.Offers)
        {
            var offer = s.FindOffer(d.OfferId)!;
            cost += (double)d.Fraction * Offer(s, offer);
            var r = RegionIndex(s, offer.Region);
            for (var m = 0; m < s.HorizonMonths; m++) supply[r, m] += (double)d.Fraction * offer.GpusIn(m) * Factor(s, offer.Sku);
        }
        foreach (var p in plan.Spot)
        {
            cost += (double)p.Gpus * (double)s.Spot[p.Market].PriceAt(p.Month) * 730 * Df(s, p.Month);
            supply[RegionIndex(s, p.Region), p.Month] += (double)p.Gpus * Factor(s, p.Sku);
        }
        for (var r = 0; r < s.Regions.Count; r++)
        {
            for (var m = 0; m < s.HorizonMonths; m++)
            {
                var fleet = s.Regions[r].Fleet.Where(f => f.IsOnline(m)).Sum(f => f.Gpus * Factor(s, f.Sku));
                var unmet = (double)s.DemandGpus(s.Regions[r], m) - fleet - supply[r, m];
                if (unmet > 0.01) cost += unmet * (double)(s.UnmetPenaltyUsdPerGpuMonth ?? 0m) * Df(s, m);
            }
        }
        return cost;
    }

    /// <summary>The least cost over every whole-block schedule and every set of signed offers (all-or-nothing); null if none meets hard demand.</summary>
    public static double? BruteForce(PlanScenario s)
    {
        var builds = s.Regions.SelectMany((r, i) => r.Build.Select(b => (Region: i, Option: b))).ToList();
        var schedules = builds.Select(b => Schedules(s, b.Option).ToList()).ToList();
        double? best = null;
        foreach (var combo in Product(schedules.Select(l => l.Count).ToArray()))
        {
            var capacity = new double[s.Regions.Count, s.HorizonMonths];
            var buildCost = 0.0;
            for (var i = 0; i < builds.Count; i++)
            {
                var (region, option) = builds[i];
                var blocks = schedules[i][combo[i]];
                var gpus = Math.Floor((double)option.MwBlock * 1000 / (double)option.KwPerGpu) * Factor(s, option.Sku);
                for (var t = 0; t < blocks.Length; t++)
                {
                    if (blocks[t] == 0) continue;
                    buildCost += blocks[t] * Block(s, option, t);
                    for (var m = t + option.LeadTimeMonths; m < Math.Min(s.HorizonMonths, t + option.LeadTimeMonths + option.LifeMonths); m++)
                        capacity[region, m] += blocks[t] * gpus;
                }
            }
            for (var mask = 0; mask < 1 << s.Offers.Count; mask++)
            {
                var cost = buildCost;
                var supply = (double[,])capacity.Clone();
                for (var o = 0; o < s.Offers.Count; o++)
                {
                    if ((mask & (1 << o)) == 0) continue;
                    var offer = s.Offers[o];
                    cost += Offer(s, offer);
                    var r = RegionIndex(s, offer.Region);
                    for (var m = 0; m < s.HorizonMonths; m++) supply[r, m] += offer.GpusIn(m) * Factor(s, offer.Sku);
                }
                var feasible = true;
                for (var r = 0; r < s.Regions.Count && feasible; r++)
                {
                    for (var m = 0; m < s.HorizonMonths && feasible; m++)
                    {
                        var fleet = s.Regions[r].Fleet.Where(f => f.IsOnline(m)).Sum(f => f.Gpus * Factor(s, f.Sku));
                        var need = Math.Max(0, (double)s.DemandGpus(s.Regions[r], m) - fleet - supply[r, m]);
                        // Region-specific spot markets only: fill the cheapest per reference GPU while it beats the penalty.
                        var penalty = s.UnmetPenaltyUsdPerGpuMonth is { } p ? (double)p : double.PositiveInfinity;
                        foreach (var market in s.Spot.Where(x => x.Region == s.Regions[r].Id)
                                     .OrderBy(x => (double)x.PriceAt(m) * 730 / Factor(s, x.Sku)))
                        {
                            var perRef = (double)market.PriceAt(m) * 730 / Factor(s, market.Sku);
                            if (perRef >= penalty || need <= 0) break;
                            var take = Math.Min(need, market.MaxGpusPerMonth * Factor(s, market.Sku));
                            cost += take * perRef * Df(s, m);
                            need -= take;
                        }
                        if (need > 1e-9)
                        {
                            if (double.IsPositiveInfinity(penalty)) feasible = false;
                            else cost += need * penalty * Df(s, m);
                        }
                    }
                }
                if (feasible && (best is null || cost < best)) best = cost;
            }
        }
        return best;
    }

    /// <summary>Every schedule of whole blocks per decision month within the per-calendar-year cap on coming online.</summary>
    private static IEnumerable<int[]> Schedules(PlanScenario s, BuildOption b)
    {
        var decisions = Math.Max(0, s.HorizonMonths - b.LeadTimeMonths);
        var cap = (int)Math.Floor(b.MaxMwPerYear / b.MwBlock);
        foreach (var choice in Product(Enumerable.Repeat(cap + 1, decisions).ToArray()))
        {
            var perYear = new Dictionary<int, int>();
            for (var t = 0; t < decisions; t++)
            {
                var year = s.StartMonth.AddMonths(t + b.LeadTimeMonths).Year;
                perYear[year] = perYear.GetValueOrDefault(year) + choice[t];
            }
            if (perYear.Values.All(n => n <= cap)) yield return choice;
        }
    }

    private static IEnumerable<int[]> Product(int[] sizes)
    {
        var current = new int[sizes.Length];
        if (sizes.Any(n => n == 0)) yield break;
        while (true)
        {
            yield return (int[])current.Clone();
            var i = 0;
            while (i < sizes.Length && ++current[i] == sizes[i]) current[i++] = 0;
            if (i == sizes.Length) yield break;
        }
    }

    private static (int Region, BuildOption Option) FindBuild(PlanScenario s, string id)
    {
        for (var r = 0; r < s.Regions.Count; r++)
        {
            foreach (var b in s.Regions[r].Build)
            {
                if (b.Id == id) return (r, b);
            }
        }
        throw new InvalidOperationException($"no build option {id}");
    }

    private static int RegionIndex(PlanScenario s, string id) => s.Regions.Select((r, i) => (r, i)).First(p => p.r.Id == id).i;
}
