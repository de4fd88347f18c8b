using Neocloud.Planning.Scenarios;
using Neocloud.Planning.Solving;
using Neocloud.Server.Auth;
using Neocloud.Server.Http;
using Neocloud.Storage;

namespace Neocloud.Server.Planning;

/// <summary><c>/api/v1/plans</c>: a buyer's least-cost sourcing plan (build, offtake, spot) for a scenario body.</summary>
public static class PlanningApi
{
    /// <summary>The longest a request may let the solver run.</summary>
    public const int MaxTimeLimitSeconds = 120;

    public static RouteGroupBuilder MapPlanningApi(this RouteGroupBuilder api)
    {
        var plans = api.MapGroup("/plans").RequireAuthorization(Scopes.MarketRead).WithTags("Planning");

        plans.MapPost("/solve", async (HttpContext context, ExchangeStore store, TimeProvider clock, double? gap, int? timeLimit, string? rfq) =>
        {
            using var request = await PostRequest.ReadAsync(context, store, clock);
            var (scenario, options, early) = await ScenarioAsync(request, context, store, clock, gap, timeLimit, rfq);
            if (early is not null) return early;
            var result = await Task.Run(() => CapacityPlanner.Solve(scenario!, options), context.RequestAborted);
            return Answer(result).ToResult();
        }).Accepts<object>("application/json")
          .WithSummary("Solve a scenario (with ?rfq= the offers on your closed RFQ join it): builds, signed offers, spot and shortfall by month, the cost split and the binding constraints");

        plans.MapPost("/compare", async (HttpContext context, ExchangeStore store, TimeProvider clock, string? without, double? gap, int? timeLimit, string? rfq) =>
        {
            using var request = await PostRequest.ReadAsync(context, store, clock);
            var (scenario, options, early) = await ScenarioAsync(request, context, store, clock, gap, timeLimit, rfq);
            if (early is not null) return early;
            if (without is null || scenario!.FindOffer(without) is null)
                return ApiResponse.Invalid("without", $"must name one of the scenario's offers ({string.Join(", ", scenario?.Offers.Select(o => o.Id) ?? [])})").ToResult();
            var comparison = await Task.Run(() => CapacityPlanner.Compare(scenario, without, options), context.RequestAborted);
            return ApiResponse.Of(200, comparison.Summary()).ToResult();
        }).Accepts<object>("application/json").WithSummary("What an offer is worth to the buyer: cost without it minus cost with it");

        plans.MapGet("/presets", () => ApiResponse.Of(200, PlanPresets.Ids.Select(id =>
        {
            var preset = PlanPresets.Load(id);
            return new { id, name = preset.Name, startMonth = preset.MonthLabel(0), preset.HorizonMonths, regions = preset.Regions.Count, offers = preset.Offers.Count };
        }).ToList()).ToResult()).WithSummary("The preset scenarios shipped with the product");

        plans.MapGet("/presets/{id}", (string id) => PlanPresets.Exists(id)
            ? Results.Text(PlanPresets.Json(id), "application/json")
            : ApiResponse.Problem(404, "Unknown preset", $"no preset scenario '{id}' (presets: {string.Join(", ", PlanPresets.Ids)})").ToResult())
          .WithSummary("A preset scenario's JSON, with every figure's source: post it to /plans/solve as it is or edited");

        return api;
    }

    /// <summary>A plan, or a 422 naming the month and region that cannot be met (or why no plan was found).</summary>
    public static ApiResponse Answer(PlanResult result)
    {
        if (result.Infeasibility is { } at)
            return ApiResponse.Problem(422, "Demand cannot be met", result.Message,
                new Dictionary<string, string[]> { [$"regions[{at.Region}].demand"] = [$"{at.Label}: {at.DemandGpus:N0} reference GPUs needed, at most {at.MaxAvailableGpus:N0} available"] });
        if (!result.HasPlan || !double.IsFinite(result.Gap)) return ApiResponse.Problem(422, "No plan found", result.Message);
        return ApiResponse.Of(200, result);
    }

    /// <summary>The posted scenario and solver options, with the RFQ's offers added when asked; or the response that ends the request.</summary>
    private static async Task<(PlanScenario? Scenario, PlanOptions Options, IResult? Early)> ScenarioAsync(
        PostRequest request, HttpContext context, ExchangeStore store, TimeProvider clock, double? gap, int? timeLimit, string? rfq)
    {
        if (request.Answer is { } answer) return (null, PlanOptions.Default, answer.ToResult(request.Replayed));
        if (Options(gap, timeLimit, out var options) is { } bad) return (null, options, bad.ToResult());
        if (Scenario(request.Body!.RootElement.GetRawText(), out var scenario) is { } invalid) return (null, options, invalid.ToResult());
        if (rfq is null) return (scenario, options, null);
        var (withOffers, problem) = await RfqPlanOffers.AddAsync(scenario!, rfq, context.User.OrganizationId(), store, clock.GetUtcNow(), context.RequestAborted);
        return (withOffers, options, problem?.ToResult());
    }

    private static ApiResponse? Scenario(string json, out PlanScenario? scenario)
    {
        var parsed = ScenarioJson.Parse(json);
        scenario = parsed.Value;
        return parsed.Success ? null : ApiResponse.Invalid(parsed.Errors!);
    }

    private static ApiResponse? Options(double? gap, int? timeLimit, out PlanOptions options)
    {
        options = PlanOptions.Default with { RelativeGap = gap ?? 0.01, TimeLimit = TimeSpan.FromSeconds(timeLimit ?? 30) };
        if (gap is < 0 or > 1) return ApiResponse.Invalid("gap", $"must be between 0 and 1, got {gap}");
        if (timeLimit is < 1 or > MaxTimeLimitSeconds) return ApiResponse.Invalid("timeLimit", $"must be 1 to {MaxTimeLimitSeconds} seconds, got {timeLimit}");
        return null;
    }

}
