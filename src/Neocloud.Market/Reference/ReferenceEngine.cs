using Neocloud.Domain.Orders;
using Neocloud.Market.Commands;
using Neocloud.Market.Engine;

namespace Neocloud.Market.Reference;

/// <summary>
/// The market written for obviousness: every pool keeps its capacity and sold GPUs hour by hour in arrays, every ask
/// its remaining GPUs hour by hour, and matching scans every order. Slow, and kept to check the fast engine.
/// </summary>
public sealed class ReferenceEngine : IMatchingEngine
{
    private readonly Dictionary<string, HourlyPool> _pools = [];
    private readonly List<Ask> _asks = [];
    private readonly List<Bid> _bids = [];
    private readonly HashSet<string> _usedIds = [];
    private readonly Dictionary<string, Reservation> _reservations = [];
    private readonly HashSet<string> _usedReservationIds = [];
    private long _sequence;

    public int RestingOrders => _asks.Count + _bids.Count;

    public void Apply(MarketCommand command, List<MarketEvent> events)
    {
        switch (command)
        {
            case PoolCommand c:
                if (_pools.ContainsKey(c.PoolId)) events.Add(MarketEvent.Rejected(c.PoolId, Rules.DuplicatePool(c.PoolId)));
                else if (Rules.CapacitySegments(c.PoolId, c.Capacity) is { } bad) events.Add(MarketEvent.Rejected(c.PoolId, bad));
                else _pools[c.PoolId] = new HourlyPool(c.PoolId, c.Provider, c.Region, c.Sku, [.. c.Capacity]);
                break;
            case CapacityCommand c:
                if (!_pools.TryGetValue(c.PoolId, out var pool)) events.Add(MarketEvent.Rejected(c.PoolId, Rules.UnknownPool("capacity", c.PoolId, c.PoolId)));
                else if (Rules.CapacitySegments(c.PoolId, [.. pool.Segments, c.Step]) is { } bad) events.Add(MarketEvent.Rejected(c.PoolId, bad));
                else pool.Segments.Add(c.Step);
                break;
            case AskCommand c: PlaceAsk(c, events); break;
            case BidCommand c: PlaceBid(c, events); break;
            case PortfolioCommand c: PlacePortfolio(c, events); break;
            case CancelCommand c: Cancel(c, events); break;
            case ReserveCommand c: Reserve(c, events); break;
            case ReleaseCommand c: Release(c, events); break;
            default: throw new ArgumentException($"unknown command {command.GetType().Name}", nameof(command));
        }
    }

    private void PlaceAsk(AskCommand c, List<MarketEvent> events)
    {
        if (_usedIds.Contains(c.OrderId)) { events.Add(MarketEvent.Rejected(c.OrderId, Rules.DuplicateOrder(c.OrderId))); return; }
        if ((Rules.OrderFields("ask", c.OrderId, c.Gpus, c.Window) ?? Rules.OrderId("ask", c.OrderId)) is { } bad) { events.Add(MarketEvent.Rejected(c.OrderId, bad)); return; }
        if (!_pools.TryGetValue(c.PoolId, out var pool)) { events.Add(MarketEvent.Rejected(c.OrderId, Rules.UnknownPool("ask", c.OrderId, c.PoolId))); return; }
        if (pool.Provider != c.Account) { events.Add(MarketEvent.Rejected(c.OrderId, Rules.NotProvider(c.OrderId, c.Account, pool.Id, pool.Provider))); return; }
        var (start, end) = (c.Window.Start.Value, c.Window.End.Value);
        for (var hour = start; hour < end; hour++)
        {
            var capacity = pool.CapacityAt(hour);
            var used = pool.SoldAt(hour) + _asks.Where(a => a.Pool == pool).Sum(a => a.RemainingAt(hour));
            if (used + c.Gpus > capacity)
            {
                events.Add(MarketEvent.Rejected(c.OrderId, Rules.OverCapacity(c.OrderId, pool.Id, hour, capacity, used, c.Gpus)));
                return;
            }
        }

        _usedIds.Add(c.OrderId);
        var ask = new Ask(c.OrderId, c.Account, pool, start, end, c.Price.Ticks, ++_sequence, Enumerable.Repeat(c.Gpus, end - start).ToArray(), c.Gpus);
        // A bid with alternatives is seen at its limit for this pool's SKU; a pool-targeted bid only by asks on its pool.
        var walk = _bids.Where(b => b.LimitFor(pool.Sku) is not null && (b.Pool is null || b.Pool == pool.Id))
            .OrderByDescending(b => b.LimitFor(pool.Sku)).ThenBy(b => b.Sequence).ToList();
        foreach (var bid in walk)
        {
            var limit = bid.LimitFor(pool.Sku)!.Value;
            if (!Eligible(ask, bid.Region, bid.Gpus, bid.Start, bid.End, limit, bid.Account)) continue;
            Fill(ask, bid.Id, bid.Account, bid.Gpus, bid.Start, bid.End, limit, events);
            _bids.Remove(bid);
        }
        if (ask.Remaining.Any(g => g > 0))
        {
            _asks.Add(ask);
            events.Add(MarketEvent.Rested(ask.Id));
        }
    }

    private void PlaceBid(BidCommand c, List<MarketEvent> events)
    {
        if (_usedIds.Contains(c.OrderId)) { events.Add(MarketEvent.Rejected(c.OrderId, Rules.DuplicateOrder(c.OrderId))); return; }
        if ((Rules.OrderFields("bid", c.OrderId, c.Gpus, c.Window) ?? Rules.Bid(c, PoolSku)) is { } bad) { events.Add(MarketEvent.Rejected(c.OrderId, bad)); return; }
        _usedIds.Add(c.OrderId);
        var sequence = ++_sequence;
        var (start, end) = (c.Window.Start.Value, c.Window.End.Value);
        var ask = Best(c, c.Account);
        if (ask is not null)
        {
            Fill(ask, c.OrderId, c.Account, c.Gpus, start, end, ask.PriceTicks, events);
            if (ask.Remaining.All(g => g == 0)) _asks.Remove(ask);
            return;
        }
        if (c.ImmediateOrCancel) { events.Add(MarketEvent.Cancelled(c.OrderId)); return; }
        var region = c.PoolId is { } poolId ? _pools[poolId].Region : c.Region;
        _bids.Add(new Bid(c.OrderId, c.Account, [.. c.Choices.Select(a => (a.Sku, a.Limit.Ticks))], region, c.PoolId, c.Gpus, start, end, sequence, c.Alternatives is not null));
        events.Add(MarketEvent.Rested(c.OrderId));
    }

    /// <summary>
    /// Legs in order, each taking the ask the incoming-bid rule picks against the book as the earlier legs left it;
    /// when a leg finds none, the earlier legs' fills are taken back and nothing has changed.
    /// </summary>
    private void PlacePortfolio(PortfolioCommand c, List<MarketEvent> events)
    {
        if (_usedIds.Contains(c.OrderId)) { events.Add(MarketEvent.Rejected(c.OrderId, Rules.DuplicateOrder(c.OrderId))); return; }
        if (Rules.Portfolio(c, PoolSku) is { } bad) { events.Add(MarketEvent.Rejected(c.OrderId, bad)); return; }
        _usedIds.Add(c.OrderId);
        ++_sequence;
        var trades = new List<MarketEvent>();
        var fills = new List<(Ask Ask, int Gpus, int Start, int End)>();
        for (var i = 0; i < c.Legs.Count; i++)
        {
            var leg = c.Legs[i];
            var (start, end) = (leg.Window.Start.Value, leg.Window.End.Value);
            var ask = Best(leg, c.Account);
            if (ask is null)
            {
                foreach (var (taken, gpus, from, to) in fills)
                {
                    for (var hour = from; hour < to; hour++)
                    {
                        taken.Remaining[hour - taken.Start] += gpus;
                        taken.Pool.AddSold(hour, -gpus);
                    }
                }
                events.Add(MarketEvent.Cancelled(c.OrderId, i));
                return;
            }
            Fill(ask, PortfolioCommand.LegId(c.OrderId, i), c.Account, leg.Gpus, start, end, ask.PriceTicks, trades);
            fills.Add((ask, leg.Gpus, start, end));
        }
        events.AddRange(trades);
        _asks.RemoveAll(a => a.Remaining.All(g => g == 0));
        events.Add(MarketEvent.Filled(c.OrderId));
    }

    private string? PoolSku(string poolId) => _pools.TryGetValue(poolId, out var pool) ? pool.Sku : null;

    private void Cancel(CancelCommand c, List<MarketEvent> events)
    {
        var bid = _bids.FirstOrDefault(b => b.Id == c.OrderId);
        if (bid is not null) { _bids.Remove(bid); events.Add(MarketEvent.Cancelled(c.OrderId)); return; }
        var ask = _asks.FirstOrDefault(a => a.Id == c.OrderId);
        if (ask is not null) { _asks.Remove(ask); events.Add(MarketEvent.Cancelled(c.OrderId)); return; }
        events.Add(MarketEvent.Rejected(c.OrderId, Rules.NotCancellable(c.OrderId)));
    }

    private void Reserve(ReserveCommand c, List<MarketEvent> events)
    {
        if (_usedReservationIds.Contains(c.ReservationId)) { events.Add(MarketEvent.Rejected(c.ReservationId, Rules.DuplicateReservation(c.ReservationId))); return; }
        if (Rules.ReservationFields(c.ReservationId, c.Gpus, c.Window) is { } bad) { events.Add(MarketEvent.Rejected(c.ReservationId, bad)); return; }
        if (!_pools.TryGetValue(c.PoolId, out var pool)) { events.Add(MarketEvent.Rejected(c.ReservationId, Rules.UnknownPool("reserve", c.ReservationId, c.PoolId))); return; }
        var (start, end) = (c.Window.Start.Value, c.Window.End.Value);
        for (var hour = start; hour < end; hour++)
        {
            var capacity = pool.CapacityAt(hour);
            var used = pool.SoldAt(hour) + _asks.Where(a => a.Pool == pool).Sum(a => a.RemainingAt(hour));
            if (used + c.Gpus > capacity)
            {
                events.Add(MarketEvent.Rejected(c.ReservationId, Rules.OverCapacity("reserve", c.ReservationId, pool.Id, hour, capacity, used, c.Gpus)));
                return;
            }
        }
        for (var hour = start; hour < end; hour++) pool.AddSold(hour, c.Gpus);
        _usedReservationIds.Add(c.ReservationId);
        _reservations[c.ReservationId] = new Reservation(c.ReservationId, c.Account, pool, c.Gpus, start, end);
        events.Add(MarketEvent.Reserved(c.ReservationId));
    }

    private void Release(ReleaseCommand c, List<MarketEvent> events)
    {
        if (!_reservations.TryGetValue(c.ReservationId, out var reservation) || Math.Max(c.From.Value, reservation.Start) >= reservation.End)
        {
            events.Add(MarketEvent.Rejected(c.ReservationId, Rules.NothingToRelease(c.ReservationId, c.From.Value)));
            return;
        }
        var from = Math.Max(c.From.Value, reservation.Start);
        for (var hour = from; hour < reservation.End; hour++) reservation.Pool.AddSold(hour, -reservation.Gpus);
        if (from == reservation.Start) _reservations.Remove(c.ReservationId);
        else _reservations[c.ReservationId] = reservation with { End = from };
        events.Add(MarketEvent.Released(c.ReservationId));
    }

    private Ask? Best(string sku, string? region, int gpus, int start, int end, long limitTicks, string buyer) =>
        _asks.Where(a => a.Pool.Sku == sku && Eligible(a, region, gpus, start, end, limitTicks, buyer))
            .OrderBy(a => a.PriceTicks).ThenBy(a => a.Sequence).FirstOrDefault();

    /// <summary>
    /// The ask an incoming bid takes: among every eligible (alternative, ask) pair the largest surplus
    /// <c>limit − price</c>, then the lower price, then the alternative listed first, then the earliest ask. A
    /// pool-targeted bid sees only its pool's asks, whatever its region.
    /// </summary>
    private Ask? Best(BidCommand bid, string buyer)
    {
        var (start, end) = (bid.Window.Start.Value, bid.Window.End.Value);
        var region = bid.PoolId is null ? bid.Region : null;
        return bid.Choices
            .SelectMany((choice, index) => _asks
                .Where(a => a.Pool.Sku == choice.Sku && (bid.PoolId is null || a.Pool.Id == bid.PoolId)
                    && Eligible(a, region, bid.Gpus, start, end, choice.Limit.Ticks, buyer))
                .Select(a => (Ask: a, Surplus: choice.Limit.Ticks - a.PriceTicks, Index: index)))
            .OrderByDescending(p => p.Surplus).ThenBy(p => p.Ask.PriceTicks).ThenBy(p => p.Index).ThenBy(p => p.Ask.Sequence)
            .Select(p => p.Ask).FirstOrDefault();
    }

    private static bool Eligible(Ask ask, string? region, int gpus, int start, int end, long limitTicks, string buyer)
    {
        if (ask.PriceTicks > limitTicks || (region is not null && region != ask.Pool.Region) || ask.Account == buyer) return false;
        if (start < ask.Start || end > ask.End) return false;
        for (var hour = start; hour < end; hour++)
        {
            if (ask.RemainingAt(hour) < gpus) return false;
        }
        return true;
    }

    private static void Fill(Ask ask, string bidId, string buyer, int gpus, int start, int end, long priceTicks, List<MarketEvent> events)
    {
        for (var hour = start; hour < end; hour++)
        {
            ask.Remaining[hour - ask.Start] -= gpus;
            ask.Pool.AddSold(hour, gpus);
        }
        events.Add(MarketEvent.Trade(bidId, ask.Id, ask.Pool.Id, gpus, start, end, priceTicks, buyer, ask.Account));
    }

    public bool IsOpen(string orderId) => _asks.Any(a => a.Id == orderId) || _bids.Any(b => b.Id == orderId);

    public PoolInfo? Pool(string poolId) => _pools.TryGetValue(poolId, out var p) ? new PoolInfo(p.Id, p.Provider, p.Region, p.Sku) : null;

    public IReadOnlyList<BookLevel> Asks(string sku, string? region) =>
        _asks.Where(a => a.Pool.Sku == sku && (region is null || a.Pool.Region == region))
            .GroupBy(a => a.PriceTicks).OrderBy(g => g.Key)
            .Select(g => new BookLevel(g.Key, g.Count(), g.Sum(a => a.Remaining.Sum(r => (long)r)), g.Max(a => a.Remaining.Max()), g.Min(a => a.Start), g.Max(a => a.End)))
            .ToList();

    public IReadOnlyList<BookLevel> Bids(string sku, string? region) =>
        _bids.Where(b => b.LimitFor(sku) is not null && (region is null || b.Region is null || b.Region == region))
            .GroupBy(b => b.LimitFor(sku)!.Value).OrderByDescending(g => g.Key)
            .Select(g => new BookLevel(g.Key, g.Count(), g.Sum(b => (long)b.Gpus * (b.End - b.Start)), g.Max(b => b.Gpus), g.Min(b => b.Start), g.Max(b => b.End)))
            .ToList();

    public IReadOnlyList<RestingOrder> Resting(string sku) =>
        RestingOrder.Sorted(_asks.Where(a => a.Pool.Sku == sku).Select(a => new RestingOrder(OrderSide.Ask, a.Start, a.End, a.Remaining.Max(), a.PriceTicks))
            .Concat(_bids.Where(b => b.LimitFor(sku) is not null).Select(b => new RestingOrder(OrderSide.Bid, b.Start, b.End, b.Gpus, b.LimitFor(sku)!.Value))));

    public long? Quote(string sku, string? region, int gpus, int start, int end, string buyer) =>
        Best(sku, region, gpus, start, end, long.MaxValue, buyer)?.PriceTicks;

    public IReadOnlyList<AskCandidate> Candidates(string sku, string? region, int gpus, int start, int end, long? maxPriceTicks, string buyer) =>
        gpus < 1 || end <= start ? [] :
        _asks.Where(a => a.Pool.Sku == sku && (region is null || a.Pool.Region == region) && a.Account != buyer
                && (maxPriceTicks is null || a.PriceTicks <= maxPriceTicks) && a.Start <= start && end <= a.End)
            .Select(a => new AskCandidate(a.Pool.Id, a.PriceTicks, a.Sequence, Enumerable.Range(start, end - start).Min(a.RemainingAt)))
            .Where(c => c.FreeGpus >= gpus)
            .OrderBy(c => c.PriceTicks).ThenBy(c => c.Sequence)
            .ToList();

    public IReadOnlyList<UsageStep> Usage(string poolId, int start, int end)
    {
        if (!_pools.TryGetValue(poolId, out var pool)) return [];
        var steps = new List<UsageStep>();
        for (var hour = start; hour < end; hour++)
        {
            var sold = pool.SoldAt(hour);
            var offered = _asks.Where(a => a.Pool == pool).Sum(a => a.RemainingAt(hour));
            var capacity = pool.CapacityAt(hour);
            if (steps.Count > 0 && steps[^1] is var last && (last.Capacity, last.Sold, last.Offered) == (capacity, sold, offered))
                steps[^1] = last with { End = hour + 1 };
            else
                steps.Add(new UsageStep(hour, hour + 1, capacity, sold, offered));
        }
        return steps;
    }

    /// <summary>Sold plus offered GPUs of a pool in one hour (for invariant checks).</summary>
    public int UsedAt(string poolId, int hour) => _pools[poolId].SoldAt(hour) + _asks.Where(a => a.Pool.Id == poolId).Sum(a => a.RemainingAt(hour));

    /// <summary>A pool's capacity in one hour (for invariant checks).</summary>
    public int CapacityAt(string poolId, int hour) => _pools[poolId].CapacityAt(hour);

    /// <summary>Every pool's id.</summary>
    public IEnumerable<string> PoolIds => _pools.Keys;

    public MarketState Export() => new(
        _sequence,
        _pools.Values.OrderBy(p => p.Id, StringComparer.Ordinal).Select(p => new MarketState.PoolState(p.Id, p.Provider, p.Region, p.Sku, [.. p.Segments], Runs(p.SoldFrom, p.Sold))).ToList(),
        _asks.OrderBy(a => a.Sequence).Select(a => new MarketState.AskState(a.Id, a.Account, a.Pool.Id, a.Gpus, a.Start, a.End, a.PriceTicks, a.Sequence, Runs(a.Start, a.Remaining))).ToList(),
        _bids.OrderBy(b => b.Sequence).Select(b => b.State()).ToList(),
        _usedIds.Order(StringComparer.Ordinal).ToList(),
        _reservations.Values.OrderBy(r => r.Id, StringComparer.Ordinal).Select(r => new MarketState.ReservationState(r.Id, r.Account, r.Pool.Id, r.Gpus, r.Start, r.End)).ToList())
    {
        UsedReservationIds = _usedReservationIds.Order(StringComparer.Ordinal).ToList(),
    };

    public void Import(MarketState state)
    {
        _pools.Clear();
        _asks.Clear();
        _bids.Clear();
        _usedIds.Clear();
        _sequence = state.Sequence;
        foreach (var p in state.Pools)
        {
            var pool = new HourlyPool(p.Id, p.Provider, p.Region, p.Sku, [.. p.Capacity]);
            foreach (var s in p.Sold)
            {
                for (var hour = s.Start; hour < s.End; hour++) pool.AddSold(hour, s.Gpus);
            }
            _pools[p.Id] = pool;
        }
        foreach (var a in state.Asks)
        {
            var remaining = new int[a.End - a.Start];
            foreach (var s in a.Remaining)
            {
                for (var hour = s.Start; hour < s.End; hour++) remaining[hour - a.Start] = s.Gpus;
            }
            _asks.Add(new Ask(a.Id, a.Account, _pools[a.Pool], a.Start, a.End, a.PriceTicks, a.Sequence, remaining, a.Gpus));
        }
        foreach (var b in state.Bids)
        {
            var choices = b.Alternatives?.Select(a => (a.Sku, a.LimitTicks)).ToArray() ?? [(b.Sku, b.LimitTicks)];
            _bids.Add(new Bid(b.Id, b.Account, choices, b.Region, b.Pool, b.Gpus, b.Start, b.End, b.Sequence, b.Alternatives is not null));
        }
        foreach (var id in state.UsedOrderIds) _usedIds.Add(id);
        _reservations.Clear();
        _usedReservationIds.Clear();
        foreach (var r in state.Reservations ?? []) _reservations[r.Id] = new Reservation(r.Id, r.Account, _pools[r.Pool], r.Gpus, r.Start, r.End);
        foreach (var id in state.UsedReservationIds) _usedReservationIds.Add(id);
    }

    /// <summary>Runs of equal non-zero values in an hourly array starting at <paramref name="first"/>.</summary>
    private static List<Segment> Runs(int first, int[] values)
    {
        var runs = new List<Segment>();
        for (var i = 0; i < values.Length;)
        {
            var j = i;
            while (j < values.Length && values[j] == values[i]) j++;
            if (values[i] != 0) runs.Add(new Segment(first + i, first + j, values[i]));
            i = j;
        }
        return runs;
    }

    private sealed class HourlyPool(string id, string provider, string region, string sku, List<Segment> segments)
    {
        public string Id { get; } = id;
        public string Provider { get; } = provider;
        public string Region { get; } = region;
        public string Sku { get; } = sku;
        public List<Segment> Segments { get; } = segments;
        public int SoldFrom { get; private set; }
        public int[] Sold { get; private set; } = [];

        public int CapacityAt(int hour)
        {
            foreach (var s in Segments)
            {
                if (s.Start <= hour && hour < s.End) return s.Gpus;
            }
            return 0;
        }

        public int SoldAt(int hour) => hour >= SoldFrom && hour < SoldFrom + Sold.Length ? Sold[hour - SoldFrom] : 0;

        public void AddSold(int hour, int gpus)
        {
            if (Sold.Length == 0) SoldFrom = hour;
            if (hour < SoldFrom || hour >= SoldFrom + Sold.Length)
            {
                // Grow the hourly array to cover the new hour: plain, not clever.
                var from = Math.Min(SoldFrom, hour);
                var to = Math.Max(SoldFrom + Sold.Length, hour + 1);
                var grown = new int[to - from];
                Array.Copy(Sold, 0, grown, SoldFrom - from, Sold.Length);
                Sold = grown;
                SoldFrom = from;
            }
            Sold[hour - SoldFrom] += gpus;
        }
    }

    private sealed class Ask(string id, string account, HourlyPool pool, int start, int end, long priceTicks, long sequence, int[] remaining, int gpus)
    {
        public string Id { get; } = id;
        public string Account { get; } = account;
        public HourlyPool Pool { get; } = pool;
        public int Start { get; } = start;
        public int End { get; } = end;
        public int Gpus { get; } = gpus;
        public long PriceTicks { get; } = priceTicks;
        public long Sequence { get; } = sequence;
        public int[] Remaining { get; } = remaining;

        public int RemainingAt(int hour) => hour >= Start && hour < End ? Remaining[hour - Start] : 0;
    }

    private sealed record Reservation(string Id, string Account, HourlyPool Pool, int Gpus, int Start, int End);

    /// <summary>A resting bid: its SKUs with their limits (one for a plain bid), and its pool when it names one (its region is then the pool's).</summary>
    private sealed record Bid(string Id, string Account, (string Sku, long LimitTicks)[] Choices, string? Region, string? Pool, int Gpus, int Start, int End, long Sequence, bool WrittenWithAlternatives)
    {
        /// <summary>The bid's limit for a SKU, or null when it does not take that SKU.</summary>
        public long? LimitFor(string sku)
        {
            foreach (var (s, limit) in Choices)
            {
                if (s == sku) return limit;
            }
            return null;
        }

        public MarketState.BidState State() => new(Id, Account, Choices[0].Sku, Region, Gpus, Start, End, Choices[0].LimitTicks, Sequence)
        {
            Alternatives = WrittenWithAlternatives ? [.. Choices.Select(c => new MarketState.AlternativeState(c.Sku, c.LimitTicks))] : null,
            Pool = Pool,
        };
    }
}
