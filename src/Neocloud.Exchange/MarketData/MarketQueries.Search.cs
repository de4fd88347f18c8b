using Neocloud.Domain.Paging;
using Neocloud.Storage;

namespace Neocloud.Exchange.MarketData;

/// <summary>Capacity search: the resting asks a would-be bid could take now.</summary>
public sealed partial class MarketQueries
{
    /// <summary>
    /// The resting asks a bid like <paramref name="search"/> from <paramref name="buyer"/> could take now — exactly those
    /// the matching rule finds eligible, so never the buyer's own — cheapest first, then earliest placed, on the pools of
    /// the search's provider and site when it names them; a page of at most <paramref name="limit"/> after
    /// <paramref name="after"/>.
    /// </summary>
    public async Task<Page<SpotOfferView>> OffersAsync(OfferSearch search, string buyer, OfferCursor? after, int limit, CancellationToken ct = default)
    {
        var candidates = await shard.CandidatesAsync(search.Sku, search.Region, search.Gpus, search.Window.Start.Value, search.Window.End.Value,
            search.MaxPrice?.Ticks, buyer);
        // Pools are read once each: a search's asks lie on a few pools of one SKU.
        var pools = new Dictionary<string, PoolRecord?>(StringComparer.Ordinal);
        var offers = new List<SpotOfferView>();
        OfferCursor? last = null;
        foreach (var candidate in candidates)
        {
            if (after is { } cursor && !cursor.Precedes(candidate)) continue;
            if (!pools.TryGetValue(candidate.PoolId, out var pool)) pools[candidate.PoolId] = pool = await store.GetPoolAsync(candidate.PoolId, ct);
            if (pool is null || (search.Provider is { } provider && pool.ProviderId != provider) || (search.Site is { } site && pool.SiteId != site))
                continue;
            if (offers.Count == limit) return new Page<SpotOfferView>(offers, last?.ToString());
            offers.Add(SpotOfferView.Of(candidate, pool));
            last = OfferCursor.After(candidate);
        }
        return new Page<SpotOfferView>(offers, null);
    }
}
