using Neocloud.Domain.Orders;
using Neocloud.Market.Engine;

namespace Neocloud.Market.Indexed;

/// <summary>What the book, a pool and an order look like, for readers.</summary>
public sealed partial class IndexedEngine
{
    public bool IsOpen(string orderId) => _orders.GetValueOrDefault(orderId) is not null;

    public PoolInfo? Pool(string poolId) => _pools.TryGetValue(poolId, out var p) ? new PoolInfo(p.Id, p.Provider, p.Region, p.Sku) : null;

    public IReadOnlyList<BookLevel> Asks(string sku, string? region) =>
        !_books.TryGetValue(sku, out var book) ? [] : Levels(book.RestingAsks().Where(a => region is null || a.Pool.Region == region)
            .Select(a => (a.PriceTicks, GpuHours: GpuHours(a.Remaining), Max: a.Remaining.Max(a.Start, a.End), a.Start, a.End)), descending: false);

    public IReadOnlyList<BookLevel> Bids(string sku, string? region) =>
        !_books.TryGetValue(sku, out var book) ? [] : Levels(book.RestingBids().Where(r => region is null || r.Bid.Region is null || r.Bid.Region == region)
            .Select(r => (r.Limit, GpuHours: (long)r.Bid.Gpus * (r.Bid.End - r.Bid.Start), Max: r.Bid.Gpus, r.Bid.Start, r.Bid.End)), descending: true);

    /// <summary>
    /// The best price of a side without listing it: each bucket's levels are sorted and a level holds a live order (a
    /// level is compacted before half of it is removed), so the best is the least first level over the buckets, or with a
    /// region the first level holding a live order there; a bucket's walk stops at the best found so far.
    /// </summary>
    public long? BestPrice(OrderSide side, string sku, string? region)
    {
        if (!_books.TryGetValue(sku, out var book)) return null;
        var regionId = -1;
        if (side == OrderSide.Ask && region is not null && !_names.TryGetValue(region, out regionId)) return null;
        long? best = null;
        if (side == OrderSide.Ask)
        {
            foreach (var levels in book.AsksByBucket.Values)
            {
                foreach (var level in levels.Levels)
                {
                    if (best is { } found && level.Rank >= found) break;
                    if (region is null || HasAskIn(level.Items, regionId))
                    {
                        best = level.Rank;
                        break;
                    }
                }
            }
            return best;
        }
        foreach (var levels in book.BidsByStartBucket.Values)
        {
            foreach (var level in levels.Levels)
            {
                if (best is { } found && level.Rank >= found) break;
                if (region is null || HasBidFor(level.Items, region))
                {
                    best = level.Rank;
                    break;
                }
            }
        }
        // A bid's rank is minus its limit.
        return -best;
    }

    private static bool HasAskIn(Span<AskEntry> entries, int regionId)
    {
        foreach (ref readonly var entry in entries)
        {
            if (!entry.Removed && entry.Region == regionId) return true;
        }
        return false;
    }

    private static bool HasBidFor(Span<BidEntry> entries, string region)
    {
        foreach (ref readonly var entry in entries)
        {
            if (!entry.Removed && (entry.Bid.Region is null || entry.Bid.Region == region)) return true;
        }
        return false;
    }

    public IReadOnlyList<RestingOrder> Resting(string sku) =>
        !_books.TryGetValue(sku, out var book) ? [] : RestingOrder.Sorted(
            book.RestingAsks().Select(a => new RestingOrder(OrderSide.Ask, a.Start, a.End, a.Remaining.Max(a.Start, a.End), a.PriceTicks))
                .Concat(book.RestingBids().Select(r => new RestingOrder(OrderSide.Bid, r.Bid.Start, r.Bid.End, r.Bid.Gpus, r.Limit))));

    public long? Quote(string sku, string? region, int gpus, int start, int end, string buyer) =>
        BestAsk(sku, region, gpus, start, end, long.MaxValue, buyer, remember: false)?.PriceTicks;

    public IReadOnlyList<UsageStep> Usage(string poolId, int start, int end)
    {
        if (!_pools.TryGetValue(poolId, out var pool) || end <= start) return [];
        var steps = new List<UsageStep>();
        for (var hour = start; hour < end;)
        {
            var next = Math.Min(Math.Min(pool.Capacity.NextBreak(hour, end), pool.Used.NextBreak(hour, end)), pool.Sold.NextBreak(hour, end));
            var sold = pool.Sold.At(hour);
            var step = new UsageStep(hour, next, pool.Capacity.At(hour), sold, pool.Used.At(hour) - sold);
            if (steps.Count > 0 && steps[^1] is var last && (last.Capacity, last.Sold, last.Offered) == (step.Capacity, step.Sold, step.Offered))
                steps[^1] = last with { End = next };
            else
                steps.Add(step);
            hour = next;
        }
        return steps;
    }

    private static long GpuHours(StepFunction remaining)
    {
        var total = 0L;
        foreach (var s in remaining.Segments()) total += (long)s.Gpus * (s.End - s.Start);
        return total;
    }

    private static List<BookLevel> Levels(IEnumerable<(long Price, long GpuHours, int Max, int Start, int End)> orders, bool descending)
    {
        var levels = orders.GroupBy(o => o.Price)
            .Select(g => new BookLevel(g.Key, g.Count(), g.Sum(o => o.GpuHours), g.Max(o => o.Max), g.Min(o => o.Start), g.Max(o => o.End)));
        return (descending ? levels.OrderByDescending(l => l.PriceTicks) : levels.OrderBy(l => l.PriceTicks)).ToList();
    }
}
