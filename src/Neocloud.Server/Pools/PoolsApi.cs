using System.Security.Claims;
using Neocloud.Domain.Input;
using Neocloud.Domain.Catalog;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.MarketData;
using Neocloud.Exchange.Orders;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Market.Commands;
using Neocloud.Server.Auth;
using Neocloud.Server.Http;
using Neocloud.Storage;

namespace Neocloud.Server.Pools;

/// <summary><c>/api/v1/pools</c>: GPU pools with capacity timelines; providers create pools and add capacity.</summary>
public static class PoolsApi
{
    /// <summary>The most capacity steps one pool command may carry.</summary>
    public const int MaxSteps = 1000;

    /// <summary>A pool and its capacity steps.</summary>
    public sealed record PoolView(string Id, string Provider, string? Site, string Sku, string Region, IReadOnlyList<StepView> Capacity);

    /// <summary>A pool with its capacity, sold and offered GPUs over a window.</summary>
    public sealed record PoolDetailView(string Id, string Provider, string? Site, string Sku, string Region, IReadOnlyList<StepView> Capacity,
        long From, long To, IReadOnlyList<UsageView> Usage);

    /// <summary><c>gpus</c> in every hour of <c>[start, end)</c>.</summary>
    public sealed record StepView(long Start, long End, long Gpus);

    /// <summary>The body of POST /pools.</summary>
    public sealed record CreatePoolBody(string Id, string? Site, string Sku, string Region, IReadOnlyList<StepBody> Capacity);

    /// <summary>A capacity step in a request.</summary>
    public sealed record StepBody(long Start, long End, long Gpus);

    public static RouteGroupBuilder MapPoolsApi(this RouteGroupBuilder api)
    {
        var pools = api.MapGroup("/pools").WithTags("Pools");
        pools.MapGet("", ListPoolsAsync).RequireAuthorization(Scopes.MarketRead).WithSummary("List pools with their capacity steps");
        pools.MapGet("/{id}", GetPoolAsync).RequireAuthorization(Scopes.MarketRead).WithSummary("Get a pool: capacity, sold, offered and free GPUs over time");
        pools.MapPost("", CreatePoolAsync).RequireAuthorization(Scopes.PoolsWrite).Accepts<CreatePoolBody>("application/json").WithSummary("Create a pool of your own");
        pools.MapPost("/{id}/capacity", AddCapacityAsync).RequireAuthorization(Scopes.PoolsWrite).Accepts<StepBody>("application/json")
            .WithSummary("Add capacity to your pool for hours it does not cover yet");
        return api;
    }

    private static async Task<IResult> ListPoolsAsync(HttpContext context, ExchangeStore store, string? sku, string? provider, string? after, int? limit, CancellationToken ct)
    {
        if (Paging.Limit(limit, out var problem) is not { } take) return problem!.ToResult();
        var page = await store.ListPoolsAsync(sku, provider, after, take, ct);
        var views = new List<PoolView>(page.Items.Count);
        foreach (var pool in page.Items) views.Add(View(pool, await store.CapacityAsync(pool.Id, ct)));
        return ETags.Respond(context, ApiResponse.Of(200, new Page<PoolView>(views, page.Next)));
    }

    private static async Task<IResult> GetPoolAsync(string id, ExchangeStore store, MarketQueries market, long? from, long? to, CancellationToken ct)
    {
        if (await store.GetPoolAsync(id, ct) is not { } pool) return Answers.Result(NoPool(id));
        var capacity = await store.CapacityAsync(id, ct);
        var start = from ?? (capacity.Count > 0 ? capacity.Min(c => c.StartHour) : 0);
        var end = to ?? (capacity.Count > 0 ? capacity.Max(c => c.EndHour) : start + 1);
        if (!HourWindow.TryCreate(start, end, out var window, out var error) || window.Length > Hour.MaxWindowHours)
            return ApiResponse.Invalid("to", error ?? $"the window may span at most {Hour.MaxWindowHours} hours").ToResult();
        var detail = new PoolDetailView(pool.Id, pool.ProviderId, pool.SiteId, pool.Sku, pool.Region, Steps(capacity), start, end,
            await market.UsageAsync(id, window));
        return ApiResponse.Of(200, detail).ToResult();
    }

    private static async Task<IResult> CreatePoolAsync(PostBody body, ClaimsPrincipal user, MarketShard shard)
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
        if (site is not null && ReferenceCatalog.Embedded.FindSite(site) is { } known && known.Provider != caller)
            fields.Error("site", $"site '{site}' belongs to {known.Provider}, not {caller}");
        if (!fields.IsValid || steps!.Any(s => s is null)) return Answers.Result(Failure.Invalid(fields.Errors));

        var command = new PoolCommand(id!, caller, region!, ReferenceCatalog.Embedded.FindSku(sku!)!.Id, steps!.Select(s => s!.Value).ToList());
        PoolView Created(Committed committed) => View(committed.Pool!, command.Capacity.Select(c => new CapacitySegmentRecord(id!, c.Start, c.End, c.Gpus)).ToList());
        var outcome = await shard.SubmitAsync(new MarketRequest(caller, command, site), body.Key<Committed>(StatusCodes.Status201Created, Created));
        return Answers.Result(outcome, StatusCodes.Status201Created, Created);
    }

    private static async Task<IResult> AddCapacityAsync(string id, PostBody body, ClaimsPrincipal user, ExchangeStore store, MarketShard shard, CancellationToken ct)
    {
        var caller = user.OrganizationId();
        if (await store.GetPoolAsync(id, ct) is not { } pool || pool.ProviderId != caller) return Answers.Result(NoPool(id));
        var fields = body.Fields;
        var step = Step(fields);
        fields.RejectUnknown();
        if (step is not { } segment || !fields.IsValid) return Answers.Result(Failure.Invalid(fields.Errors));

        StepView Added(Committed _) => new(segment.Start, segment.End, segment.Gpus);
        var outcome = await shard.SubmitAsync(new MarketRequest(caller, new CapacityCommand(id, segment)), body.Key<Committed>(StatusCodes.Status201Created, Added));
        return Answers.Result(outcome, StatusCodes.Status201Created, Added);
    }

    private static Segment? Step(JsonFields fields)
    {
        var window = fields.Window();
        var gpus = fields.Integer("gpus", 0, OrderIds.MaxGpus);
        return window is { } w && gpus is { } g ? new Segment(w.Start.Value, w.End.Value, (int)g) : null;
    }

    private static PoolView View(PoolRecord pool, IReadOnlyList<CapacitySegmentRecord> capacity) =>
        new(pool.Id, pool.ProviderId, pool.SiteId, pool.Sku, pool.Region, Steps(capacity));

    private static List<StepView> Steps(IReadOnlyList<CapacitySegmentRecord> capacity) =>
        capacity.OrderBy(c => c.StartHour).Select(c => new StepView(c.StartHour, c.EndHour, c.Gpus)).ToList();

    private static Failure NoPool(string id) => Failure.NotFound($"no pool '{id}'");
}
