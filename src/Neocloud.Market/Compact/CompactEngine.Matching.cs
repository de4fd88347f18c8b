using System.Runtime.InteropServices;
using Neocloud.Domain.Time;
using Neocloud.Market.Commands;
using Neocloud.Market.Engine;

namespace Neocloud.Market.Compact;

/// <summary>Placing asks, bids and portfolios, matching them, and filing what rests in the book.</summary>
public sealed partial class CompactEngine
{
    private void PlaceAsk(AskCommand command, List<MarketEvent> events)
    {
        if (!Admissible("ask", command.OrderId, command.Gpus, command.Window, events)) return;
        if (Rules.OrderId("ask", command.OrderId) is { } badId)
        {
            events.Add(MarketEvent.Rejected(command.OrderId, badId));
            return;
        }
        var poolHandle = _poolIds.Find(command.PoolId);
        if (poolHandle < 0)
        {
            events.Add(MarketEvent.Rejected(command.OrderId, Rules.UnknownPool("ask", command.OrderId, command.PoolId)));
            return;
        }
        var pool = _pools[poolHandle];
        if (!string.Equals(pool.Provider, command.Account, StringComparison.Ordinal))
        {
            events.Add(MarketEvent.Rejected(command.OrderId, Rules.NotProvider(command.OrderId, command.Account, pool.Id, pool.Provider)));
            return;
        }
        var (start, end, priceTicks) = (command.Window.Start.Value, command.Window.End.Value, command.Price.Ticks);
        if (OverCapacity("ask", command.OrderId, pool, command.Gpus, start, end) is { } over)
        {
            events.Add(MarketEvent.Rejected(command.OrderId, over));
            return;
        }

        var id = UseOrderId(command.OrderId);
        var ask = NewAsk();
        _asks[ask] = new AskBody { PriceTicks = priceTicks, Sequence = ++_sequence, Id = id, Pool = poolHandle, Gpus = command.Gpus, Start = start, End = end };
        ref var steps = ref _askSteps[ask];
        steps = default;
        steps.Inline[0] = new Breakpoint(start, command.Gpus);
        steps.Inline[1] = new Breakpoint(end, 0);
        steps.Count = 2;
        steps.Account = pool.ProviderName;
        pool.Free.Add(start, end, -command.Gpus);

        // Bids it could fill start inside its window: gather them from those buckets, then walk them in book order.
        var walked = 0;
        var book = _books[pool.SkuId];
        for (var bucket = start / BucketHours; bucket <= (end - 1) / BucketHours; bucket++)
        {
            if (!book.BidsByStartBucket.TryGetValue(bucket, out var bids)) continue;
            foreach (ref readonly var level in bids.Levels)
            {
                // A bid with alternatives is filed in this SKU's book at its limit for this SKU: the level's rank.
                if (-level.Rank < priceTicks) break;
                foreach (ref readonly var entry in bids.Items(level))
                {
                    if (start <= entry.Start && entry.End <= end)
                    {
                        if (walked == _walk.Length) Array.Resize(ref _walk, walked * 2);
                        _walk[walked++] = new WalkItem(-level.Rank, entry.Sequence, entry.Bid);
                    }
                }
            }
        }
        var walk = _walk.AsSpan(0, walked);
        if (walked > 1) walk.Sort(new ByLimitThenTime());
        foreach (var item in walk)
        {
            ref readonly var bid = ref _bids[item.Bid];
            // A pool-targeted bid is seen only by asks on its pool.
            if ((bid.Pool >= 0 && bid.Pool != poolHandle) || !Eligible(ask, pool, bid.Region, bid.Gpus, bid.Start, bid.End, item.Limit, bid.Account)) continue;
            FillAsk(ask, pool, _orderIds[bid.Id], _names[bid.Account], bid.Gpus, bid.Start, bid.End, item.Limit, events);
            RemoveBid(item.Bid);
        }
        if (Steps.Max(StepsOf(ask), start, end) > 0)
        {
            AddAsk(ask, pool);
            events.Add(MarketEvent.Rested(command.OrderId));
        }
        else FreeAsk(ask);
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
        var id = UseOrderId(command.OrderId);
        var sequence = ++_sequence;
        var (start, end) = (command.Window.Start.Value, command.Window.End.Value);
        var buyer = _names.Find(command.Account);
        var ask = BestFor(command, buyer, remember: true);
        if (ask >= 0)
        {
            var pool = _pools[_asks[ask].Pool];
            FillAsk(ask, pool, command.OrderId, command.Account, command.Gpus, start, end, _asks[ask].PriceTicks, events);
            if (Steps.Max(StepsOf(ask), _asks[ask].Start, _asks[ask].End) == 0) RemoveAsk(ask);
            else Refresh(ask, pool, start, end);
            return;
        }
        if (command.ImmediateOrCancel)
        {
            events.Add(MarketEvent.Cancelled(command.OrderId));
            return;
        }
        var poolHandle = command.PoolId is null ? -1 : _poolIds.Find(command.PoolId);
        var alternatives = -1;
        if (command.Alternatives is { } written)
        {
            alternatives = _alternativeHandles.Take();
            if (alternatives == _alternatives.Length) Array.Resize(ref _alternatives, alternatives * 2);
            ref var set = ref _alternatives[alternatives];
            set.Count = written.Count;
            for (var i = 0; i < written.Count; i++) (set.Skus[i], set.Limits[i]) = (_skus.Intern(written[i].Sku), written[i].Limit.Ticks);
        }
        var bid = NewBid();
        _bids[bid] = new BidBody
        {
            LimitTicks = command.Limit.Ticks, Sequence = sequence, Id = id, Account = buyer >= 0 ? buyer : _names.Add(command.Account),
            Sku = _skus.Intern(command.Sku), Region = poolHandle >= 0 ? _pools[poolHandle].RegionName : command.Region is null ? -1 : _names.Intern(command.Region),
            Pool = poolHandle, Alternatives = alternatives, Gpus = command.Gpus, Start = start, End = end,
        };
        AddBid(bid);
        events.Add(MarketEvent.Rested(command.OrderId));
    }

    /// <summary>
    /// Legs in order, each taking the ask the incoming-bid rule picks against the book as the earlier legs left it
    /// (fills are applied as they are found, without the short-step memory, since they may be taken back); when a leg
    /// finds none, the earlier fills are taken back and only the cancellation is emitted.
    /// </summary>
    private void PlacePortfolio(PortfolioCommand command, List<MarketEvent> events)
    {
        var id = command.OrderId;
        if ((_orderIds.Find(id) >= 0 ? Rules.DuplicateOrder(id) : Rules.Portfolio(command, PoolSku)) is { } reason)
        {
            events.Add(MarketEvent.Rejected(id, reason));
            return;
        }
        UseOrderId(id);
        ++_sequence;
        var fills = 0;
        var firstTrade = events.Count;
        var buyer = _names.Find(command.Account);
        for (var i = 0; i < command.Legs.Count; i++)
        {
            var leg = command.Legs[i];
            var (start, end) = (leg.Window.Start.Value, leg.Window.End.Value);
            var ask = BestFor(leg, buyer, remember: false);
            if (ask < 0)
            {
                foreach (var fill in _fills.AsSpan(0, fills))
                {
                    AddSteps(fill.Ask, fill.Start, fill.End, fill.Gpus);
                    _pools[_asks[fill.Ask].Pool].Sold.Add(fill.Start, fill.End, -fill.Gpus);
                }
                events.RemoveRange(firstTrade, events.Count - firstTrade);
                events.Add(MarketEvent.Cancelled(id, i));
                return;
            }
            FillAsk(ask, _pools[_asks[ask].Pool], PortfolioCommand.LegId(id, i), command.Account, leg.Gpus, start, end, _asks[ask].PriceTicks, events);
            if (fills == _fills.Length) Array.Resize(ref _fills, fills * 2);
            _fills[fills++] = new Fill(ask, leg.Gpus, start, end);
        }
        foreach (var fill in _fills.AsSpan(0, fills))
        {
            ref readonly var ask = ref _asks[fill.Ask];
            if (_restingAs[ask.Id] != NotResting && Steps.Max(StepsOf(fill.Ask), ask.Start, ask.End) == 0) RemoveAsk(fill.Ask);
        }
        foreach (var fill in _fills.AsSpan(0, fills))
        {
            if (_restingAs[_asks[fill.Ask].Id] != NotResting) Refresh(fill.Ask, _pools[_asks[fill.Ask].Pool], fill.Start, fill.End);
        }
        events.Add(MarketEvent.Filled(id));
    }

    private string? PoolSku(string poolId)
    {
        var handle = _poolIds.Find(poolId);
        return handle < 0 ? null : _pools[handle].Sku;
    }

    /// <summary>
    /// The ask an incoming bid takes, or -1: for a plain bid the cheapest, then earliest, eligible ask; with
    /// alternatives, among every eligible (alternative, ask) pair the largest surplus <c>limit − price</c>, then the
    /// lower price, then the alternative listed first. A pool-targeted bid sees only its pool's asks, whatever its region.
    /// </summary>
    private int BestFor(BidCommand bid, int buyer, bool remember)
    {
        var (start, end) = (bid.Window.Start.Value, bid.Window.End.Value);
        var pool = bid.PoolId is null ? -1 : _poolIds.Find(bid.PoolId);
        // Names never interned cannot be any ask's region: -2 matches nothing, -1 is any region.
        var region = pool >= 0 || bid.Region is null ? -1 : _names.Find(bid.Region) is var known and >= 0 ? known : -2;
        if (bid.Alternatives is not { } alternatives) return BestAsk(_skus.Find(bid.Sku), region, bid.Gpus, start, end, bid.Limit.Ticks, buyer, remember, pool);
        var best = -1;
        var bestSurplus = 0L;
        for (var i = 0; i < alternatives.Count; i++)
        {
            var alternative = alternatives[i];
            var ask = BestAsk(_skus.Find(alternative.Sku), region, bid.Gpus, start, end, alternative.Limit.Ticks, buyer, remember, pool);
            if (ask < 0) continue;
            var surplus = alternative.Limit.Ticks - _asks[ask].PriceTicks;
            if (best < 0 || surplus > bestSurplus || (surplus == bestSurplus && _asks[ask].PriceTicks < _asks[best].PriceTicks)) (best, bestSurplus) = (ask, surplus);
        }
        return best;
    }

    /// <summary>An order's id is new and its own fields keep the rules; otherwise it is rejected and false.</summary>
    private bool Admissible(string kind, string id, int gpus, HourWindow window, List<MarketEvent> events)
    {
        var reason = _orderIds.Find(id) >= 0 ? Rules.DuplicateOrder(id) : Rules.OrderFields(kind, id, gpus, window);
        if (reason is null) return true;
        events.Add(MarketEvent.Rejected(id, reason));
        return false;
    }

    /// <summary>
    /// The ask an incoming bid takes, or -1. Entries are tested on what they hold inline (window, region, slot bounds)
    /// and only then the ask's block (seller, short memory, steps) is read. With <paramref name="remember"/>, an ask
    /// found short keeps the step that was short, so later bids needing more there pass it by without reading its steps.
    /// </summary>
    private int BestAsk(int sku, int region, int gpus, int start, int end, long limitTicks, int buyer, bool remember, int pool)
    {
        // Every ask that could fill this bid covers its first hour, so it is filed under that hour's bucket.
        if (sku < 0 || sku >= _books.Length || _books[sku] is not { } book || !book.AsksByBucket.TryGetValue(start / BucketHours, out var bucket)) return -1;
        // The slots of this bucket the bid's window meets; every other slot's byte is set to 0xFF so it never rejects.
        var origin = start / BucketHours * BucketHours;
        var first = (start - origin) / SlotHours;
        var last = Math.Min(7, (end - 1 - origin) / SlotHours);
        var outside = ~((ulong.MaxValue >> (8 * (7 - last))) & (ulong.MaxValue << (8 * first)));
        // A byte below n = min(gpus, 128) shows as a set high bit of (x - n·0x01…01) & ~x (valid for n ≤ 128).
        var needed = 0x0101010101010101UL * (ulong)Math.Min(gpus, 128);
        foreach (ref readonly var level in bucket.Levels)
        {
            if (level.Rank > limitTicks) return -1;
            foreach (ref readonly var entry in bucket.Items(level))
            {
                // A removed entry's start is int.MaxValue, so the window test skips it too.
                if (entry.Start > start || end > entry.End || (region != -1 && entry.Region != region)) continue;
                var slots = entry.SlotMaxima | outside;
                if (((slots - needed) & ~slots & 0x8080808080808080UL) != 0) continue;
                ref var steps = ref _askSteps[entry.Ask];
                if (steps.Account == buyer || (pool >= 0 && _asks[entry.Ask].Pool != pool)) continue;
                if (steps.ShortFrom < end && start < steps.ShortUntil && steps.ShortOf < gpus) continue;
                if (!Steps.FirstStepBelow(StepsOf(entry.Ask), gpus, start, end, out var from, out var until, out var value)) return entry.Ask;
                if (remember) (steps.ShortFrom, steps.ShortUntil, steps.ShortOf) = (from, until, value);
            }
        }
        return -1;
    }

    private bool Eligible(int ask, PoolState pool, int region, int gpus, int start, int end, long limitTicks, int buyer) =>
        _asks[ask].PriceTicks <= limitTicks
        && (region == -1 || region == pool.RegionName)
        && _asks[ask].Start <= start && end <= _asks[ask].End
        && _askSteps[ask].Account != buyer
        && Steps.Min(StepsOf(ask), start, end) >= gpus;

    private void FillAsk(int ask, PoolState pool, string bidId, string buyer, int gpus, int start, int end, long priceTicks, List<MarketEvent> events)
    {
        // Offered GPUs become sold ones: the pool's free capacity does not change.
        AddSteps(ask, start, end, -gpus);
        pool.Sold.Add(start, end, gpus);
        events.Add(MarketEvent.Trade(bidId, _orderIds[_asks[ask].Id], pool.Id, gpus, start, end, priceTicks, buyer, _names[_askSteps[ask].Account]));
    }

    private void AddAsk(int ask, PoolState pool)
    {
        ref readonly var body = ref _asks[ask];
        _restingAs[body.Id] = ask << 1;
        _resting++;
        var book = _books[pool.SkuId];
        var steps = StepsOf(ask);
        for (var bucket = body.Start / BucketHours; bucket <= (body.End - 1) / BucketHours; bucket++)
        {
            ref var levels = ref CollectionsMarshal.GetValueRefOrAddDefault(book.AsksByBucket, bucket, out _);
            (levels ??= new LevelBook<AskEntry>()).Add(body.PriceTicks, new AskEntry(body.Sequence, ask, body.Start, body.End, pool.RegionName, SlotMaxima(steps, body.Start, body.End, bucket)));
        }
    }

    /// <summary>After a fill of <c>[start, end)</c>, lowers the bound each touched bucket's entry keeps of what the ask has left.</summary>
    private void Refresh(int ask, PoolState pool, int start, int end)
    {
        ref readonly var body = ref _asks[ask];
        var buckets = _books[pool.SkuId].AsksByBucket;
        var steps = StepsOf(ask);
        for (var bucket = start / BucketHours; bucket <= (end - 1) / BucketHours; bucket++)
        {
            buckets[bucket].Entry(body.PriceTicks, body.Sequence).SlotMaxima = SlotMaxima(steps, body.Start, body.End, bucket);
        }
    }

    /// <summary>The most GPUs an ask has left in each slot of one bucket.</summary>
    private static ulong SlotMaxima(ReadOnlySpan<Breakpoint> steps, int askStart, int askEnd, int bucket) =>
        Steps.SlotMaxima(steps, Math.Max(askStart, bucket * BucketHours), (int)Math.Min(askEnd, (bucket + 1L) * BucketHours), bucket * BucketHours, SlotHours);

    private void RemoveAsk(int ask)
    {
        ref readonly var body = ref _asks[ask];
        _restingAs[body.Id] = NotResting;
        _resting--;
        var book = _books[_pools[body.Pool].SkuId];
        for (var bucket = body.Start / BucketHours; bucket <= (body.End - 1) / BucketHours; bucket++)
        {
            if (book.AsksByBucket[bucket].Remove(body.PriceTicks, body.Sequence)) book.AsksByBucket.Remove(bucket);
        }
        FreeAsk(ask);
    }

    private void AddBid(int bid)
    {
        ref readonly var body = ref _bids[bid];
        _restingAs[body.Id] = (bid << 1) | 1;
        _resting++;
        if (body.Alternatives < 0) File(bid, body.Sku, body.LimitTicks);
        else
        {
            ref readonly var set = ref _alternatives[body.Alternatives];
            for (var i = 0; i < set.Count; i++) File(bid, set.Skus[i], set.Limits[i]);
        }
    }

    private void File(int bid, int sku, long limitTicks)
    {
        ref readonly var body = ref _bids[bid];
        ref var levels = ref CollectionsMarshal.GetValueRefOrAddDefault(BookOf(sku).BidsByStartBucket, body.Start / BucketHours, out _);
        (levels ??= new LevelBook<BidEntry>()).Add(-limitTicks, new BidEntry(body.Sequence, bid, body.Start, body.End));
    }

    private void RemoveBid(int bid)
    {
        ref readonly var body = ref _bids[bid];
        _restingAs[body.Id] = NotResting;
        _resting--;
        if (body.Alternatives < 0) Unfile(bid, body.Sku, body.LimitTicks);
        else
        {
            ref readonly var set = ref _alternatives[body.Alternatives];
            for (var i = 0; i < set.Count; i++) Unfile(bid, set.Skus[i], set.Limits[i]);
        }
        FreeBid(bid);
    }

    private void Unfile(int bid, int sku, long limitTicks)
    {
        var book = _books[sku];
        var bucket = _bids[bid].Start / BucketHours;
        if (book.BidsByStartBucket[bucket].Remove(-limitTicks, _bids[bid].Sequence)) book.BidsByStartBucket.Remove(bucket);
    }
}
