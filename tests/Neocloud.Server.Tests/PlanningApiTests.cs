using System.Net;
using System.Text.Json.Nodes;
using Neocloud.Exchange.Access;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary><c>/api/v1/plans</c> over real HTTP with the example scenario of docs/examples.</summary>
public sealed class PlanningApiTests : IAsyncLifetime
{
    private static readonly string s_example = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "examples", "two-regions.json"));
    private TestServer _server = null!;
    private HttpClient _buyer = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _buyer = _server.Client(await _server.NewOrganizationAsync("microsoft", Scopes.MarketRead));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_scenario_is_solved_to_a_plan_with_its_cost_split()
    {
        var plan = await (await _buyer.PostJsonAsync("/api/v1/plans/solve?gap=0.01&timeLimit=30", s_example)).JsonAsync();
        Assert.Equal("optimal", plan.GetProperty("status").GetString());
        Assert.Equal(72, plan.GetProperty("months").GetArrayLength());
        Assert.True(plan.GetProperty("npvCostUsd").GetDecimal() > 0);
        Assert.Contains(plan.GetProperty("offers").EnumerateArray(), o => o.GetProperty("offerId").GetString() == "iren-tx");

        var compare = await (await _buyer.PostJsonAsync("/api/v1/plans/compare?without=iren-tx", s_example)).JsonAsync();
        Assert.Equal(compare.GetProperty("withoutCostUsd").GetDecimal() - compare.GetProperty("withCostUsd").GetDecimal(), compare.GetProperty("valueUsd").GetDecimal());
        Assert.True(compare.GetProperty("valueLowUsd").GetDecimal() <= compare.GetProperty("valueUsd").GetDecimal());
        Assert.True(compare.GetProperty("valueHighUsd").GetDecimal() >= compare.GetProperty("valueUsd").GetDecimal());
    }

    [Fact]
    public async Task Presets_are_listed_and_served_ready_to_solve()
    {
        var presets = await (await _buyer.GetAsync("/api/v1/plans/presets")).JsonAsync();
        var preset = Assert.Single(presets.EnumerateArray());
        Assert.Equal("hyperscaler-2026-2030", preset.GetProperty("id").GetString());
        Assert.Equal("2026-01", preset.GetProperty("startMonth").GetString());

        var response = await _buyer.GetAsync("/api/v1/plans/presets/hyperscaler-2026-2030");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var plan = await (await _buyer.PostJsonAsync("/api/v1/plans/solve", await response.Content.ReadAsStringAsync())).JsonAsync();
        Assert.Equal(180, plan.GetProperty("months").GetArrayLength());

        await (await _buyer.GetAsync("/api/v1/plans/presets/nope")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_bad_field_is_a_400_naming_it()
    {
        var broken = s_example.Replace("\"leadTimeMonths\": 18", "\"leadTimeMonths\": \"soon\"", StringComparison.Ordinal);
        var problem = await (await _buyer.PostJsonAsync("/api/v1/plans/solve", broken)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["regions[0].build[0].leadTimeMonths"], problem.ErrorFields());
        problem = await (await _buyer.PostJsonAsync("/api/v1/plans/compare?without=nope", s_example)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["without"], problem.ErrorFields());
        problem = await (await _buyer.PostJsonAsync("/api/v1/plans/solve?timeLimit=9999", s_example)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["timeLimit"], problem.ErrorFields());
    }

    [Fact]
    public async Task Demand_that_nothing_can_meet_is_a_422_naming_the_month_and_region()
    {
        var scenario = JsonNode.Parse(s_example)!.AsObject();
        scenario.Remove("unmetPenaltyUsdPerGpuMonth");
        scenario["regions"]![1]!["demand"] = JsonNode.Parse("""[{ "fromMonth": 0, "toMonth": 36, "amount": 1000000 }]""");
        var problem = await (await _buyer.PostJsonAsync("/api/v1/plans/solve", scenario.ToJsonString())).ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("us-nj", problem.GetProperty("detail").GetString());
        Assert.Contains("2027-01", problem.GetProperty("detail").GetString());
    }
}
