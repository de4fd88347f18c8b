using Neocloud.Domain.Input;
using Neocloud.Domain.Catalog;
using Neocloud.Domain.Time;
using Neocloud.Server.Auth;
using Neocloud.Server.Exchange;
using Neocloud.Server.Http;
using Neocloud.Server.Orders;
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

    /// <summary>Capacity, sold, offered and free GPUs, constant over <c>[start, end)</c>.</summary>
    public sealed record UsageView(long Start, long End, int Capacity, int Sold, int Offered, int Free);

    /// <summary>The body of POST /pools.</summary>
    public sealed record CreatePoolBody(string Id, string? Site, string Sku, string Region, IReadOnlyList<StepBody> Capacity);

    /// <summary>A capacity step in a request.</summary>
    public sealed record StepBody(long Start, long End, long Gpus);

    public static RouteGroupBuilder MapPoolsApi(this RouteGroupBuilder api)
    {
        var pools = api.MapGroup("/pools").WithTags("Pools");

        pools.MapGet("", async (HttpContext context, ExchangeStore store, string? sku, string? provider, string? after, int? limit, CancellationToken ct) =>
        {
            if (Paging.Limit(limit, out var problem) is not { } take) return problem!.ToResult();
            var page = await store.ListPoolsAsync(sku, provider, after, take, ct);
            var views = new List<PoolView>(page.Items.Count);
            foreach (var pool in page.Items) views.Add(View(pool, await store.CapacityAsync(pool.Id, ct)));
            return ETags.Respond(context, ApiResponse.Of(200, new Page<PoolView>(views, page.Next)));
        }).RequireAuthorization(Scopes.MarketRead).WithSummary("List pools with their capacity steps");

        pools.MapGet("/{id}", async (string id, HttpContext context, ExchangeStore store, ExchangeService exchange, long? from, long? to, CancellationToken ct) =>
        {
            if (await store.GetPoolAsync(id, ct) is not { } pool) return NoPool(id).ToResult();
            var capacity = await store.CapacityAsync(id, ct);
            var start = from ?? (capacity.Count > 0 ? capacity.Min(c => c.StartHour) : 0);
            var end = to ?? (capacity.Count > 0 ? capacity.Max(c => c.EndHour) : start + 1);
            if (!HourWindow.TryCreate(start, end, out var window, out var error) || window.Length > Hour.MaxWindowHours)
                return ApiResponse.Invalid("to", error ?? $"the window may span at most {Hour.MaxWindowHours} hours").ToResult();
            var usage = await exchange.QueryAsync(engine => engine.Usage(id, window));
            var detail = new PoolDetailView(pool.Id, pool.ProviderId, pool.SiteId, pool.Sku, pool.Region, Steps(capacity), start, end,
                usage.Select(u => new UsageView(u.Start.Value, u.End.Value, u.Capacity, u.Sold, u.Offered, Math.Max(0, u.Capacity - u.Sold - u.Offered))).ToList());
            return ApiResponse.Of(200, detail).ToResult();
        }).RequireAuthorization(Scopes.MarketRead).WithSummary("Get a pool: capacity, sold, offered and free GPUs over time");

        pools.MapPost("", async (HttpContext context, ExchangeStore store, ExchangeService exchange, TimeProvider clock) =>
        {
            using var request = await PostRequest.ReadAsync(context, store, clock);
            if (request.Answer is { } answer) return answer.ToResult(request.Replayed);
            var caller = context.User.OrganizationId();
            var fields = JsonFields.Of(request.Body!.RootElement);
            var id = fields.Id("id");
            var site = fields.Id("site", required: false);
            var sku = fields.String("sku", maxLength: 32);
            var region = fields.Id("region");
            var steps = fields.Array("capacity", Step, MaxSteps);
            fields.RejectUnknown();
            if (sku is not null && ReferenceCatalog.Embedded.FindSku(sku) is null) fields.Error("sku", $"unknown SKU '{sku}'");
            if (site is not null && ReferenceCatalog.Embedded.FindSite(site) is { } known && known.Provider != caller)
                fields.Error("site", $"site '{site}' belongs to {known.Provider}, not {caller}");
            if (!fields.IsValid || steps!.Any(s => s is null)) return ApiResponse.Invalid(fields.Errors).ToResult();

            var command = new CreatePool(caller, id!, site, ReferenceCatalog.Embedded.FindSku(sku!)!.Id, region!, steps!.Select(s => s!).ToList());
            var response = await exchange.SubmitAsync(command, request.Idempotency, result => result.IsRejected
                ? OrdersApi.Rejected(result.RejectedReason!)
                : ApiResponse.Of(201, View(result.Pool!, command.Capacity.Select(c => new CapacitySegmentRecord(id!, c.Window.Start.Value, c.Window.End.Value, c.Gpus)).ToList())));
            return response.ToResult();
        }).RequireAuthorization(Scopes.PoolsWrite).Accepts<CreatePoolBody>("application/json").WithSummary("Create a pool of your own");

        pools.MapPost("/{id}/capacity", async (string id, HttpContext context, ExchangeStore store, ExchangeService exchange, TimeProvider clock) =>
        {
            using var request = await PostRequest.ReadAsync(context, store, clock);
            if (request.Answer is { } answer) return answer.ToResult(request.Replayed);
            var caller = context.User.OrganizationId();
            if (await store.GetPoolAsync(id, context.RequestAborted) is not { } pool || pool.ProviderId != caller) return NoPool(id).ToResult();
            var fields = JsonFields.Of(request.Body!.RootElement);
            var step = Step(fields);
            fields.RejectUnknown();
            if (step is null || !fields.IsValid) return ApiResponse.Invalid(fields.Errors).ToResult();

            var response = await exchange.SubmitAsync(new AddCapacity(caller, id, step), request.Idempotency, result => result.IsRejected
                ? OrdersApi.Rejected(result.RejectedReason!)
                : ApiResponse.Of(201, new StepView(step.Window.Start.Value, step.Window.End.Value, step.Gpus)));
            return response.ToResult();
        }).RequireAuthorization(Scopes.PoolsWrite).Accepts<StepBody>("application/json").WithSummary("Add capacity to your pool for hours it does not cover yet");

        return api;
    }

    private static CapacityStep? Step(JsonFields fields)
    {
        var window = fields.Window();
        var gpus = fields.Integer("gpus", 0, OrderRequests.MaxGpus);
        return window is null || gpus is null ? null : new CapacityStep(window.Value, (int)gpus.Value);
    }

    private static PoolView View(PoolRecord pool, IReadOnlyList<CapacitySegmentRecord> capacity) =>
        new(pool.Id, pool.ProviderId, pool.SiteId, pool.Sku, pool.Region, Steps(capacity));

    private static List<StepView> Steps(IReadOnlyList<CapacitySegmentRecord> capacity) =>
        capacity.OrderBy(c => c.StartHour).Select(c => new StepView(c.StartHour, c.EndHour, c.Gpus)).ToList();

    private static ApiResponse NoPool(string id) => ApiResponse.Problem(404, "Not found", $"no pool '{id}'");
}
