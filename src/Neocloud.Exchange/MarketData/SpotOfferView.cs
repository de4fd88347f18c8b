using Neocloud.Exchange.Orders;
using Neocloud.Market.Engine;
using Neocloud.Storage;

namespace Neocloud.Exchange.MarketData;

/// <summary>
/// A resting ask a search's bid could take now, as public market data shows it: where the GPUs are and who provides
/// them, the price (four decimals), and the fewest GPUs the ask has free in any hour of the searched window. No order
/// id and no account beyond the pool's provider.
/// </summary>
public sealed record SpotOfferView(string Pool, string? Site, string Region, string Provider, string Sku, string Price, int FreeGpus)
{
    public static SpotOfferView Of(AskCandidate candidate, PoolRecord pool) =>
        new(pool.Id, pool.SiteId, pool.Region, pool.ProviderId, pool.Sku, Prices.Format(candidate.PriceTicks), candidate.FreeGpus);
}
