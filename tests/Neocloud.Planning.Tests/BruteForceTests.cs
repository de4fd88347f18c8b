using Neocloud.Planning.Scenarios;
using Neocloud.Planning.Solving;
using static Neocloud.Planning.Tests.TestScenarios;

namespace Neocloud.Planning.Tests;

/// <summary>
/// Small instances whose optimum is found by enumerating every whole-block build schedule and every set of signed
/// offers, pricing each with <see cref="ReferenceCost"/> (written here, apart from the planner), spot and shortfall
/// filled greedily per region-month. The solver must match the best within its gap and never beat it.
/// </summary>
public class BruteForceTests
{
    private static readonly PlanOptions s_tight = new() { RelativeGap = 1e-6, ExplainBinding = false };

    public static TheoryData<string> Cases => new() { "one-region", "two-regions", "expensive-spot", "prepayment", "short-life", "hard" };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Solver_finds_the_enumerated_optimum(string name)
    {
        var scenario = Case(name);

        var plan = CapacityPlanner.Solve(scenario, s_tight);
        var best = ReferenceCost.BruteForce(scenario);

        Assert.True(plan.HasPlan, plan.Message);
        Assert.NotNull(best);
        Assert.InRange((double)plan.NpvCostUsd, best.Value * (1 - 1e-6) - 1, best.Value * (1 + 1e-5) + 1);
        // The plan's own cost, recomputed by the reference from its decisions, is the cost it reports.
        Assert.Equal(ReferenceCost.Of(scenario, plan), (double)plan.NpvCostUsd, 0);
    }

    internal static PlanScenario Case(string name) => name switch
    {
        "one-region" => Scenario(5,
            [Region("us-tx", [300, 500, 900, 1200, 1200], [Build("tx-build", lead: 1, maxMwPerYear: 2)])],
            [Offer("a", "us-tx", 400, 1, 4, 3.10m), Offer("b", "us-tx", 800, 2, 3, 2.60m), Offer("c", "us-tx", 300, 0, 5, 3.60m)],
            [Spot(4.50m, 500, "us-tx")]),
        "two-regions" => Scenario(4,
            [
                Region("us-tx", [200, 600, 800, 800], [Build("tx-build", lead: 1, maxMwPerYear: 2)], [new FleetEntry("H100", 200, 0, 3)]),
                Region("eu-no", [100, 300, 300, 700], [Build("no-build", lead: 2, maxMwPerYear: 1, facilityPerMw: 8_000_000m)]),
            ],
            [Offer("a", "us-tx", 500, 1, 3, 2.90m), Offer("b", "eu-no", 300, 1, 3, 3.20m, divisible: false)],
            [Spot(4.00m, 300, "us-tx"), Spot(4.80m, 200, "eu-no")]),
        "expensive-spot" => Scenario(4,
            [Region("us-tx", [500, 500, 500, 500], [Build("tx-build", lead: 0, maxMwPerYear: 1)])],
            [Offer("a", "us-tx", 200, 0, 4, 3.00m)],
            [Spot(40m, 100, "us-tx")], penalty: 15_000m),
        "prepayment" => Scenario(6,
            [Region("us-tx", [0, 400, 400, 800, 800, 800], [Build("tx-build", lead: 2, maxMwPerYear: 1, equipmentPerGpu: 70_000m)])],
            [Offer("a", "us-tx", 400, 1, 5, 2.80m, prepayment: 0.2m), Offer("b", "us-tx", 400, 0, 4, 2.70m, prepayment: 0.5m, earliestStart: 2)],
            [Spot(5.00m, 1000, "us-tx")], rate: 0.25m),
        "short-life" => Scenario(5,
            [Region("us-tx", [400, 400, 400, 400, 400], [Build("tx-build", lead: 0, maxMwPerYear: 3, life: 2, equipmentPerGpu: 5_000m, facilityPerMw: 1_000_000m)])],
            [], [Spot(3.00m, 200, "us-tx")]),
        "hard" => Scenario(4,
            [Region("us-tx", [400, 800, 800, 800], [Build("tx-build", lead: 1, maxMwPerYear: 1)])],
            [Offer("a", "us-tx", 400, 0, 4, 3.50m), Offer("b", "us-tx", 400, 1, 3, 3.00m)],
            [Spot(6.00m, 100, "us-tx")], penalty: null),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
