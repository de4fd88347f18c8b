using Neocloud.Planning.Scenarios;
using Neocloud.Planning.Solving;
using static Neocloud.Planning.Tests.TestScenarios;

namespace Neocloud.Planning.Tests;

/// <summary>Scenarios whose demand must be met in full and cannot be: the result names the month and the region.</summary>
public class InfeasibleTests
{
    [Fact]
    public void A_region_month_beyond_everything_available_is_named()
    {
        // us-tx is covered throughout; eu-no has 300 GPUs of spot and an offer of 200 from month 2, so 600 in month 3 cannot be met.
        var scenario = Scenario(6,
            [
                Region("us-tx", [100, 100, 100, 100, 100, 100], fleet: [new FleetEntry("GB300", 100, 0, null)]),
                Region("eu-no", [100, 200, 300, 600, 300, 300]),
            ],
            [Offer("a", "eu-no", 200, 2, 4, 3.00m)],
            [Spot(4.00m, 300, "eu-no")],
            penalty: null);

        var result = CapacityPlanner.Solve(scenario);

        Assert.Equal(PlanStatus.Infeasible, result.Status);
        Assert.False(result.HasPlan);
        Assert.Equal(new Infeasibility("eu-no", 3, "2026-04", 600m, 500m), result.Infeasibility);
        Assert.Equal("demand cannot be met in 2026-04 (month 3) in region eu-no: 600 reference GPUs needed, at most 500 available", result.Message);
    }

    [Fact]
    public void Builds_count_only_once_online_and_within_the_yearly_cap()
    {
        // One 1 MW block (400 GPUs) a year with a lead time of 2: nothing before month 2, so month 1's 300 cannot be met.
        var scenario = Scenario(4, [Region("us-tx", [0, 300, 300, 300], [Build("tx-build", lead: 2, maxMwPerYear: 1)])], penalty: null);

        var result = CapacityPlanner.Solve(scenario);

        Assert.Equal(PlanStatus.Infeasible, result.Status);
        Assert.Equal(("us-tx", 1, "2026-02"), (result.Infeasibility!.Region, result.Infeasibility.Month, result.Infeasibility.Label));
        Assert.Contains("2026-02", result.Message, StringComparison.Ordinal);
        Assert.Contains("us-tx", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Regions_competing_for_one_spot_market_are_diagnosed_by_month_and_region()
    {
        // Each region alone fits under the shared market's 500 GPUs; together, in month 2, they need 700.
        var scenario = Scenario(4,
            [Region("us-tx", [100, 200, 400, 100]), Region("us-va", [100, 200, 300, 100])],
            spot: [Spot(4.00m, 500)],
            penalty: null);

        Assert.Null(CapacityPlanner.FirstUnmetMonth(scenario));
        var result = CapacityPlanner.Solve(scenario);

        Assert.Equal(PlanStatus.Infeasible, result.Status);
        Assert.True(result.Infeasibility!.Month == 2, result.Message);
        Assert.Contains("2026-03", result.Message, StringComparison.Ordinal);
        Assert.Contains(result.Infeasibility.Region, new[] { "us-tx", "us-va" });
        Assert.Contains("region " + result.Infeasibility.Region, result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_shortfall_with_a_penalty_is_a_plan_that_reports_it()
    {
        var scenario = Scenario(4, [Region("us-tx", [0, 300, 300, 300], [Build("tx-build", lead: 2, maxMwPerYear: 1)])], penalty: 50_000m);

        var result = CapacityPlanner.Solve(scenario);

        Assert.True(result.HasPlan, result.Message);
        var month1 = result.Months.Single(m => m.Month == 1);
        Assert.Equal(300m, month1.ShortfallGpus);
        Assert.Contains(result.Binding.TightMonths, t => t.Region == "us-tx" && t.Month == 1 && t.Reason.Contains("shortfall", StringComparison.Ordinal));
    }
}
