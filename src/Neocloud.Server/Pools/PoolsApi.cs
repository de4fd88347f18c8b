using System.Security.Claims;
using Neocloud.Domain.Input;
using Neocloud.Domain.Catalog;
using Neocloud.Domain.Paging;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Pools;
using Neocloud.Exchange.Orders;
using Neocloud.Exchange.Outcomes;
using Neocloud.Market.Commands;
using Neocloud.Server.Auth;
using Neocloud.Server.Http;

namespace Neocloud.Server.Pools;

/// <summary><c>/api/v1/pools</c>: GPU pools with capacity timelines; providers create pools and add capacity.</summary>
public static class PoolsApi
{
    /// <summary>The most capacity steps one pool command may carry.</summary>
    public const int MaxSteps = 1000;

    /// <summary>The body of POST /pools.</summary>
    public sealed record CreatePoolBody(string Id, string? Site, string Sku, string Region, IReadOnlyList<StepBody> Capacity);

    /// <summary>A capacity step in a request.</summary>
    public sealed record StepBody(Hour Start, Hour End, long Gpus);

    public static RouteGroupBuilder MapPoolsApi(this RouteGroupBuilder api)
    {
        var pools = api.MapGroup("/pools").WithTags("Pools");
        pools.MapGet("", ListPoolsAsync).Produces<Page<PoolView>>().RequireAuthorization(Permissions.Read.Name).WithSummary("List pools with their capacity steps");
        pools.MapGet("/{id}", GetPoolAsync).Produces<PoolDetailView>().RequireAuthorization(Permissions.Read.Name).WithSummary("Get a pool: capacity, sold, offered and free GPUs over time");
        pools.MapPost("", CreatePoolAsync).Produces<PoolView>(StatusCodes.Status201Created).RequireAuthorization(Permissions.Fleet.Name).Accepts<CreatePoolBody>("application/json").WithSummary("Create a pool of your own");
        pools.MapPost("/{id}/capacity", AddCapacityAsync).Produces<StepView>(StatusCodes.Status201Created).RequireAuthorization(Permissions.Fleet.Name).Accepts<StepBody>("application/json")
            .WithSummary("Add capacity to your pool for hours it does not cover yet");
        return api;
    }

    private static async Task<IResult> ListPoolsAsync(HttpContext context, PoolDesk pools, string? sku, string? provider, string? after, WholeQuery? limit,
        CancellationToken ct)
    {
        if (Paging.Limit(limit, out var problem) is not { } take) return problem!.ToResult();
        return ETags.Respond(context, ApiResponse.Of(200, await pools.PoolsAsync(sku, provider, after, take, ct)));
    }

    private static async Task<IResult> GetPoolAsync(string id, PoolDesk pools, HourQuery? from, HourQuery? to, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var first = from?.Read("from", errors);
        var last = to?.Read("to", errors);
        if (!errors.IsEmpty) return Answers.Result(Failure.Invalid(errors));
        return Answers.Result(await pools.PoolAsync(id, first?.Value, last?.Value, ct));
    }

    private static async Task<IResult> CreatePoolAsync(PostBody body, ClaimsPrincipal user, PoolDesk pools)
    {
        var caller = user.OrganizationId();
        var fields = body.Fields;
        var id = fields.Id("id");
        var site = fields.Id("site", required: false);
        var sku = fields.String("sku", maxLength: 32);
        var region = fields.Id("region");
        var steps = fields.Array("capacity", Step, MaxSteps);
        fields.RejectUnknown();
        if (sku is not null && ReferenceCatalog.Embedded.FindSku(sku) is null) fields.Error("sku", $"unknown SKU '{sku}'");
        if (!fields.IsValid || steps!.Any(s => s is null)) return Answers.Result(Failure.Invalid(fields.Errors));

        var pool = new PoolCommand(id!, caller, region!, ReferenceCatalog.Embedded.FindSku(sku!)!.Id, steps!.Select(s => s!.Value).ToList());
        return Answers.Result(await pools.CreateAsync(caller, pool, site, body.Key<PoolView>(StatusCodes.Status201Created)), StatusCodes.Status201Created);
    }

    private static async Task<IResult> AddCapacityAsync(string id, PostBody body, ClaimsPrincipal user, PoolDesk pools, CancellationToken ct)
    {
        var fields = body.Fields;
        var step = Step(fields);
        fields.RejectUnknown();
        if (step is not { } segment || !fields.IsValid) return Answers.Result(Failure.Invalid(fields.Errors));
        return Answers.Result(await pools.AddCapacityAsync(user.OrganizationId(), id, segment, body.Key<StepView>(StatusCodes.Status201Created), ct),
            StatusCodes.Status201Created);
    }

    private static Segment? Step(JsonFields fields)
    {
        var window = fields.Window();
        var gpus = fields.Integer("gpus", 0, OrderIds.MaxGpus);
        return window is { } w && gpus is { } g ? new Segment(w.Start.Value, w.End.Value, (int)g) : null;
    }
}
