using System.Text.Json;
using Neocloud.Testing;

namespace Neocloud.Cli.Tests.Planning;

/// <summary><c>neocloud plan solve|compare</c> on the example scenario in docs/examples.</summary>
public sealed class PlanCommandTests : IDisposable
{
    private static readonly string s_example = Path.Combine(RepositoryRoot.Path, "docs", "examples", "two-regions.json");
    private readonly TempDirectory _folder = new("neocloud-plan-");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Solve_prints_a_plan_whose_cost_split_adds_up_and_writes_the_chart()
    {
        var chart = _folder.File("plan.png");
        var run = CliRun.Of("plan", "solve", s_example, "--json", "--chart", chart);
        Assert.True(run.ExitCode == 0, run.Error);
        var plan = JsonDocument.Parse(run.Output).RootElement;
        Assert.Equal("optimal", plan.GetProperty("status").GetString());
        var costs = plan.GetProperty("costs");
        var parts = costs.GetProperty("buildCapexUsd").GetDecimal() - costs.GetProperty("buildResidualCreditUsd").GetDecimal()
            + costs.GetProperty("buildRunningUsd").GetDecimal() + costs.GetProperty("offtakeUsd").GetDecimal() + costs.GetProperty("spotUsd").GetDecimal()
            + costs.GetProperty("shortfallPenaltyUsd").GetDecimal();
        Assert.Equal(plan.GetProperty("npvCostUsd").GetDecimal(), parts);
        // 36 months × 2 regions, and in every one of them supply plus shortfall covers demand.
        var months = plan.GetProperty("months").EnumerateArray().ToList();
        Assert.Equal(72, months.Count);
        Assert.All(months, m => Assert.True(
            m.GetProperty("fleetGpus").GetDecimal() + m.GetProperty("buildGpus").GetDecimal() + m.GetProperty("offtakeGpus").GetDecimal()
            + m.GetProperty("spotGpus").GetDecimal() + m.GetProperty("shortfallGpus").GetDecimal() >= m.GetProperty("demandGpus").GetDecimal() - 0.01m));
        Assert.True(new FileInfo(chart).Length > 10_000);
    }

    [Fact]
    public void Solve_without_json_prints_the_report_with_a_yearly_table()
    {
        var run = CliRun.Of("plan", "solve", s_example);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("by year", run.Output);
        Assert.Contains("2029", run.Output);
        Assert.Contains("iren-tx", run.Output);
    }

    [Fact]
    public void Compare_says_what_an_offer_is_worth_to_the_buyer()
    {
        var run = CliRun.Of("plan", "compare", s_example, "--without", "iren-tx", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        var comparison = JsonDocument.Parse(run.Output).RootElement;
        var value = comparison.GetProperty("valueUsd").GetDecimal();
        Assert.Equal(comparison.GetProperty("withoutCostUsd").GetDecimal() - comparison.GetProperty("withCostUsd").GetDecimal(), value);
        Assert.True(value >= -0.01m * comparison.GetProperty("withCostUsd").GetDecimal(), "an optional offer cannot make the optimum much dearer");
    }

    [Fact]
    public void A_broken_scenario_is_one_line_naming_the_field_and_exit_2()
    {
        var broken = File.ReadAllText(s_example).Replace("\"leadTimeMonths\": 18", "\"leadTimeMonths\": -3", StringComparison.Ordinal);
        var path = _folder.File("broken.json");
        File.WriteAllText(path, broken);
        var run = CliRun.Of("plan", "solve", path);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: broken.json: regions[0].build[0].leadTimeMonths", run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));

        // Solving on the exchange (--rfq) checks the file first: the same line, and nothing is sent.
        var remote = CliRun.Of("plan", "solve", path, "--rfq", "rfq_x", "--url", "http://127.0.0.1:9", "--token", "t");
        Assert.Equal(2, remote.ExitCode);
        Assert.StartsWith("error: broken.json: regions[0].build[0].leadTimeMonths", remote.Error);
    }

    [Fact]
    public void An_unknown_offer_or_file_is_one_line_and_exit_2()
    {
        Assert.Equal(2, CliRun.Of("plan", "compare", s_example, "--without", "nope").ExitCode);
        var missing = CliRun.Of("plan", "solve", "nowhere.json");
        Assert.Equal(2, missing.ExitCode);
        Assert.Equal("error: no scenario file or preset 'nowhere.json' (presets: hyperscaler-2026-2030)", missing.Error.Trim());
    }

    [Fact]
    public void The_hyperscaler_preset_is_listed_solved_and_compared_by_id()
    {
        var presets = CliRun.Of("plan", "presets");
        Assert.True(presets.ExitCode == 0, presets.Error);
        Assert.StartsWith("hyperscaler-2026-2030  ", presets.Output);
        Assert.Contains("3 regions, 5 offers", presets.Output);

        var solved = CliRun.Of("plan", "solve", "hyperscaler-2026-2030", "--json");
        Assert.True(solved.ExitCode == 0, solved.Error);
        var plan = JsonDocument.Parse(solved.Output).RootElement;
        Assert.Equal(180, plan.GetProperty("months").GetArrayLength());
        Assert.StartsWith("Hyperscaler 2026–2030", plan.GetProperty("scenario").GetString());

        var compared = CliRun.Of("plan", "compare", "hyperscaler-2026-2030", "--without", "iren-microsoft-2025", "--json");
        Assert.True(compared.ExitCode == 0, compared.Error);
        var comparison = JsonDocument.Parse(compared.Output).RootElement;
        var (value, low, high) = (comparison.GetProperty("valueUsd").GetDecimal(), comparison.GetProperty("valueLowUsd").GetDecimal(), comparison.GetProperty("valueHighUsd").GetDecimal());
        Assert.True(low <= value && value <= high, $"{low} <= {value} <= {high}");
        Assert.Equal(comparison.GetProperty("withoutCostUsd").GetDecimal() - comparison.GetProperty("withCostUsd").GetDecimal(), value);
    }
}
