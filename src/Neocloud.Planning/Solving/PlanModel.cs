using System.Diagnostics;
using Google.OrTools.LinearSolver;

namespace Neocloud.Planning.Solving;

/// <summary>What a <see cref="PlanModel"/> is built for.</summary>
internal enum ModelKind
{
    /// <summary>The sourcing MIP: whole blocks, all-or-nothing offers.</summary>
    Mip,

    /// <summary>The LP relaxation (for the duals of the build caps), or with <c>fixed</c> values the LP behind marginal costs.</summary>
    Lp,

    /// <summary>An LP that allows shortfall even under meet-all demand and minimises it: finds where demand cannot be met.</summary>
    Shortfall,
}

/// <summary>
/// The linear model of a plan in OR-Tools. Units are scaled for the solver: capacity in thousands of reference GPUs,
/// money in millions of USD (present value). This is the only place money is a double.
/// </summary>
/// <remarks>
/// Variables: blocks decided per (option, month) — integer; blocks online per (option, month) — continuous, defined
/// by a running sum so each demand row stays short; a sign fraction per offer — binary unless divisible; spot GPUs
/// per (market, region, month); shortfall per (region, month). Rows: demand per (region, month) where the own fleet
/// does not cover it; blocks coming online per (option, calendar year) within the cap; shared spot liquidity per month.
/// </remarks>
internal sealed class PlanModel : IDisposable
{
    public const double GpuUnit = 1000.0;
    public const double UsdUnit = 1_000_000.0;

    private readonly PlanInputs _inputs;
    private readonly string _engine;

    public PlanModel(PlanInputs inputs, ModelKind kind, string engine, PlanFixing? fixing = null)
    {
        _inputs = inputs;
        _engine = engine;
        Kind = kind;
        Solver = Solver.CreateSolver(engine) ?? throw new InvalidOperationException($"the OR-Tools solver '{engine}' is not available");
        var horizon = inputs.Horizon;
        var integer = kind == ModelKind.Mip;
        var objective = Solver.Objective();
        // Where demand cannot be met is a question of capacity alone: that model prices nothing but the shortfall.
        void Cost(Variable v, double usd)
        {
            if (kind != ModelKind.Shortfall) objective.SetCoefficient(v, usd);
        }
        objective.SetMinimization();

        Blocks = new Variable[inputs.Builds.Count][];
        Online = new Variable?[inputs.Builds.Count][];
        CapRows = [];
        foreach (var b in inputs.Builds)
        {
            var blocks = Blocks[b.Index] = new Variable[b.DecisionMonths];
            foreach (var (year, decisions) in b.YearDecisions)
            {
                var cap = b.YearCap[year];
                foreach (var t in decisions)
                {
                    double lo = 0, hi = cap;
                    if (fixing is not null) lo = hi = fixing.Blocks[b.Index][t];
                    blocks[t] = integer ? Solver.MakeIntVar(lo, hi, $"x_{b.Index}_{t}") : Solver.MakeNumVar(lo, hi, $"x_{b.Index}_{t}");
                    Cost(blocks[t], (double)b.BlockPv[t] / UsdUnit);
                }
                if (decisions.Count > 1 || kind == ModelKind.Lp)
                {
                    var row = Solver.MakeConstraint(double.NegativeInfinity, cap, $"cap_{b.Index}_{year}");
                    foreach (var t in decisions) row.SetCoefficient(blocks[t], 1);
                    CapRows[(b.Index, year)] = row;
                }
            }

            // online[m] = online[m-1] + blocks[m - lead] - blocks[m - lead - life]
            var online = Online[b.Index] = new Variable?[horizon];
            var lead = b.Option.LeadTimeMonths;
            for (var m = lead; m < horizon; m++)
            {
                var v = online[m] = Solver.MakeNumVar(0, double.PositiveInfinity, $"on_{b.Index}_{m}");
                var row = Solver.MakeConstraint(0, 0);
                row.SetCoefficient(v, 1);
                if (m > lead) row.SetCoefficient(online[m - 1], -1);
                row.SetCoefficient(blocks[m - lead], -1);
                var retired = m - lead - b.Option.LifeMonths;
                if (retired >= 0) row.SetCoefficient(blocks[retired], 1);
            }
        }

        Offers = new Variable?[inputs.Offers.Count];
        for (var o = 0; o < inputs.Offers.Count; o++)
        {
            var offer = inputs.Offers[o];
            if (!offer.Useful) continue;
            double lo = 0, hi = 1;
            if (fixing is not null) lo = hi = fixing.Offers[o];
            var v = Offers[o] = integer && !offer.Offer.Divisible ? Solver.MakeIntVar(lo, hi, $"y_{o}") : Solver.MakeNumVar(lo, hi, $"y_{o}");
            Cost(v, (double)offer.Pv / UsdUnit);
        }

        Spot = new Variable?[]?[inputs.Spot.Count][];
        foreach (var s in inputs.Spot)
        {
            Spot[s.Index] = new Variable?[]?[inputs.RegionCount];
            var cap = s.Market.MaxGpusPerMonth / GpuUnit;
            var shared = s.Regions.Length > 1;
            Constraint?[] liquidity = new Constraint?[horizon];
            foreach (var r in s.Regions)
            {
                var vars = Spot[s.Index][r] = new Variable?[horizon];
                for (var m = 0; m < horizon; m++)
                {
                    if (cap <= 0 || inputs.Need(r, m) <= 0m) continue;
                    var v = vars[m] = Solver.MakeNumVar(0, cap, $"s_{s.Index}_{r}_{m}");
                    Cost(v, (double)(s.CostPerGpuMonth(m) * inputs.Discount[m]) * GpuUnit / UsdUnit);
                    if (shared)
                    {
                        liquidity[m] ??= Solver.MakeConstraint(double.NegativeInfinity, cap, $"liq_{s.Index}_{m}");
                        liquidity[m]!.SetCoefficient(v, 1);
                    }
                }
            }
            SpotRows.Add(liquidity);
        }

        Shortfall = new Variable?[inputs.RegionCount][];
        DemandRows = new Constraint?[inputs.RegionCount][];
        for (var r = 0; r < inputs.RegionCount; r++)
        {
            Shortfall[r] = new Variable?[horizon];
            DemandRows[r] = new Constraint?[horizon];
            for (var m = 0; m < horizon; m++)
            {
                var need = inputs.Need(r, m);
                if (need <= 0m) continue;
                var row = DemandRows[r][m] = Solver.MakeConstraint((double)need / GpuUnit, double.PositiveInfinity, $"d_{r}_{m}");
                foreach (var b in inputs.Builds)
                {
                    if (b.Region == r && Online[b.Index]![m] is { } on) row.SetCoefficient(on, (double)b.BlockGpus / GpuUnit);
                }
                for (var o = 0; o < inputs.Offers.Count; o++)
                {
                    var offer = inputs.Offers[o];
                    if (offer.Region == r && Offers[o] is { } y && offer.Gpus[m] > 0m) row.SetCoefficient(y, (double)offer.Gpus[m] / GpuUnit);
                }
                foreach (var s in inputs.Spot)
                {
                    if (Spot[s.Index][r]?[m] is { } v) row.SetCoefficient(v, (double)s.Factor);
                }
                if (kind == ModelKind.Shortfall || !inputs.Scenario.MeetAllDemand)
                {
                    var v = Shortfall[r][m] = Solver.MakeNumVar(0, double.PositiveInfinity, $"u_{r}_{m}");
                    row.SetCoefficient(v, 1);
                    // Finding where demand cannot be met: every unmet GPU-month counts, earlier ones a little more.
                    var cost = kind == ModelKind.Shortfall ? 1.0 + (horizon - m) / (double)horizon : (double)(inputs.Penalty * inputs.Discount[m]) * GpuUnit / UsdUnit;
                    objective.SetCoefficient(v, cost);
                }
            }
        }
    }

    public ModelKind Kind { get; }

    public Solver Solver { get; }

    /// <summary>[option][decision month] blocks decided.</summary>
    public Variable[][] Blocks { get; }

    /// <summary>[option][month] blocks online (null before the lead time).</summary>
    public Variable?[][] Online { get; }

    /// <summary>[offer] fraction signed (null when the offer delivers nothing inside the horizon).</summary>
    public Variable?[] Offers { get; }

    /// <summary>[market][region][month] thousands of spot GPUs.</summary>
    public Variable?[]?[][] Spot { get; }

    /// <summary>[market][month] the liquidity row of a market shared by several regions.</summary>
    public List<Constraint?[]> SpotRows { get; } = [];

    /// <summary>[region][month] thousands of reference GPUs unmet.</summary>
    public Variable?[][] Shortfall { get; }

    /// <summary>[region][month] the demand row (null where the fleet covers demand).</summary>
    public Constraint?[][] DemandRows { get; }

    /// <summary>(option, calendar year) → the row capping blocks online that year.</summary>
    public Dictionary<(int Option, int Year), Constraint> CapRows { get; }

    /// <summary>Solves with a relative gap and time limit; a hint (values of every variable, in order) seeds the search.</summary>
    public ModelOutcome Solve(double relativeGap, TimeSpan timeLimit, double[]? hint = null, bool log = false)
    {
        Solver.SetTimeLimit((long)Math.Max(1, timeLimit.TotalMilliseconds));
        if (log) Solver.EnableOutput();
        // Measured on the benchmark: SCIP's root cut loop gains little after a few rounds, while its RENS heuristic
        // (which finds the good plans here) waits for it; five rounds halve the time to a 1% gap.
        if (Kind == ModelKind.Mip && _engine == "SCIP") Solver.SetSolverSpecificParametersAsString("separating/maxroundsroot = 5\n");
        if (hint is not null) Solver.SetHint(Solver.variables().ToArray(), hint);
        using var parameters = new MPSolverParameters();
        if (Kind == ModelKind.Mip) parameters.SetDoubleParam(MPSolverParameters.DoubleParam.RELATIVE_MIP_GAP, relativeGap);
        var clock = Stopwatch.StartNew();
        var status = Solver.Solve(parameters);
        var seconds = clock.Elapsed.TotalSeconds;
        var hasSolution = status is Solver.ResultStatus.OPTIMAL or Solver.ResultStatus.FEASIBLE;
        var value = hasSolution ? Solver.Objective().Value() : double.NaN;
        var bound = hasSolution ? (Kind == ModelKind.Mip ? Solver.Objective().BestBound() : value) : double.NaN;
        var gap = hasSolution ? Math.Max(0, value - bound) / Math.Max(Math.Abs(value), 1e-9) : double.NaN;
        return new ModelOutcome(status, value * UsdUnit, bound * UsdUnit, gap, seconds);
    }

    /// <summary>The values of every variable after a solve, in model order (a hint for the next solve).</summary>
    public double[] Values() => Solver.variables().Select(v => v.SolutionValue()).ToArray();

    /// <summary>The decisions of the solved model, rounded where they are whole.</summary>
    public PlanFixing Decisions()
    {
        var blocks = Blocks.Select(row => row.Select(v => v is null ? 0 : (int)Math.Round(v.SolutionValue())).ToArray()).ToArray();
        var offers = new double[Offers.Length];
        for (var o = 0; o < Offers.Length; o++)
        {
            if (Offers[o] is not { } y) continue;
            var value = Math.Clamp(y.SolutionValue(), 0, 1);
            offers[o] = _inputs.Offers[o].Offer.Divisible ? Math.Round(value, 6) : Math.Round(value);
        }
        var spot = new decimal[_inputs.Spot.Count][][];
        foreach (var s in _inputs.Spot)
        {
            spot[s.Index] = new decimal[_inputs.RegionCount][];
            for (var r = 0; r < _inputs.RegionCount; r++)
            {
                spot[s.Index][r] = new decimal[_inputs.Horizon];
                if (Spot[s.Index][r] is not { } vars) continue;
                for (var m = 0; m < _inputs.Horizon; m++)
                {
                    if (vars[m] is { } v) spot[s.Index][r][m] = Math.Max(0m, decimal.Round((decimal)(v.SolutionValue() * GpuUnit), 3));
                }
            }
        }
        return new PlanFixing(blocks, offers, spot);
    }

    public void Dispose() => Solver.Dispose();
}

/// <summary>How a model solve ended; objective and bound in USD (present value).</summary>
internal sealed record ModelOutcome(Solver.ResultStatus Status, double ObjectiveUsd, double BoundUsd, double Gap, double Seconds)
{
    public bool HasSolution => Status is Solver.ResultStatus.OPTIMAL or Solver.ResultStatus.FEASIBLE;
}

/// <summary>A plan's decisions: [option][decision month] blocks, [offer] fraction signed, [market][region][month] spot GPUs.</summary>
internal sealed record PlanFixing(int[][] Blocks, double[] Offers, decimal[][][] Spot);
