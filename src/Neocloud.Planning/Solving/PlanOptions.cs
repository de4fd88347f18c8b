namespace Neocloud.Planning.Solving;

/// <summary>The MIP engine behind OR-Tools' linear solver wrapper.</summary>
public enum PlanEngine
{
    /// <summary>SCIP (default).</summary>
    Scip,

    /// <summary>HiGHS.</summary>
    Highs,

    /// <summary>COIN-OR CBC.</summary>
    Cbc,
}

/// <summary>How hard to solve and how much to explain.</summary>
public sealed record PlanOptions
{
    /// <summary>Defaults: 1% relative gap, 60 s, SCIP, explain the binding constraints with up to 3 re-solves.</summary>
    public static PlanOptions Default { get; } = new();

    /// <summary>Stop once the plan is proven within this fraction of the optimum (0.01 = 1%).</summary>
    public double RelativeGap { get; init; } = 0.01;

    /// <summary>Stop after this long with the best plan found so far.</summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The MIP engine.</summary>
    public PlanEngine Engine { get; init; } = PlanEngine.Scip;

    /// <summary>Start the MIP from the LP relaxation rounded to whole blocks and signed offers.</summary>
    public bool WarmStart { get; init; } = true;

    /// <summary>Compute marginal values (an LP with the integer decisions fixed) and value build caps by re-solving.</summary>
    public bool ExplainBinding { get; init; } = true;

    /// <summary>At most this many binding (option, year) build caps are valued by a re-solve with one more block.</summary>
    public int MaxCapResolves { get; init; } = 3;

    /// <summary>Let the MIP solver write its progress log to standard output.</summary>
    public bool SolverLog { get; init; }

    /// <summary>At most this many tight region-months are listed.</summary>
    public int MaxTightMonths { get; init; } = 24;
}
