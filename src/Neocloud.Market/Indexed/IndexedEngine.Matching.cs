using System.Runtime.InteropServices;
using Neocloud.Domain.Time;
using Neocloud.Market.Commands;
using Neocloud.Market.Engine;

namespace Neocloud.Market.Indexed;

/// <summary>Placing asks and bids, matching them, and filing what rests in the book.</summary>
public sealed partial class IndexedEngine
{
    private void PlaceAsk(AskCommand command, List<MarketEvent> events)
    {
        if (!Admissible("ask", command.OrderId, command.Gpus, command.Window, events)) return;
        if (Rules.OrderId("ask", command.OrderId) is { } badId)
        {
            events.Add(MarketEvent.Rejected(command.OrderId, badId));
            return;
        }
        if (!_pools.TryGetValue(command.PoolId, out var pool))
        {
            events.Add(MarketEvent.Rejected(command.OrderId, Rules.UnknownPool("ask", command.OrderId, command.PoolId)));
            return;
        }
        if (pool.Provider != command.Account)
        {
            events.Add(MarketEvent.Rejected(command.OrderId, Rules.NotProvider(command.OrderId, command.Account, pool.Id, pool.Provider)));
            return;
        }
        // The window's bounds and the price, read once: the checks and the walk below use them as plain numbers.
        var (start, end, priceTicks) = (command.Window.Start.Value, command.Window.End.Value, command.Price.Ticks);
        if (OverCapacity("ask", command.OrderId, pool, command.Gpus, start, end) is { } over)
        {
            events.Add(MarketEvent.Rejected(command.OrderId, over));
            return;
        }

        _orders[command.OrderId] = null;
        var ask = new Ask(command.OrderId, command.Account, pool, command.Gpus, start, end, priceTicks, ++_sequence);
        ask.Remaining.Add(start, end, command.Gpus);
        pool.Used.Add(start, end, command.Gpus);

        // Bids it could fill start inside its window: gather them from those buckets, then walk them in book order.
        _walk.Clear();
        for (var bucket = ask.Start / BucketHours; bucket <= (ask.End - 1) / BucketHours; bucket++)
        {
            if (!pool.Book.BidsByStartBucket.TryGetValue(bucket, out var bids)) continue;
            foreach (var level in bids.Levels)
            {
                // A bid with alternatives is filed in this SKU's book at its limit for this SKU: the level's rank.
                if (-level.Rank < ask.PriceTicks) break;
                foreach (ref readonly var entry in level.Items)
                {
                    if (!entry.Removed && ask.Start <= entry.Start && entry.End <= ask.End) _walk.Add((entry.Bid, -level.Rank));
                }
            }
        }
        if (_walk.Count > 1) _walk.Sort(Bid.ByLimitThenTime);
        foreach (var (bid, limit) in _walk)
        {
            // A pool-targeted bid is seen only by asks on its pool (tested here, where the bid is read anyway, not in the gathering).
            if ((bid.Pool is not null && bid.Pool != pool) || !Eligible(ask, bid.Region, bid.Gpus, bid.Start, bid.End, limit, bid.Account)) continue;
            Fill(ask, bid.Id, bid.Account, bid.Gpus, bid.Start, bid.End, limit, events);
            RemoveBid(bid);
        }
        if (ask.Remaining.Max(ask.Start, ask.End) > 0)
        {
            AddAsk(ask);
            events.Add(MarketEvent.Rested(ask.Id));
        }
    }

    private void PlaceBid(BidCommand command, List<MarketEvent> events)
    {
        if (!Admissible("bid", command.OrderId, command.Gpus, command.Window, events)) return;
        // A plain bid only needs its id checked; alternatives and pools have the rest of market v2's rules.
        var reason = command.Alternatives is null && command.PoolId is null ? Rules.OrderId("bid", command.OrderId) : Rules.Bid(command, PoolSku);
        if (reason is not null)
        {
            events.Add(MarketEvent.Rejected(command.OrderId, reason));
            return;
        }
        _orders[command.OrderId] = null;
        var sequence = ++_sequence;
        var (start, end, limitTicks) = (command.Window.Start.Value, command.Window.End.Value, command.Limit.Ticks);
        if (BestFor(command, command.Account, remember: true) is { } ask)
        {
            Fill(ask, command.OrderId, command.Account, command.Gpus, start, end, ask.PriceTicks, events);
            if (ask.Remaining.Max(ask.Start, ask.End) == 0) RemoveAsk(ask);
            else Refresh(ask, start, end);
            return;
        }
        if (command.ImmediateOrCancel)
        {
            events.Add(MarketEvent.Cancelled(command.OrderId));
            return;
        }
        var pool = command.PoolId is null ? null : _pools[command.PoolId];
        var bid = new Bid(command.OrderId, command.Account, command.Sku, pool?.Region ?? command.Region, command.Gpus, start, end, limitTicks, sequence)
        {
            Alternatives = command.Alternatives is { } alternatives ? [.. alternatives] : null,
            Pool = pool,
        };
        AddBid(bid);
        events.Add(MarketEvent.Rested(bid.Id));
    }

    /// <summary>
    /// Legs in order, each taking the ask the incoming-bid rule picks against the book as the earlier legs left it
    /// (fills are applied as they are found, without the short-step memory, since they may be taken back); when a leg
    /// finds none, the earlier fills are taken back and only the cancellation is emitted.
    /// </summary>
    private void PlacePortfolio(PortfolioCommand command, List<MarketEvent> events)
    {
        var id = command.OrderId;
        if ((_orders.ContainsKey(id) ? Rules.DuplicateOrder(id) : Rules.Portfolio(command, PoolSku)) is { } reason)
        {
            events.Add(MarketEvent.Rejected(id, reason));
            return;
        }
        _orders[id] = null;
        ++_sequence;
        _fills.Clear();
        var firstTrade = events.Count;
        for (var i = 0; i < command.Legs.Count; i++)
        {
            var leg = command.Legs[i];
            var (start, end) = (leg.Window.Start.Value, leg.Window.End.Value);
            if (BestFor(leg, command.Account, remember: false) is not { } ask)
            {
                foreach (var (taken, gpus, from, to) in _fills)
                {
                    taken.Remaining.Add(from, to, gpus);
                    taken.Pool.Sold.Add(from, to, -gpus);
                }
                events.RemoveRange(firstTrade, events.Count - firstTrade);
                events.Add(MarketEvent.Cancelled(id, i));
                return;
            }
            Fill(ask, PortfolioCommand.LegId(id, i), command.Account, leg.Gpus, start, end, ask.PriceTicks, events);
            _fills.Add((ask, leg.Gpus, start, end));
        }
        foreach (var (ask, _, _, _) in _fills)
        {
            if (ask.Remaining.Max(ask.Start, ask.End) == 0 && _orders[ask.Id] is not null) RemoveAsk(ask);
        }
        foreach (var (ask, _, start, end) in _fills)
        {
            if (_orders[ask.Id] is not null) Refresh(ask, start, end);
        }
        events.Add(MarketEvent.Filled(id));
    }

    private string? PoolSku(string poolId) => _pools.TryGetValue(poolId, out var pool) ? pool.Sku : null;

    /// <summary>
    /// The ask an incoming bid takes: for a plain bid the cheapest, then earliest, eligible ask; with alternatives,
    /// among every eligible (alternative, ask) pair the largest surplus <c>limit − price</c>, then the lower price, then
    /// the alternative listed first (each alternative's own best pair is its cheapest, earliest ask). A pool-targeted
    /// bid sees only its pool's asks, whatever its region.
    /// </summary>
    private Ask? BestFor(BidCommand bid, string buyer, bool remember)
    {
        var (start, end) = (bid.Window.Start.Value, bid.Window.End.Value);
        var pool = bid.PoolId is null ? null : _pools[bid.PoolId];
        var region = pool is null ? bid.Region : null;
        if (bid.Alternatives is not { } alternatives) return BestAsk(bid.Sku, region, bid.Gpus, start, end, bid.Limit.Ticks, buyer, remember, pool);
        Ask? best = null;
        var bestSurplus = 0L;
        foreach (var alternative in alternatives)
        {
            if (BestAsk(alternative.Sku, region, bid.Gpus, start, end, alternative.Limit.Ticks, buyer, remember, pool) is not { } ask) continue;
            var surplus = alternative.Limit.Ticks - ask.PriceTicks;
            if (best is null || surplus > bestSurplus || (surplus == bestSurplus && ask.PriceTicks < best.PriceTicks)) (best, bestSurplus) = (ask, surplus);
        }
        return best;
    }

    /// <summary>An order's id is new and its own fields keep the rules; otherwise it is rejected and false.</summary>
    private bool Admissible(string kind, string id, int gpus, HourWindow window, List<MarketEvent> events)
    {
        var reason = _orders.ContainsKey(id) ? Rules.DuplicateOrder(id) : Rules.OrderFields(kind, id, gpus, window);
        if (reason is null) return true;
        events.Add(MarketEvent.Rejected(id, reason));
        return false;
    }

    /// <summary>
    /// The ask an incoming bid takes, or null. With <paramref name="remember"/>, an ask found short of GPUs keeps the
    /// step that was short in its entry, so later bids needing more than that step has left over any of its hours pass
    /// it by without reading its steps (what an ask has left only falls while it rests, so the memory stays true).
    /// </summary>
    private Ask? BestAsk(string sku, string? region, int gpus, int start, int end, long limitTicks, string buyer, bool remember, PoolState? pool = null)
    {
        // Every ask that could fill this bid covers its first hour, so it is filed under that hour's bucket.
        if (!_books.TryGetValue(sku, out var book) || !book.AsksByBucket.TryGetValue(start / BucketHours, out var bucket)) return null;
        // Names never interned cannot be any ask's region or account: -2 matches nothing, -1 is any region.
        var regionId = region is null ? -1 : _names.GetValueOrDefault(region, -2);
        var buyerId = _names.GetValueOrDefault(buyer, -2);
        // The slots of this bucket the bid's window meets; every other slot's byte is set to 0xFF so it never rejects.
        var origin = start / BucketHours * BucketHours;
        var first = (start - origin) / SlotHours;
        var last = Math.Min(7, (end - 1 - origin) / SlotHours);
        var outside = ~((ulong.MaxValue >> (8 * (7 - last))) & (ulong.MaxValue << (8 * first)));
        // A byte below n = min(gpus, 128) shows as a set high bit of (x - n·0x01…01) & ~x (valid for n ≤ 128); larger
        // bids are only screened for 128, and the exact test decides the rest.
        var needed = 0x0101010101010101UL * (ulong)Math.Min(gpus, 128);
        foreach (var level in bucket.Levels)
        {
            if (level.Rank > limitTicks) return null;
            foreach (ref var entry in level.Items)
            {
                // A removed entry's start is int.MaxValue, so the window test skips it too.
                if (entry.Start <= start && end <= entry.End && (regionId == -1 || entry.Region == regionId) && entry.Account != buyerId
                    && (pool is null || entry.Ask.Pool == pool)
                    && (((entry.SlotMaxima | outside) - needed) & ~(entry.SlotMaxima | outside) & 0x8080808080808080UL) == 0
                    && !(entry.ShortFrom < end && start < entry.ShortUntil && entry.ShortOf < gpus))
                {
                    if (entry.Remaining.FirstStepBelow(gpus, start, end) is not { } shortStep) return entry.Ask;
                    if (remember) (entry.ShortFrom, entry.ShortUntil, entry.ShortOf) = shortStep;
                }
            }
        }
        return null;
    }

    private static bool Eligible(Ask ask, string? region, int gpus, int start, int end, long limitTicks, string buyer) =>
        ask.PriceTicks <= limitTicks
        && (region is null || region == ask.Pool.Region)
        && ask.Start <= start && end <= ask.End
        && !string.Equals(ask.Account, buyer, StringComparison.Ordinal)
        && ask.Remaining.Min(start, end) >= gpus;

    private static void Fill(Ask ask, string bidId, string buyer, int gpus, int start, int end, long priceTicks, List<MarketEvent> events)
    {
        // Offered GPUs become sold ones: the pool's used total does not change.
        ask.Remaining.Add(start, end, -gpus);
        ask.Pool.Sold.Add(start, end, gpus);
        events.Add(MarketEvent.Trade(bidId, ask.Id, ask.Pool.Id, gpus, start, end, priceTicks, buyer, ask.Account));
    }

    private void AddAsk(Ask ask)
    {
        _orders[ask.Id] = ask;
        _resting++;
        var book = ask.Pool.Book;
        var account = Intern(ask.Account);
        for (var bucket = ask.Start / BucketHours; bucket <= (ask.End - 1) / BucketHours; bucket++)
        {
            ref var levels = ref CollectionsMarshal.GetValueRefOrAddDefault(book.AsksByBucket, bucket, out _);
            (levels ??= new PriceLevels<AskEntry>()).Add(ask.PriceTicks, new AskEntry(ask, ask.Pool.RegionId, account, SlotMaxima(ask, bucket)));
        }
    }

    /// <summary>After a fill of <c>[start, end)</c>, lowers the bound each touched bucket's entry keeps of what the ask has left.</summary>
    private static void Refresh(Ask ask, int start, int end)
    {
        var buckets = ask.Pool.Book.AsksByBucket;
        for (var bucket = start / BucketHours; bucket <= (end - 1) / BucketHours; bucket++)
        {
            ref var entry = ref buckets[bucket].Entry(ask.PriceTicks, ask.Sequence);
            entry.SlotMaxima = SlotMaxima(ask, bucket);
        }
    }

    /// <summary>The most GPUs the ask has left in each slot of one bucket (see <see cref="StepFunction.SlotMaxima"/>).</summary>
    private static ulong SlotMaxima(Ask ask, int bucket) =>
        ask.Remaining.SlotMaxima(Math.Max(ask.Start, bucket * BucketHours), (int)Math.Min(ask.End, (bucket + 1L) * BucketHours), bucket * BucketHours, SlotHours);

    private void RemoveAsk(Ask ask)
    {
        _orders[ask.Id] = null;
        _resting--;
        var book = ask.Pool.Book;
        for (var bucket = ask.Start / BucketHours; bucket <= (ask.End - 1) / BucketHours; bucket++)
        {
            if (book.AsksByBucket[bucket].Remove(ask.PriceTicks, ask.Sequence)) book.AsksByBucket.Remove(bucket);
        }
    }

    private void AddBid(Bid bid)
    {
        _orders[bid.Id] = bid;
        _resting++;
        if (bid.Alternatives is null) File(bid, bid.Sku, bid.LimitTicks);
        else foreach (var (sku, limit) in bid.Choices()) File(bid, sku, limit);
    }

    private void File(Bid bid, string sku, long limitTicks)
    {
        ref var levels = ref CollectionsMarshal.GetValueRefOrAddDefault(BookOf(sku).BidsByStartBucket, bid.Start / BucketHours, out _);
        (levels ??= new PriceLevels<BidEntry>()).Add(-limitTicks, new BidEntry(bid));
    }

    private void RemoveBid(Bid bid)
    {
        _orders[bid.Id] = null;
        _resting--;
        if (bid.Alternatives is null) Unfile(bid, bid.Sku, bid.LimitTicks);
        else foreach (var (sku, limit) in bid.Choices()) Unfile(bid, sku, limit);
    }

    private void Unfile(Bid bid, string sku, long limitTicks)
    {
        var book = BookOf(sku);
        var bucket = bid.Start / BucketHours;
        if (book.BidsByStartBucket[bucket].Remove(-limitTicks, bid.Sequence)) book.BidsByStartBucket.Remove(bucket);
    }
}
