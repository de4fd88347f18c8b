using System.Security.Claims;
using System.Text.Json.Nodes;
using Neocloud.Domain.Input;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Planning;
using Neocloud.Planning.Scenarios;
using Neocloud.Planning.Solving;
using Neocloud.Server.Auth;
using Neocloud.Server.Http;

namespace Neocloud.Server.Planning;

/// <summary><c>/api/v1/plans</c>: a buyer's least-cost sourcing plan (build, offtake, spot) for a scenario body.</summary>
public static class PlanningApi
{
    /// <summary>The longest a request may let the solver run.</summary>
    public const int MaxTimeLimitSeconds = 120;

    /// <summary>A preset scenario in the list: its id, name, first month, horizon, and how many regions and offers it has.</summary>
    public sealed record PlanPresetView(string Id, string Name, string StartMonth, int HorizonMonths, int Regions, int Offers);

    public static RouteGroupBuilder MapPlanningApi(this RouteGroupBuilder api)
    {
        var plans = api.MapGroup("/plans").RequireAuthorization(Permissions.Read.Name).WithTags("Planning");
        plans.MapPost("/solve", SolvePlanAsync).Accepts<object>("application/json").Produces<PlanResult>()
            .WithSummary("Solve a scenario (with ?rfq= the offers on your closed RFQ join it): builds, signed offers, spot and shortfall by month, the cost split and the binding constraints");
        plans.MapPost("/compare", ComparePlansAsync).Accepts<object>("application/json").Produces<ComparisonSummary>()
            .WithSummary("What an offer is worth to the buyer: cost without it minus cost with it");
        plans.MapGet("/presets", ListPlanPresets).Produces<IReadOnlyList<PlanPresetView>>().WithSummary("The preset scenarios shipped with the product");
        plans.MapGet("/presets/{id}", GetPlanPreset).Produces<JsonObject>().WithSummary("A preset scenario's JSON, with every figure's source: post it to /plans/solve as it is or edited");
        return api;
    }

    private static async Task<IResult> SolvePlanAsync(PostBody body, ClaimsPrincipal user, RfqPlanOffers rfqOffers, NumberQuery? gap, WholeQuery? timeLimit, string? rfq,
        CancellationToken ct)
    {
        var (scenario, options) = await ScenarioAsync(body, user, rfqOffers, gap, timeLimit, rfq, ct);
        if (!scenario.IsAccepted) return Answers.Result(scenario);
        var result = await Task.Run(() => CapacityPlanner.Solve(scenario.Value!, options), ct);
        return Answer(result).ToResult();
    }

    private static async Task<IResult> ComparePlansAsync(PostBody body, ClaimsPrincipal user, RfqPlanOffers rfqOffers, string? without, NumberQuery? gap,
        WholeQuery? timeLimit, string? rfq, CancellationToken ct)
    {
        var (scenario, options) = await ScenarioAsync(body, user, rfqOffers, gap, timeLimit, rfq, ct);
        if (!scenario.IsAccepted) return Answers.Result(scenario);
        if (without is null || scenario.Value!.FindOffer(without) is null)
            return Answers.Result(Failure.Invalid("without", $"must name one of the scenario's offers ({string.Join(", ", scenario.Value?.Offers.Select(o => o.Id) ?? [])})"));
        var comparison = await Task.Run(() => CapacityPlanner.Compare(scenario.Value, without, options), ct);
        return ApiResponse.Of(200, comparison.Summary()).ToResult();
    }

    private static IResult ListPlanPresets() => ApiResponse.Of(200, PlanPresets.Ids.Select(id =>
    {
        var preset = PlanPresets.Load(id);
        return new PlanPresetView(id, preset.Name, preset.MonthLabel(0), preset.HorizonMonths, preset.Regions.Count, preset.Offers.Count);
    }).ToList()).ToResult();

    private static IResult GetPlanPreset(string id) => PlanPresets.Exists(id)
        ? Results.Text(PlanPresets.Json(id), "application/json")
        : ApiResponse.Problem(404, "Unknown preset", $"no preset scenario '{id}' (presets: {string.Join(", ", PlanPresets.Ids)})").ToResult();

    /// <summary>A plan, or a 422 naming the month and region that cannot be met (or why no plan was found).</summary>
    public static ApiResponse Answer(PlanResult result)
    {
        if (result.Infeasibility is { } at)
            return ApiResponse.Problem(422, "Demand cannot be met", result.Message,
                new Dictionary<string, string[]> { [$"regions[{at.Region}].demand"] = [$"{at.Label}: {at.DemandGpus:N0} reference GPUs needed, at most {at.MaxAvailableGpus:N0} available"] });
        if (!result.HasPlan || !double.IsFinite(result.Gap)) return ApiResponse.Problem(422, "No plan found", result.Message);
        return ApiResponse.Of(200, result);
    }

    /// <summary>The posted scenario and solver options, with the RFQ's offers added when asked; or why not.</summary>
    private static async Task<(Outcome<PlanScenario> Scenario, PlanOptions Options)> ScenarioAsync(
        PostBody body, ClaimsPrincipal user, RfqPlanOffers rfqOffers, NumberQuery? gap, WholeQuery? timeLimit, string? rfq, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var relativeGap = gap is { } givenGap ? givenGap.Read("gap", errors) : 0.01m;
        var seconds = WholeQuery.Read(timeLimit, "timeLimit", 30, errors);
        var options = PlanOptions.Default with { RelativeGap = (double)(relativeGap ?? 0.01m), TimeLimit = TimeSpan.FromSeconds(Math.Clamp(seconds, 1, MaxTimeLimitSeconds)) };
        if (!errors.IsEmpty) return (Failure.Invalid(errors), options);
        if (relativeGap is < 0 or > 1) return (Failure.Invalid("gap", $"must be between 0 and 1, got {relativeGap}"), options);
        if (seconds is < 1 or > MaxTimeLimitSeconds) return (Failure.Invalid("timeLimit", $"must be 1 to {MaxTimeLimitSeconds} seconds, got {seconds}"), options);
        var parsed = ScenarioJson.Parse(body.Text);
        if (!parsed.Success) return (Failure.Invalid(parsed.Errors!), options);
        if (rfq is null) return (parsed.Value!, options);
        return (await rfqOffers.AddAsync(parsed.Value!, rfq, user.OrganizationId(), ct), options);
    }
}
