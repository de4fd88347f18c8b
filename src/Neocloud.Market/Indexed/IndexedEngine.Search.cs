using Neocloud.Market.Engine;

namespace Neocloud.Market.Indexed;

/// <summary>Capacity search: every resting ask a would-be bid could take now, not only the one it would take.</summary>
public sealed partial class IndexedEngine
{
    public IReadOnlyList<AskCandidate> Candidates(string sku, string? region, int gpus, int start, int end, long? maxPriceTicks, string buyer)
    {
        // As for a bid: every ask that could fill the window covers its first hour, so it is filed under that hour's bucket,
        // and the bucket's levels already run cheapest first, each in time order.
        if (gpus < 1 || end <= start || !_books.TryGetValue(sku, out var book) || !book.AsksByBucket.TryGetValue(start / BucketHours, out var bucket))
            return [];
        // Names never interned cannot be any ask's region or account: -2 matches nothing, -1 is any region.
        var regionId = region is null ? -1 : _names.GetValueOrDefault(region, -2);
        var buyerId = _names.GetValueOrDefault(buyer, -2);
        var limit = maxPriceTicks ?? long.MaxValue;
        var found = new List<AskCandidate>();
        foreach (var level in bucket.Levels)
        {
            if (level.Rank > limit) break;
            foreach (ref readonly var entry in level.Items)
            {
                // A removed entry's start is int.MaxValue, so the window test skips it too.
                if (entry.Start > start || end > entry.End || (regionId != -1 && entry.Region != regionId) || entry.Account == buyerId) continue;
                var free = entry.Remaining.Min(start, end);
                if (free >= gpus) found.Add(new AskCandidate(entry.Ask.Pool.Id, entry.Ask.PriceTicks, entry.Ask.Sequence, free));
            }
        }
        return found;
    }
}
