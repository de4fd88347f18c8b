using Neocloud.Domain.Catalog;
using Neocloud.Domain.Paging;
using Neocloud.Domain.Time;
using Neocloud.Exchange.MarketData;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Market.Commands;
using Neocloud.Storage;

namespace Neocloud.Exchange.Pools;

/// <summary>
/// GPU pools: a provider registers pools of its own (at its own sites) and adds capacity to them; everyone reads the
/// pools, their capacity steps, and their capacity, sold, offered and free GPUs over time.
/// </summary>
public sealed class PoolDesk(IMarket shard, ExchangeStore store, MarketQueries market)
{
    /// <summary>Registers a pool of the caller's, standing at <paramref name="site"/> if given (one of the caller's sites).</summary>
    public async Task<Outcome<PoolView>> CreateAsync(string caller, PoolCommand pool, string? site, Idempotency<PoolView>? key = null)
    {
        if (pool.Provider != caller) return Failure.Forbidden($"a pool of {caller}'s must name {caller} as its provider");
        if (site is not null && ReferenceCatalog.Embedded.FindSite(site) is { } known && known.Provider != caller)
            return Failure.Invalid("site", $"site '{site}' belongs to {known.Provider}, not {caller}");
        PoolView Created(Committed committed) =>
            PoolView.Of(committed.Pool!, pool.Capacity.Select(c => new CapacitySegmentRecord(pool.PoolId, c.Start, c.End, c.Gpus)).ToList());
        return (await shard.SubmitAsync(new MarketRequest(caller, pool, site), key?.Before<Committed>(c => c.Map(Created)))).Map(Created);
    }

    /// <summary>Adds a capacity step to one of the caller's pools, for hours it does not cover yet.</summary>
    public async Task<Outcome<StepView>> AddCapacityAsync(string caller, string poolId, Segment step, Idempotency<StepView>? key = null,
        CancellationToken ct = default)
    {
        if (await store.GetPoolAsync(poolId, ct) is not { } pool || pool.ProviderId != caller) return NoPool(poolId);
        StepView Added(Committed _) => new(step.Start, step.End, step.Gpus);
        return (await shard.SubmitAsync(new MarketRequest(caller, new CapacityCommand(poolId, step)), key?.Before<Committed>(c => c.Map(Added)))).Map(Added);
    }

    /// <summary>The SKU a pool holds, or null when there is no such pool.</summary>
    public async Task<string?> SkuOfAsync(string poolId, CancellationToken ct = default) => (await store.GetPoolAsync(poolId, ct))?.Sku;

    /// <summary>Pools (of a SKU, of a provider, or all) with their capacity steps, ordered by id.</summary>
    public async Task<Page<PoolView>> PoolsAsync(string? sku, string? provider, string? after, int limit, CancellationToken ct = default)
    {
        var page = await store.ListPoolsAsync(sku, provider, after, limit, ct);
        var views = new List<PoolView>(page.Items.Count);
        foreach (var pool in page.Items) views.Add(PoolView.Of(pool, await store.CapacityAsync(pool.Id, ct)));
        return new Page<PoolView>(views, page.Next);
    }

    /// <summary>
    /// A pool with its capacity, sold, offered and free GPUs over <c>[from, to)</c> (by default the hours its capacity
    /// covers), a window of at most <see cref="Hour.MaxWindowHours"/> hours.
    /// </summary>
    public async Task<Outcome<PoolDetailView>> PoolAsync(string poolId, long? from = null, long? to = null, CancellationToken ct = default)
    {
        if (await store.GetPoolAsync(poolId, ct) is not { } pool) return NoPool(poolId);
        var capacity = await store.CapacityAsync(poolId, ct);
        var start = from ?? (capacity.Count > 0 ? capacity.Min(c => c.StartHour) : 0);
        var end = to ?? (capacity.Count > 0 ? capacity.Max(c => c.EndHour) : start + 1);
        if (!HourWindow.TryCreate(start, end, out var window, out var error) || window.Length > Hour.MaxWindowHours)
            return Failure.Invalid("to", error ?? $"the window may span at most {Hour.MaxWindowHours} hours");
        return new PoolDetailView(pool.Id, pool.ProviderId, pool.SiteId, pool.Sku, pool.Region, StepView.Of(capacity), start, end,
            await market.UsageAsync(poolId, window));
    }

    private static Failure NoPool(string id) => Failure.NotFound($"no pool '{id}'");
}
