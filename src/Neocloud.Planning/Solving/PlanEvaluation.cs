namespace Neocloud.Planning.Solving;

/// <summary>
/// A plan's decisions priced in decimal, independently of the solver's doubles: supply and nominal cash per region
/// and month, the build and offer decisions, spot purchases, and the cost split in present value.
/// </summary>
internal sealed record PlanEvaluation(
    IReadOnlyList<PlanMonth> Months,
    IReadOnlyList<BuildDecision> Builds,
    IReadOnlyList<OfferDecision> Offers,
    IReadOnlyList<SpotPurchase> Spot,
    CostSplit Costs)
{
    public static PlanEvaluation Of(PlanInputs inputs, PlanFixing plan, decimal[][]? marginal = null)
    {
        var scenario = inputs.Scenario;
        var horizon = inputs.Horizon;
        var df = inputs.Discount;

        var builds = new List<BuildDecision>();
        var capexAt = Grid(inputs);
        var runningAt = Grid(inputs);
        var buildGpus = Grid(inputs);
        var residual = 0m;
        foreach (var b in inputs.Builds)
        {
            for (var t = 0; t < b.DecisionMonths; t++)
            {
                var n = plan.Blocks[b.Index][t];
                if (n == 0) continue;
                var online = t + b.Option.LeadTimeMonths;
                builds.Add(new BuildDecision(b.Option.Id, scenario.Regions[b.Region].Id, b.Option.Sku, t, scenario.MonthLabel(t),
                    online, scenario.MonthLabel(online), n, n * b.Option.MwBlock, n * b.Option.GpusPerBlock, n * b.Option.BlockCapexUsd));
                capexAt[b.Region][t] += n * b.Option.BlockCapexUsd;
                residual += n * b.Residual[t];
                for (var m = online; m < Math.Min(horizon, online + b.Option.LifeMonths); m++)
                {
                    runningAt[b.Region][m] += n * b.Option.BlockRunningUsdPerMonth;
                    buildGpus[b.Region][m] += n * b.BlockGpus;
                }
            }
        }

        var offers = new List<OfferDecision>();
        var offtakeAt = Grid(inputs);
        var offtakeGpus = Grid(inputs);
        var offerGpus = new List<OfferCapacity>[inputs.RegionCount][];
        for (var r = 0; r < inputs.RegionCount; r++) offerGpus[r] = Enumerable.Range(0, horizon).Select(_ => new List<OfferCapacity>()).ToArray();
        for (var o = 0; o < inputs.Offers.Count; o++)
        {
            var offer = inputs.Offers[o];
            var fraction = (decimal)plan.Offers[o];
            offers.Add(new OfferDecision(offer.Offer.Id, offer.Offer.Provider, offer.Offer.Region, offer.Offer.Sku, fraction, Cents(fraction * offer.Pv)));
            if (fraction == 0m) continue;
            for (var m = 0; m < horizon; m++)
            {
                offtakeAt[offer.Region][m] += fraction * offer.Cash[m];
                if (offer.Gpus[m] == 0m) continue;
                offtakeGpus[offer.Region][m] += fraction * offer.Gpus[m];
                offerGpus[offer.Region][m].Add(new OfferCapacity(offer.Offer.Id, Round(fraction * offer.Gpus[m])));
            }
        }

        var spot = new List<SpotPurchase>();
        var spotAt = Grid(inputs);
        var spotGpus = Grid(inputs);
        foreach (var s in inputs.Spot)
        {
            for (var r = 0; r < inputs.RegionCount; r++)
            {
                for (var m = 0; m < horizon; m++)
                {
                    var gpus = plan.Spot[s.Index][r][m];
                    if (gpus <= 0m) continue;
                    spot.Add(new SpotPurchase(s.Index, s.Market.Sku, scenario.Regions[r].Id, m, gpus, s.Market.PriceAt(m)));
                    spotAt[r][m] += gpus * s.CostPerGpuMonth(m);
                    spotGpus[r][m] += gpus * s.Factor;
                }
            }
        }

        var months = new List<PlanMonth>(inputs.RegionCount * horizon);
        decimal capexPv = 0m, runningPv = 0m, offtakePv = 0m, spotPv = 0m, penaltyPv = 0m;
        for (var m = 0; m < horizon; m++)
        {
            for (var r = 0; r < inputs.RegionCount; r++)
            {
                var supply = inputs.Fleet[r][m] + buildGpus[r][m] + offtakeGpus[r][m] + spotGpus[r][m];
                var shortfall = inputs.Demand[r][m] - supply;
                shortfall = shortfall > CapacityBounds.Tolerance ? Round(shortfall) : 0m;
                var penalty = inputs.Penalty * shortfall;
                var costs = new MonthCosts(Cents(capexAt[r][m]), Cents(runningAt[r][m]), Cents(offtakeAt[r][m]), Cents(spotAt[r][m]), Cents(penalty), df[m]);
                months.Add(new PlanMonth(scenario.Regions[r].Id, m, scenario.MonthLabel(m), Round(inputs.Demand[r][m]), Round(inputs.Fleet[r][m]),
                    Round(buildGpus[r][m]), Round(offtakeGpus[r][m]), offerGpus[r][m], Round(spotGpus[r][m]), shortfall, costs,
                    marginal?[r][m] is { } value ? Cents(value) : null));
                capexPv += capexAt[r][m] * df[m];
                runningPv += runningAt[r][m] * df[m];
                offtakePv += offtakeAt[r][m] * df[m];
                spotPv += spotAt[r][m] * df[m];
                penaltyPv += penalty * df[m];
            }
        }
        var split = new CostSplit(Cents(capexPv), Cents(residual * df[horizon]), Cents(runningPv), Cents(offtakePv), Cents(spotPv), Cents(penaltyPv));
        return new PlanEvaluation(months, builds, offers, spot, split);
    }

    private static decimal[][] Grid(PlanInputs inputs) =>
        Enumerable.Range(0, inputs.RegionCount).Select(_ => new decimal[inputs.Horizon]).ToArray();

    private static decimal Round(decimal gpus) => decimal.Round(gpus, 3, MidpointRounding.AwayFromZero);

    private static decimal Cents(decimal usd) => decimal.Round(usd, 2, MidpointRounding.AwayFromZero);
}
