using System.Diagnostics;
using System.Globalization;
using Google.OrTools.LinearSolver;
using Neocloud.Planning.Scenarios;

namespace Neocloud.Planning.Solving;

/// <summary>The value of one offer to the buyer: the cost of the best plan without it minus the cost with it.</summary>
/// <param name="OfferId">The offer valued.</param>
/// <param name="With">The plan with the offer available.</param>
/// <param name="Without">The plan without it.</param>
/// <param name="ValueUsd">Present value the offer saves (negative: the plan is cheaper without it, within the solver's gap); null when either has no plan.</param>
public sealed record PlanComparison(string OfferId, PlanResult With, PlanResult Without, decimal? ValueUsd)
{
    /// <summary>
    /// The least the offer can be worth given both solves' proven bounds: the bound without it minus the cost with it
    /// (the true optimum without the offer is at least its bound, the true optimum with it at most the plan found).
    /// </summary>
    public decimal? ValueLowUsd => ValueUsd is null ? null : Without.BestBoundUsd - With.NpvCostUsd;

    /// <summary>The most the offer can be worth: the cost without it minus the bound with it.</summary>
    public decimal? ValueHighUsd => ValueUsd is null ? null : Without.NpvCostUsd - With.BestBoundUsd;

    /// <summary>The comparison as printed by the CLI's <c>--json</c> and returned by the REST API.</summary>
    public ComparisonSummary Summary() =>
        new(OfferId, ValueUsd, ValueLowUsd, ValueHighUsd, With.NpvCostUsd, Without.NpvCostUsd, With.Message, Without.Message);
}

/// <summary>An offer's worth to the buyer, with the range the solvers' gaps leave, and both plans' costs and messages.</summary>
public sealed record ComparisonSummary(
    string Offer, decimal? ValueUsd, decimal? ValueLowUsd, decimal? ValueHighUsd, decimal WithCostUsd, decimal WithoutCostUsd, string With, string Without);

/// <summary>
/// Finds the least-cost sourcing plan (build, offtake, spot) for a scenario with OR-Tools' MIP solvers, and explains
/// where it is constrained.
/// </summary>
public static class CapacityPlanner
{
    /// <summary>Solves the scenario: minimum present value of total cost, month by month.</summary>
    /// <exception cref="ArgumentException">The scenario breaks a rule: a bug in code that built it by hand (parsed ones are already checked).</exception>
    public static PlanResult Solve(PlanScenario scenario, PlanOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        options ??= PlanOptions.Default;
        EnsureValid(scenario);
        var inputs = new PlanInputs(scenario);

        if (scenario.MeetAllDemand && CapacityBounds.FirstUnmet(inputs) is { } unmet) return Infeasible(scenario, unmet, 0);

        var clock = Stopwatch.StartNew();
        var hint = options.WarmStart ? WarmStart.Hint(inputs) : null;
        using var model = new PlanModel(inputs, ModelKind.Mip, EngineName(options.Engine));
        var outcome = model.Solve(options.RelativeGap, options.TimeLimit - clock.Elapsed, hint, options.SolverLog);
        outcome = outcome with { Seconds = clock.Elapsed.TotalSeconds };
        if (outcome.Status == Solver.ResultStatus.INFEASIBLE && scenario.MeetAllDemand)
        {
            // Every region-month fits on its own, so regions compete for a shared spot market: ask an LP where it runs short.
            return Infeasible(scenario, DiagnoseShortfall(inputs) ?? new Infeasibility(scenario.Regions[0].Id, 0, scenario.MonthLabel(0), 0m, 0m), outcome.Seconds);
        }
        if (!outcome.HasSolution)
        {
            var why = outcome.Status == Solver.ResultStatus.NOT_SOLVED
                ? $"no plan found within the time limit of {options.TimeLimit.TotalSeconds:0.#} s"
                : $"the solver stopped with status {outcome.Status}";
            return new PlanResult(scenario.Name, PlanStatus.NotSolved, why, 0m, 0m, double.NaN, outcome.Seconds, 0, [], [], [], [],
                new CostSplit(0m, 0m, 0m, 0m, 0m, 0m), BindingReport.None, null);
        }

        var plan = model.Decisions();
        var evaluation = PlanEvaluation.Of(inputs, plan);
        var binding = BindingReport.None;
        var explainSeconds = 0.0;
        if (options.ExplainBinding)
        {
            clock.Restart();
            var marginal = Marginals(inputs, plan);
            if (marginal is not null) evaluation = PlanEvaluation.Of(inputs, plan, marginal);
            binding = Explain(inputs, options, plan, model.Values(), (decimal)outcome.BoundUsd, evaluation);
            explainSeconds = clock.Elapsed.TotalSeconds;
        }

        var status = outcome.Status == Solver.ResultStatus.OPTIMAL ? PlanStatus.Optimal : PlanStatus.Feasible;
        var npv = evaluation.Costs.TotalUsd;
        var message = status == PlanStatus.Optimal
            ? $"optimal within {Percent(options.RelativeGap)} (gap {Percent(outcome.Gap)}): NPV cost {Usd(npv)}"
            : $"time limit reached: best plan found costs {Usd(npv)}, within {Percent(outcome.Gap)} of the optimum";
        return new PlanResult(scenario.Name, status, message, npv, decimal.Round((decimal)outcome.BoundUsd, 2), outcome.Gap,
            outcome.Seconds, explainSeconds, evaluation.Months, evaluation.Builds, evaluation.Offers, evaluation.Spot,
            evaluation.Costs, binding, null);
    }

    /// <summary>
    /// What one offer is worth: solves with and without it. Explanations are skipped (only the costs matter).
    /// </summary>
    /// <exception cref="ArgumentException">The offer id is unknown, or the scenario breaks a rule (callers check both first).</exception>
    public static PlanComparison Compare(PlanScenario scenario, string offerId, PlanOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        if (scenario.FindOffer(offerId) is null)
            throw new ArgumentException($"no offer with id '{offerId}' (offers: {string.Join(", ", scenario.Offers.Select(o => o.Id))})", nameof(offerId));
        var quick = (options ?? PlanOptions.Default) with { ExplainBinding = false };
        var with = Solve(scenario, quick);
        var without = Solve(scenario.WithoutOffer(offerId), quick);
        decimal? value = with.HasPlan && without.HasPlan ? without.NpvCostUsd - with.NpvCostUsd : null;
        return new PlanComparison(offerId, with, without, value);
    }

    /// <summary>The first region-month whose demand exceeds all capacity that could exist there, or null.</summary>
    public static Infeasibility? FirstUnmetMonth(PlanScenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        EnsureValid(scenario);
        return CapacityBounds.FirstUnmet(new PlanInputs(scenario));
    }

    /// <summary>Refuses a scenario that breaks a rule: only hand-built ones can, so that is a bug in their builder.</summary>
    private static void EnsureValid(PlanScenario scenario)
    {
        var errors = ScenarioValidator.Validate(scenario);
        if (!errors.IsEmpty) throw new ArgumentException($"the scenario is not valid: {errors.Summary}", nameof(scenario));
    }

    private static PlanResult Infeasible(PlanScenario scenario, Infeasibility at, double seconds)
    {
        var message = $"demand cannot be met in {at.Label} (month {at.Month}) in region {at.Region}: " +
            $"{at.DemandGpus.ToString("N0", CultureInfo.InvariantCulture)} reference GPUs needed, " +
            $"at most {at.MaxAvailableGpus.ToString("N0", CultureInfo.InvariantCulture)} available";
        return new PlanResult(scenario.Name, PlanStatus.Infeasible, message, 0m, 0m, double.NaN, seconds, 0, [], [], [], [],
            new CostSplit(0m, 0m, 0m, 0m, 0m, 0m), BindingReport.None, at);
    }

    private static Infeasibility? DiagnoseShortfall(PlanInputs inputs)
    {
        using var model = new PlanModel(inputs, ModelKind.Shortfall, "GLOP");
        if (!model.Solve(0, TimeSpan.FromMinutes(1)).HasSolution) return null;
        for (var m = 0; m < inputs.Horizon; m++)
        {
            for (var r = 0; r < inputs.RegionCount; r++)
            {
                if (model.Shortfall[r][m] is { } v && (decimal)(v.SolutionValue() * PlanModel.GpuUnit) > CapacityBounds.Tolerance)
                {
                    var unmet = decimal.Round((decimal)(v.SolutionValue() * PlanModel.GpuUnit), 3);
                    return new Infeasibility(inputs.Scenario.Regions[r].Id, m, inputs.Scenario.MonthLabel(m),
                        decimal.Round(inputs.Demand[r][m], 3), decimal.Round(inputs.Demand[r][m] - unmet, 3));
                }
            }
        }
        return null;
    }

    /// <summary>
    /// Marginal cost of one more reference GPU in each region-month (nominal USD of that month): the demand rows' duals
    /// in the LP with every build and offer decision fixed at the plan's values, so only spot and shortfall can move.
    /// </summary>
    private static decimal[][]? Marginals(PlanInputs inputs, PlanFixing plan)
    {
        using var model = new PlanModel(inputs, ModelKind.Lp, "GLOP", plan);
        if (!model.Solve(0, TimeSpan.FromMinutes(1)).HasSolution) return null;
        var result = new decimal[inputs.RegionCount][];
        for (var r = 0; r < inputs.RegionCount; r++)
        {
            result[r] = new decimal[inputs.Horizon];
            for (var m = 0; m < inputs.Horizon; m++)
            {
                if (model.DemandRows[r][m] is not { } row) continue;
                var perGpu = Math.Max(0, row.DualValue()) * PlanModel.UsdUnit / PlanModel.GpuUnit;
                result[r][m] = (decimal)perGpu / inputs.Discount[m];
            }
        }
        return result;
    }

    private static BindingReport Explain(PlanInputs inputs, PlanOptions options, PlanFixing plan, double[] hint, decimal bound, PlanEvaluation evaluation)
    {
        var scenario = inputs.Scenario;
        var tight = new List<TightMonth>();
        foreach (var month in evaluation.Months)
        {
            var r = IndexOf(scenario, month.Region);
            string? reason = null;
            if (month.ShortfallGpus > 0m) reason = $"shortfall of {month.ShortfallGpus.ToString("N0", CultureInfo.InvariantCulture)} reference GPUs";
            else if (month.SpotGpus > 0m && SpotExhausted(inputs, plan, r, month.Month)) reason = "spot liquidity used up";
            if (reason is not null) tight.Add(new TightMonth(month.Region, month.Month, month.Label, reason, month.ShortfallGpus, month.MarginalUsdPerGpuMonth));
        }

        // Build caps the plan fills: value one more MW by the LP relaxation's dual, then by re-solving for the largest.
        var full = new List<(BuildInput Build, int Year)>();
        foreach (var b in inputs.Builds)
        {
            foreach (var (year, decisions) in b.YearDecisions)
            {
                var cap = b.YearCap[year];
                if (cap > 0 && decisions.Sum(t => plan.Blocks[b.Index][t]) >= cap) full.Add((b, year));
            }
        }
        var duals = new Dictionary<(int, int), decimal>();
        if (full.Count > 0)
        {
            using var lp = new PlanModel(inputs, ModelKind.Lp, "GLOP");
            if (lp.Solve(0, TimeSpan.FromMinutes(1)).HasSolution)
            {
                foreach (var (b, year) in full)
                {
                    var dual = lp.CapRows[(b.Index, year)].DualValue();
                    duals[(b.Index, year)] = decimal.Round((decimal)(Math.Max(0, -dual) * PlanModel.UsdUnit) / b.Option.MwBlock, 2);
                }
            }
        }
        var ranked = full.OrderByDescending(f => duals.GetValueOrDefault((f.Build.Index, f.Year))).ThenBy(f => f.Year).ToList();
        var caps = new List<BuildCapValue>();
        // One block is worth far less than the solver's tolerance on the whole plan, so both sides of the comparison are
        // solved ten times tighter: the plan as it is (once) and with one more block; the first starts the second. The
        // true value lies between the bound without the block minus the cost found with it, and the reverse.
        var tightGap = options.RelativeGap / 10;
        (decimal Cost, decimal Bound, double[] Values)? baseline = null;
        for (var i = 0; i < ranked.Count; i++)
        {
            var (b, year) = ranked[i];
            decimal? saving = null, perMw = null, low = null, high = null;
            if (i < options.MaxCapResolves)
            {
                if (baseline is null)
                {
                    using var again = new PlanModel(inputs, ModelKind.Mip, EngineName(options.Engine));
                    var tighter = again.Solve(tightGap, options.TimeLimit, hint);
                    baseline = tighter.HasSolution
                        ? (PlanEvaluation.Of(inputs, again.Decisions()).Costs.TotalUsd, (decimal)tighter.BoundUsd, again.Values())
                        : (evaluation.Costs.TotalUsd, bound, hint);
                }
                var relaxed = new PlanInputs(scenario, new Dictionary<(int, int), int> { [(b.Index, year)] = 1 });
                using var model = new PlanModel(relaxed, ModelKind.Mip, EngineName(options.Engine));
                var withBlock = model.Solve(tightGap, options.TimeLimit, baseline.Value.Values);
                if (withBlock.HasSolution)
                {
                    var cost = PlanEvaluation.Of(relaxed, model.Decisions()).Costs.TotalUsd;
                    saving = Math.Max(0m, baseline.Value.Cost - cost);
                    perMw = decimal.Round(saving.Value / b.Option.MwBlock, 2);
                    low = decimal.Round(Math.Max(0m, baseline.Value.Bound - cost) / b.Option.MwBlock, 2);
                    high = decimal.Round(Math.Max(0m, baseline.Value.Cost - (decimal)withBlock.BoundUsd) / b.Option.MwBlock, 2);
                }
            }
            caps.Add(new BuildCapValue(b.Option.Id, scenario.Regions[b.Region].Id, year, b.YearCap[year] * b.Option.MwBlock,
                duals.TryGetValue((b.Index, year), out var d) ? d : null, saving, perMw, low, high));
        }
        var listed = tight.OrderBy(t => t.Month).ThenBy(t => IndexOf(scenario, t.Region)).Take(options.MaxTightMonths).ToList();
        return new BindingReport(listed, tight.Count, caps.OrderBy(c => c.Year).ThenBy(c => c.OptionId, StringComparer.Ordinal).ToList());
    }

    private static bool SpotExhausted(PlanInputs inputs, PlanFixing plan, int region, int month)
    {
        var serving = inputs.Spot.Where(s => s.Regions.Contains(region) && s.Market.MaxGpusPerMonth > 0).ToList();
        if (serving.Count == 0) return false;
        foreach (var s in serving)
        {
            var used = 0m;
            foreach (var r in s.Regions) used += plan.Spot[s.Index][r][month];
            if (used < s.Market.MaxGpusPerMonth - CapacityBounds.Tolerance) return false;
        }
        return true;
    }

    private static int IndexOf(PlanScenario scenario, string region)
    {
        for (var i = 0; i < scenario.Regions.Count; i++)
        {
            if (scenario.Regions[i].Id == region) return i;
        }
        return -1;
    }

    private static string EngineName(PlanEngine engine) => engine switch
    {
        PlanEngine.Highs => "HIGHS",
        PlanEngine.Cbc => "CBC",
        _ => "SCIP",
    };

    private static string Percent(double fraction) => (fraction * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    private static string Usd(decimal usd) => "$" + usd.ToString("N0", CultureInfo.InvariantCulture);
}
