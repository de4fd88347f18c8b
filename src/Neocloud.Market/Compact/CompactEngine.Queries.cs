using Neocloud.Domain.Orders;
using Neocloud.Market.Engine;

namespace Neocloud.Market.Compact;

/// <summary>What the book, a pool and an order look like, for readers.</summary>
public sealed partial class CompactEngine
{
    public bool IsOpen(string orderId) => _orderIds.Find(orderId) is var id and >= 0 && _restingAs[id] != NotResting;

    public PoolInfo? Pool(string poolId) => _poolIds.Find(poolId) is var handle and >= 0 ? new PoolInfo(_pools[handle].Id, _pools[handle].Provider, _pools[handle].Region, _pools[handle].Sku) : null;

    public IReadOnlyList<BookLevel> Asks(string sku, string? region)
    {
        if (BookOf(sku) is not { } book) return [];
        var orders = new List<(long Price, long GpuHours, int Max, int Start, int End)>();
        foreach (var ask in RestingAsks(book))
        {
            ref readonly var body = ref _asks[ask];
            if (region is not null && _pools[body.Pool].Region != region) continue;
            var steps = StepsOf(ask);
            orders.Add((body.PriceTicks, Steps.Area(steps), Steps.Max(steps, body.Start, body.End), body.Start, body.End));
        }
        return Levels(orders, descending: false);
    }

    public IReadOnlyList<BookLevel> Bids(string sku, string? region)
    {
        if (BookOf(sku) is not { } book) return [];
        var orders = new List<(long Price, long GpuHours, int Max, int Start, int End)>();
        foreach (var (bid, limit) in RestingBids(book))
        {
            ref readonly var body = ref _bids[bid];
            if (region is not null && body.Region >= 0 && _names[body.Region] != region) continue;
            orders.Add((limit, (long)body.Gpus * (body.End - body.Start), body.Gpus, body.Start, body.End));
        }
        return Levels(orders, descending: true);
    }

    public IReadOnlyList<RestingOrder> Resting(string sku)
    {
        if (BookOf(sku) is not { } book) return [];
        var orders = new List<RestingOrder>();
        foreach (var ask in RestingAsks(book))
        {
            ref readonly var body = ref _asks[ask];
            orders.Add(new RestingOrder(OrderSide.Ask, body.Start, body.End, Steps.Max(StepsOf(ask), body.Start, body.End), body.PriceTicks));
        }
        foreach (var (bid, limit) in RestingBids(book))
        {
            ref readonly var body = ref _bids[bid];
            orders.Add(new RestingOrder(OrderSide.Bid, body.Start, body.End, body.Gpus, limit));
        }
        return RestingOrder.Sorted(orders);
    }

    public long? Quote(string sku, string? region, int gpus, int start, int end, string buyer)
    {
        var regionId = region is null ? -1 : _names.Find(region) is var known and >= 0 ? known : -2;
        var ask = BestAsk(_skus.Find(sku), regionId, gpus, start, end, long.MaxValue, _names.Find(buyer), remember: false, pool: -1);
        return ask < 0 ? null : _asks[ask].PriceTicks;
    }

    public IReadOnlyList<AskCandidate> Candidates(string sku, string? region, int gpus, int start, int end, long? maxPriceTicks, string buyer)
    {
        // As for a bid: every ask that could fill the window covers its first hour, so it is filed under that hour's bucket,
        // and the bucket's levels already run cheapest first, each in time order.
        if (gpus < 1 || end <= start || BookOf(sku) is not { } book || !book.AsksByBucket.TryGetValue(start / BucketHours, out var bucket)) return [];
        var regionId = region is null ? -1 : _names.Find(region) is var known and >= 0 ? known : -2;
        var buyerId = _names.Find(buyer);
        var limit = maxPriceTicks ?? long.MaxValue;
        var found = new List<AskCandidate>();
        foreach (ref readonly var level in bucket.Levels)
        {
            if (level.Rank > limit) break;
            foreach (ref readonly var entry in bucket.Items(level))
            {
                if (entry.Start > start || end > entry.End || (regionId != -1 && entry.Region != regionId) || _askSteps[entry.Ask].Account == buyerId) continue;
                var free = Steps.Min(StepsOf(entry.Ask), start, end);
                ref readonly var body = ref _asks[entry.Ask];
                if (free >= gpus) found.Add(new AskCandidate(_pools[body.Pool].Id, body.PriceTicks, body.Sequence, free));
            }
        }
        return found;
    }

    public IReadOnlyList<UsageStep> Usage(string poolId, int start, int end)
    {
        var handle = _poolIds.Find(poolId);
        if (handle < 0 || end <= start) return [];
        var pool = _pools[handle];
        var steps = new List<UsageStep>();
        for (var hour = start; hour < end;)
        {
            var next = Math.Min(Math.Min(pool.Capacity.NextBreak(hour, end), pool.Free.NextBreak(hour, end)), pool.Sold.NextBreak(hour, end));
            var (capacity, sold) = (pool.Capacity.At(hour), pool.Sold.At(hour));
            var step = new UsageStep(hour, next, capacity, sold, capacity - pool.Free.At(hour) - sold);
            if (steps.Count > 0 && steps[^1] is var last && (last.Capacity, last.Sold, last.Offered) == (step.Capacity, step.Sold, step.Offered))
                steps[^1] = last with { End = next };
            else
                steps.Add(step);
            hour = next;
        }
        return steps;
    }

    /// <summary>Every resting ask of a book once: each is read from the bucket of its first hour.</summary>
    private List<int> RestingAsks(SkuBook book)
    {
        var asks = new List<int>();
        foreach (var (key, bucket) in book.AsksByBucket)
        {
            foreach (ref readonly var level in bucket.Levels)
            {
                foreach (ref readonly var entry in bucket.Items(level))
                {
                    if (!entry.Removed && entry.Start / BucketHours == key) asks.Add(entry.Ask);
                }
            }
        }
        return asks;
    }

    /// <summary>Every resting bid of a book (each is filed under one bucket) with its limit for the book's SKU.</summary>
    private static List<(int Bid, long Limit)> RestingBids(SkuBook book)
    {
        var bids = new List<(int, long)>();
        foreach (var bucket in book.BidsByStartBucket.Values)
        {
            foreach (ref readonly var level in bucket.Levels)
            {
                foreach (ref readonly var entry in bucket.Items(level))
                {
                    if (!entry.Removed) bids.Add((entry.Bid, -level.Rank));
                }
            }
        }
        return bids;
    }

    private static List<BookLevel> Levels(List<(long Price, long GpuHours, int Max, int Start, int End)> orders, bool descending)
    {
        var levels = orders.GroupBy(o => o.Price)
            .Select(g => new BookLevel(g.Key, g.Count(), g.Sum(o => o.GpuHours), g.Max(o => o.Max), g.Min(o => o.Start), g.Max(o => o.End)));
        return (descending ? levels.OrderByDescending(l => l.PriceTicks) : levels.OrderBy(l => l.PriceTicks)).ToList();
    }
}
