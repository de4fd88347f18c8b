using Neocloud.Economics.Rates;
using Neocloud.Planning.Scenarios;

namespace Neocloud.Planning.Solving;

/// <summary>
/// A scenario turned into per-month arrays: demand and fleet in effective reference GPUs, discount factors, and the
/// cash flows of one build block, one full offer and one spot GPU. Decimal throughout; the solver layer converts.
/// </summary>
internal sealed class PlanInputs
{
    public PlanInputs(PlanScenario scenario, IReadOnlyDictionary<(int Option, int Year), int>? extraBlocks = null)
    {
        Scenario = scenario;
        Horizon = scenario.HorizonMonths;
        // One more factor than months: the residual value of builds is credited in month H, just after the horizon.
        Discount = Discounting.DiscountFactors(Discounting.MonthlyFromAnnual(scenario.DiscountRateAnnual), Horizon + 1);
        var regionIndex = scenario.Regions.Select((r, i) => (r.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);

        Demand = new decimal[scenario.Regions.Count][];
        Fleet = new decimal[scenario.Regions.Count][];
        var options = new List<BuildInput>();
        for (var r = 0; r < scenario.Regions.Count; r++)
        {
            var region = scenario.Regions[r];
            Demand[r] = new decimal[Horizon];
            Fleet[r] = new decimal[Horizon];
            for (var m = 0; m < Horizon; m++)
            {
                Demand[r][m] = scenario.DemandGpus(region, m);
                foreach (var f in region.Fleet)
                {
                    if (f.IsOnline(m)) Fleet[r][m] += f.Gpus * scenario.EffectiveFactor(f.Sku);
                }
            }
            foreach (var option in region.Build)
            {
                var index = options.Count;
                options.Add(new BuildInput(this, index, r, option, scenario.EffectiveFactor(option.Sku), extraBlocks));
            }
        }
        Builds = options;
        Offers = scenario.Offers.Select(o => new OfferInput(this, o, regionIndex[o.Region], scenario.EffectiveFactor(o.Sku))).ToList();
        Spot = scenario.Spot.Select((s, i) => new SpotInput(
            i, s, scenario.EffectiveFactor(s.Sku),
            s.Region is { } only ? [regionIndex[only]] : Enumerable.Range(0, scenario.Regions.Count).ToArray())).ToList();
    }

    public PlanScenario Scenario { get; }

    public int Horizon { get; }

    public int RegionCount => Scenario.Regions.Count;

    /// <summary>1 / (1+i)^m for m = 0..H.</summary>
    public decimal[] Discount { get; }

    /// <summary>[region][month] demand in effective reference GPUs.</summary>
    public decimal[][] Demand { get; }

    /// <summary>[region][month] own fleet online in effective reference GPUs.</summary>
    public decimal[][] Fleet { get; }

    public IReadOnlyList<BuildInput> Builds { get; }

    public IReadOnlyList<OfferInput> Offers { get; }

    public IReadOnlyList<SpotInput> Spot { get; }

    public decimal Penalty => Scenario.UnmetPenaltyUsdPerGpuMonth ?? 0m;

    /// <summary>Reference GPUs still needed after the own fleet.</summary>
    public decimal Need(int region, int month) => Math.Max(0m, Demand[region][month] - Fleet[region][month]);
}

/// <summary>One build option: which decision months exist, the cap per online year, and the cash of one block.</summary>
internal sealed class BuildInput
{
    public BuildInput(PlanInputs inputs, int index, int region, BuildOption option, decimal factor, IReadOnlyDictionary<(int Option, int Year), int>? extraBlocks)
    {
        Index = index;
        Region = region;
        Option = option;
        Factor = factor;
        var horizon = inputs.Horizon;
        // A block decided in t is online from t + lead; decisions that would come online after the horizon are useless.
        DecisionMonths = Math.Max(0, horizon - option.LeadTimeMonths);
        BlockPv = new decimal[DecisionMonths];
        Residual = new decimal[DecisionMonths];
        var running = option.BlockRunningUsdPerMonth;
        for (var t = 0; t < DecisionMonths; t++)
        {
            var online = t + option.LeadTimeMonths;
            var end = online + option.LifeMonths;
            var pv = option.BlockCapexUsd * inputs.Discount[t];
            for (var m = online; m < Math.Min(horizon, end); m++) pv += running * inputs.Discount[m];
            Residual[t] = end > horizon ? option.BlockCapexUsd * (end - horizon) / option.LifeMonths : 0m;
            BlockPv[t] = pv - Residual[t] * inputs.Discount[horizon];
        }

        var years = new SortedDictionary<int, List<int>>();
        for (var t = 0; t < DecisionMonths; t++)
        {
            var year = inputs.Scenario.CalendarYear(t + option.LeadTimeMonths);
            if (!years.TryGetValue(year, out var list)) years[year] = list = [];
            list.Add(t);
        }
        YearDecisions = years;
        YearCap = years.Keys.ToDictionary(y => y, y => option.BlocksPerYear + (extraBlocks?.GetValueOrDefault((index, y)) ?? 0));
    }

    public int Index { get; }

    public int Region { get; }

    public BuildOption Option { get; }

    /// <summary>Reference GPUs per GPU of the option's SKU.</summary>
    public decimal Factor { get; }

    /// <summary>Effective reference GPUs one block adds while online.</summary>
    public decimal BlockGpus => Option.GpusPerBlock * Factor;

    public int DecisionMonths { get; }

    /// <summary>[t] present value of one block decided in month t, net of its residual credit.</summary>
    public decimal[] BlockPv { get; }

    /// <summary>[t] nominal residual value, at the horizon's end, of one block decided in month t.</summary>
    public decimal[] Residual { get; }

    /// <summary>Calendar year (of coming online) → the decision months whose blocks come online in it.</summary>
    public SortedDictionary<int, List<int>> YearDecisions { get; }

    /// <summary>Calendar year → whole blocks that may come online in it.</summary>
    public Dictionary<int, int> YearCap { get; }

    /// <summary>True when a block decided in <paramref name="decision"/> is online in <paramref name="month"/>.</summary>
    public bool OnlineIn(int decision, int month)
    {
        var online = decision + Option.LeadTimeMonths;
        return month >= online && month < online + Option.LifeMonths;
    }
}

/// <summary>One offer: effective GPUs per month and the nominal cash of signing it in full (payments when due).</summary>
internal sealed class OfferInput
{
    public OfferInput(PlanInputs inputs, OfftakeOffer offer, int region, decimal factor)
    {
        Offer = offer;
        Region = region;
        var horizon = inputs.Horizon;
        Gpus = new decimal[horizon];
        Cash = new decimal[horizon];
        for (var m = 0; m < horizon; m++) Gpus[m] = offer.GpusIn(m) * factor;
        foreach (var tranche in offer.Tranches)
        {
            var start = offer.EarliestStartMonth + tranche.StartMonth;
            if (start >= horizon) continue;
            var end = Math.Min(horizon, start + tranche.TermMonths);
            var invoice = offer.PricePerGpuHour * PlanScenario.HoursPerMonth * tranche.Gpus;
            // The prepayment covers the tranche's months inside the horizon, is paid at its start and credited pro rata.
            Cash[start] += offer.PrepaymentFraction * invoice * (end - start);
            for (var m = start; m < end; m++) Cash[m] += (1m - offer.PrepaymentFraction) * invoice;
        }
        Pv = 0m;
        for (var m = 0; m < horizon; m++) Pv += Cash[m] * inputs.Discount[m];
        Useful = Gpus.Any(g => g > 0m);
    }

    public OfftakeOffer Offer { get; }

    public int Region { get; }

    /// <summary>[month] effective reference GPUs if signed in full.</summary>
    public decimal[] Gpus { get; }

    /// <summary>[month] nominal payments if signed in full.</summary>
    public decimal[] Cash { get; }

    /// <summary>Present value of signing in full.</summary>
    public decimal Pv { get; }

    /// <summary>False when no tranche delivers inside the horizon.</summary>
    public bool Useful { get; }
}

/// <summary>One spot market and the regions it serves.</summary>
internal sealed record SpotInput(int Index, SpotMarket Market, decimal Factor, int[] Regions)
{
    /// <summary>Nominal cost of one GPU for a month.</summary>
    public decimal CostPerGpuMonth(int month) => Market.PriceAt(month) * PlanScenario.HoursPerMonth;
}
