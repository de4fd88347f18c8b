namespace Neocloud.Planning.Solving;

/// <summary>How a solve ended.</summary>
public enum PlanStatus
{
    /// <summary>Optimal within the requested relative gap.</summary>
    Optimal,

    /// <summary>A plan was found but the time limit came before the gap was proven; see <see cref="PlanResult.Gap"/>.</summary>
    Feasible,

    /// <summary>Demand must be met in full and cannot be; see <see cref="PlanResult.Infeasibility"/>.</summary>
    Infeasible,

    /// <summary>The time limit came before any plan was found.</summary>
    NotSolved,
}

/// <summary>
/// A least-cost sourcing plan. GPU figures per month are effective reference GPUs (GPUs × dense FP8 ratio ×
/// usefulness); money is USD, present values at the scenario's discount rate unless a name says nominal.
/// </summary>
/// <param name="Scenario">The scenario's name.</param>
/// <param name="Status">How the solve ended.</param>
/// <param name="Message">One line saying what happened, e.g. why the scenario is infeasible.</param>
/// <param name="NpvCostUsd">Present value of the plan's total cost (the objective), computed in decimal from the decisions.</param>
/// <param name="BestBoundUsd">The solver's proven lower bound on that cost.</param>
/// <param name="Gap">Relative gap between the plan's cost and the bound, as the solver reports it.</param>
/// <param name="SolveSeconds">Wall time of the main solve.</param>
/// <param name="ExplainSeconds">Wall time spent on marginal values and re-solves.</param>
/// <param name="Months">Per region and month: demand and where the capacity comes from, with nominal costs.</param>
/// <param name="Builds">What to build where and when.</param>
/// <param name="Offers">Every offer and the fraction signed (0 or 1 unless divisible).</param>
/// <param name="Spot">Spot purchases per market, region and month (non-zero only), in the market's own GPUs.</param>
/// <param name="Costs">Present value of the cost by kind.</param>
/// <param name="Binding">Where the plan is constrained and what relaxing it is worth.</param>
/// <param name="Infeasibility">Where demand cannot be met, when <see cref="Status"/> is <see cref="PlanStatus.Infeasible"/>.</param>
public sealed record PlanResult(
    string Scenario,
    PlanStatus Status,
    string Message,
    decimal NpvCostUsd,
    decimal BestBoundUsd,
    double Gap,
    double SolveSeconds,
    double ExplainSeconds,
    IReadOnlyList<PlanMonth> Months,
    IReadOnlyList<BuildDecision> Builds,
    IReadOnlyList<OfferDecision> Offers,
    IReadOnlyList<SpotPurchase> Spot,
    CostSplit Costs,
    BindingReport Binding,
    Infeasibility? Infeasibility)
{
    /// <summary>True when the result carries a plan (optimal or feasible).</summary>
    public bool HasPlan => Status is PlanStatus.Optimal or PlanStatus.Feasible;
}

/// <summary>One region in one month: demand and supply by source (effective reference GPUs) and nominal cost.</summary>
public sealed record PlanMonth(
    string Region,
    int Month,
    string Label,
    decimal DemandGpus,
    decimal FleetGpus,
    decimal BuildGpus,
    decimal OfftakeGpus,
    IReadOnlyList<OfferCapacity> OfferGpus,
    decimal SpotGpus,
    decimal ShortfallGpus,
    MonthCosts Costs,
    decimal? MarginalUsdPerGpuMonth)
{
    /// <summary>Capacity from every source.</summary>
    public decimal SupplyGpus => FleetGpus + BuildGpus + OfftakeGpus + SpotGpus;
}

/// <summary>Capacity one signed offer delivers in a month, in effective reference GPUs.</summary>
public sealed record OfferCapacity(string OfferId, decimal Gpus);

/// <summary>Nominal cash out in one region and month, by kind, and the month's discount factor.</summary>
public sealed record MonthCosts(decimal BuildCapexUsd, decimal BuildRunningUsd, decimal OfftakeUsd, decimal SpotUsd, decimal PenaltyUsd, decimal DiscountFactor)
{
    /// <summary>Nominal total.</summary>
    public decimal TotalUsd => BuildCapexUsd + BuildRunningUsd + OfftakeUsd + SpotUsd + PenaltyUsd;
}

/// <summary>Blocks of one build option decided in one month.</summary>
public sealed record BuildDecision(
    string OptionId,
    string Region,
    string Sku,
    int DecisionMonth,
    string DecisionLabel,
    int OnlineMonth,
    string OnlineLabel,
    int Blocks,
    decimal Mw,
    int Gpus,
    decimal CapexUsd);

/// <summary>An offer and how much of it the plan signs, with the present value of what that costs.</summary>
public sealed record OfferDecision(string OfferId, string Provider, string Region, string Sku, decimal Fraction, decimal NpvCostUsd)
{
    /// <summary>True when any part of the offer is signed.</summary>
    public bool Signed => Fraction > 0m;
}

/// <summary>GPUs bought on one spot market for one region in one month, in the market's SKU.</summary>
public sealed record SpotPurchase(int Market, string Sku, string Region, int Month, decimal Gpus, decimal PricePerGpuHour);

/// <summary>Present value of the plan's cost by kind; the residual credit is what builds are still worth at the horizon's end.</summary>
public sealed record CostSplit(
    decimal BuildCapexUsd,
    decimal BuildResidualCreditUsd,
    decimal BuildRunningUsd,
    decimal OfftakeUsd,
    decimal SpotUsd,
    decimal ShortfallPenaltyUsd)
{
    /// <summary>The total: what the solver minimises.</summary>
    public decimal TotalUsd => BuildCapexUsd - BuildResidualCreditUsd + BuildRunningUsd + OfftakeUsd + SpotUsd + ShortfallPenaltyUsd;
}

/// <summary>Where the plan is constrained.</summary>
/// <param name="TightMonths">Region-months with a shortfall or with spot liquidity used up (at most the option's count, earliest first).</param>
/// <param name="TightMonthCount">How many region-months are tight in all.</param>
/// <param name="BuildCaps">Build caps (option, calendar year) the plan uses in full, with what one more MW is worth.</param>
public sealed record BindingReport(IReadOnlyList<TightMonth> TightMonths, int TightMonthCount, IReadOnlyList<BuildCapValue> BuildCaps)
{
    /// <summary>No explanation (no plan, or not asked for).</summary>
    public static BindingReport None { get; } = new([], 0, []);
}

/// <summary>A region-month where supply runs out, with the marginal cost of one more GPU-month there (nominal USD).</summary>
public sealed record TightMonth(string Region, int Month, string Label, string Reason, decimal ShortfallGpus, decimal? MarginalUsdPerGpuMonth);

/// <summary>
/// A build cap the plan uses in full: the MW that may come online in a calendar year for one option. The LP dual is
/// the relaxation's estimate per MW; the re-solve value is the saving found by solving again with one more block, and
/// the true value per MW lies between <see cref="ResolveLowUsdPerMw"/> and <see cref="ResolveHighUsdPerMw"/> given the
/// two solves' proven bounds.
/// </summary>
public sealed record BuildCapValue(
    string OptionId,
    string Region,
    int Year,
    decimal CapMw,
    decimal? LpDualUsdPerMw,
    decimal? ResolveSavingUsd,
    decimal? ResolveUsdPerMw,
    decimal? ResolveLowUsdPerMw,
    decimal? ResolveHighUsdPerMw)
{
    /// <summary>What one more MW is worth, in words: the re-solve's figure and range, else the LP dual.</summary>
    /// <param name="money">How to print an amount of USD.</param>
    public string Describe(Func<decimal, string> money)
    {
        ArgumentNullException.ThrowIfNull(money);
        if (ResolveUsdPerMw is { } perMw)
        {
            return ResolveLowUsdPerMw is { } low && ResolveHighUsdPerMw is { } high
                ? $"{money(perMw)} per MW (re-solve; {money(low)} to {money(high)} within the solvers' gaps)"
                : $"{money(perMw)} per MW (re-solve)";
        }
        return LpDualUsdPerMw is { } dual ? $"{money(dual)} per MW (LP dual)" : "";
    }
}

/// <summary>The first region-month whose demand exceeds everything that could be available there.</summary>
public sealed record Infeasibility(string Region, int Month, string Label, decimal DemandGpus, decimal MaxAvailableGpus);
