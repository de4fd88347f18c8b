using System.Runtime.InteropServices;
using Neocloud.Domain.Time;
using Neocloud.Market.Commands;
using Neocloud.Market.Engine;

namespace Neocloud.Market.Indexed;

/// <summary>
/// The fast engine. Each pool keeps its capacity, its sold GPUs and its used GPUs (sold + offered) as step functions
/// over breakpoints, so a capacity check walks only the breakpoints inside the ask's window. Orders are filed by SKU
/// and time bucket: an ask under every bucket it covers, a bid under the bucket it starts in. A bid only needs asks
/// covering its first hour (one bucket's set), and an ask only bids starting inside its window (its buckets' sets). Each set holds
/// price levels in matching order (<see cref="PriceLevels{T}"/>), each level its orders in time order as structs
/// carrying the window, region and account, so the search reads memory in order, stops at the first price that
/// cannot trade, and gives the events of a full price-time scan. Memory follows the number of breakpoints and
/// resting orders, not hours × pools.
/// </summary>
public sealed class IndexedEngine : IMatchingEngine
{
    /// <summary>Hours per time bucket of the order indexes: four weeks, the fastest of 2, 7, 14, 28 and 56 days on the benchmark stream.</summary>
    private const int BucketHours = 672;

    /// <summary>Hours per slot of the bound an ask's entry keeps of what it has left: eight slots per bucket.</summary>
    private const int SlotHours = BucketHours / 8;

    private readonly Dictionary<string, PoolState> _pools = new(StringComparer.Ordinal);
    /// <summary>Every order id ever accepted, with its order while it rests (an <see cref="Ask"/> or a <see cref="Bid"/>), else null.</summary>
    private readonly Dictionary<string, object?> _orders = new(StringComparer.Ordinal);
    private int _resting;
    private readonly Dictionary<string, Reservation> _reservations = new(StringComparer.Ordinal);
    private readonly HashSet<string> _usedReservationIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SkuBook> _books = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _names = new(StringComparer.Ordinal);
    private readonly List<Bid> _walk = [];
    private long _sequence;

    public int RestingOrders => _resting;

    public void Apply(MarketCommand command, List<MarketEvent> events)
    {
        switch (command)
        {
            case PoolCommand pool: CreatePool(pool, events); break;
            case CapacityCommand capacity: AddCapacity(capacity, events); break;
            case AskCommand ask: PlaceAsk(ask, events); break;
            case BidCommand bid: PlaceBid(bid, events); break;
            case CancelCommand cancel: Cancel(cancel, events); break;
            case ReserveCommand reserve: Reserve(reserve, events); break;
            case ReleaseCommand release: Release(release, events); break;
            default: throw new ArgumentException($"unknown command {command.GetType().Name}", nameof(command));
        }
    }

    private void CreatePool(PoolCommand command, List<MarketEvent> events)
    {
        if (_pools.ContainsKey(command.PoolId))
        {
            events.Add(MarketEvent.Rejected(command.PoolId, Rules.DuplicatePool(command.PoolId)));
            return;
        }
        if (Rules.CapacitySegments(command.PoolId, command.Capacity) is { } error)
        {
            events.Add(MarketEvent.Rejected(command.PoolId, error));
            return;
        }
        _pools[command.PoolId] = NewPool(command.PoolId, command.Provider, command.Region, command.Sku, [.. command.Capacity]);
    }

    private void AddCapacity(CapacityCommand command, List<MarketEvent> events)
    {
        if (!_pools.TryGetValue(command.PoolId, out var pool))
        {
            events.Add(MarketEvent.Rejected(command.PoolId, Rules.UnknownPool("capacity", command.PoolId, command.PoolId)));
            return;
        }
        if (Rules.CapacitySegments(command.PoolId, [.. pool.Segments, command.Step]) is { } error)
        {
            events.Add(MarketEvent.Rejected(command.PoolId, error));
            return;
        }
        pool.Segments.Add(command.Step);
        pool.Capacity.Add(command.Step.Start, command.Step.End, command.Step.Gpus);
    }

    private void PlaceAsk(AskCommand command, List<MarketEvent> events)
    {
        if (!Admissible("ask", command.OrderId, command.Gpus, command.Window, events)) return;
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
                if (-level.Rank < ask.PriceTicks) break;
                foreach (ref readonly var entry in level.Items)
                {
                    if (!entry.Removed && ask.Start <= entry.Start && entry.End <= ask.End) _walk.Add(entry.Bid);
                }
            }
        }
        if (_walk.Count > 1) _walk.Sort(Bid.ByLimitThenTime);
        foreach (var bid in _walk)
        {
            if (!Eligible(ask, bid.Region, bid.Gpus, bid.Start, bid.End, bid.LimitTicks, bid.Account)) continue;
            Fill(ask, bid.Id, bid.Account, bid.Gpus, bid.Start, bid.End, bid.LimitTicks, events);
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
        _orders[command.OrderId] = null;
        var sequence = ++_sequence;
        var (start, end, limitTicks) = (command.Window.Start.Value, command.Window.End.Value, command.Limit.Ticks);
        if (BestAsk(command.Sku, command.Region, command.Gpus, start, end, limitTicks, command.Account, remember: true) is { } ask)
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
        var bid = new Bid(command.OrderId, command.Account, command.Sku, command.Region, command.Gpus, start, end, limitTicks, sequence);
        AddBid(bid);
        events.Add(MarketEvent.Rested(bid.Id));
    }

    private void Cancel(CancelCommand command, List<MarketEvent> events)
    {
        var order = _orders.GetValueOrDefault(command.OrderId);
        if (order is Bid bid)
        {
            RemoveBid(bid);
            events.Add(MarketEvent.Cancelled(bid.Id));
            return;
        }
        if (order is Ask ask)
        {
            RemoveAsk(ask);
            foreach (var step in ask.Remaining.Segments().ToList()) ask.Pool.Used.Add(step.Start, step.End, -step.Gpus);
            events.Add(MarketEvent.Cancelled(ask.Id));
            return;
        }
        events.Add(MarketEvent.Rejected(command.OrderId, Rules.NotCancellable(command.OrderId)));
    }

    /// <summary>Why <paramref name="gpus"/> more do not fit the pool in some hour of the window, or null when they do.</summary>
    private static string? OverCapacity(string kind, string id, PoolState pool, int gpus, int start, int end)
    {
        var hour = pool.Used.FirstHourAbove(pool.Capacity, gpus, start, end);
        return hour < 0 ? null : Rules.OverCapacity(kind, id, pool.Id, hour, pool.Capacity.At(hour), pool.Used.At(hour), gpus);
    }

    private void Reserve(ReserveCommand command, List<MarketEvent> events)
    {
        var id = command.ReservationId;
        var (start, end) = (command.Window.Start.Value, command.Window.End.Value);
        var reason = _usedReservationIds.Contains(id) ? Rules.DuplicateReservation(id) : Rules.ReservationFields(id, command.Gpus, command.Window);
        if (reason is null && !_pools.ContainsKey(command.PoolId)) reason = Rules.UnknownPool("reserve", id, command.PoolId);
        if (reason is null) reason = OverCapacity("reserve", id, _pools[command.PoolId], command.Gpus, start, end);
        if (reason is not null)
        {
            events.Add(MarketEvent.Rejected(id, reason));
            return;
        }
        var pool = _pools[command.PoolId];
        pool.Sold.Add(start, end, command.Gpus);
        pool.Used.Add(start, end, command.Gpus);
        _usedReservationIds.Add(id);
        _reservations[id] = new Reservation(id, command.Account, pool, command.Gpus, start, end);
        events.Add(MarketEvent.Reserved(id));
    }

    private void Release(ReleaseCommand command, List<MarketEvent> events)
    {
        var requested = command.From.Value;
        if (!_reservations.TryGetValue(command.ReservationId, out var reservation) || Math.Max(requested, reservation.Start) >= reservation.End)
        {
            events.Add(MarketEvent.Rejected(command.ReservationId, Rules.NothingToRelease(command.ReservationId, requested)));
            return;
        }
        var from = Math.Max(requested, reservation.Start);
        reservation.Pool.Sold.Add(from, reservation.End, -reservation.Gpus);
        reservation.Pool.Used.Add(from, reservation.End, -reservation.Gpus);
        if (from == reservation.Start) _reservations.Remove(command.ReservationId);
        else _reservations[command.ReservationId] = reservation with { End = from };
        events.Add(MarketEvent.Released(command.ReservationId));
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
    private Ask? BestAsk(string sku, string? region, int gpus, int start, int end, long limitTicks, string buyer, bool remember)
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
        var book = BookOf(bid.Sku);
        ref var levels = ref CollectionsMarshal.GetValueRefOrAddDefault(book.BidsByStartBucket, bid.Start / BucketHours, out _);
        (levels ??= new PriceLevels<BidEntry>()).Add(-bid.LimitTicks, new BidEntry(bid));
    }

    private void RemoveBid(Bid bid)
    {
        _orders[bid.Id] = null;
        _resting--;
        var book = BookOf(bid.Sku);
        var bucket = bid.Start / BucketHours;
        if (book.BidsByStartBucket[bucket].Remove(-bid.LimitTicks, bid.Sequence)) book.BidsByStartBucket.Remove(bucket);
    }

    private SkuBook BookOf(string sku)
    {
        ref var book = ref CollectionsMarshal.GetValueRefOrAddDefault(_books, sku, out _);
        return book ??= new SkuBook();
    }

    /// <summary>A small number standing for a region or account name, so order entries compare integers.</summary>
    private int Intern(string name)
    {
        ref var id = ref CollectionsMarshal.GetValueRefOrAddDefault(_names, name, out var exists);
        if (!exists) id = _names.Count - 1;
        return id;
    }

    private PoolState NewPool(string id, string provider, string region, string sku, List<Segment> segments) =>
        new(id, provider, region, Intern(region), sku, BookOf(sku), segments);

    public bool IsOpen(string orderId) => _orders.GetValueOrDefault(orderId) is not null;

    public PoolInfo? Pool(string poolId) => _pools.TryGetValue(poolId, out var p) ? new PoolInfo(p.Id, p.Provider, p.Region, p.Sku) : null;

    public IReadOnlyList<BookLevel> Asks(string sku, string? region) =>
        !_books.TryGetValue(sku, out var book) ? [] : Levels(book.RestingAsks().Where(a => region is null || a.Pool.Region == region)
            .Select(a => (a.PriceTicks, GpuHours: GpuHours(a.Remaining), Max: a.Remaining.Max(a.Start, a.End), a.Start, a.End)), descending: false);

    public IReadOnlyList<BookLevel> Bids(string sku, string? region) =>
        !_books.TryGetValue(sku, out var book) ? [] : Levels(book.RestingBids().Where(b => region is null || b.Region is null || b.Region == region)
            .Select(b => (b.LimitTicks, GpuHours: (long)b.Gpus * (b.End - b.Start), Max: b.Gpus, b.Start, b.End)), descending: true);

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

    public MarketState Export() => Capture()();

    public Func<MarketState> Capture()
    {
        // Copied now: everything that changes as commands arrive. Bids, reservations and ids are immutable, so their
        // references are enough; the ordering is left to the caller's thread.
        var sequence = _sequence;
        var pools = _pools.Values.Select(p => new MarketState.PoolState(p.Id, p.Provider, p.Region, p.Sku, [.. p.Segments], [.. p.Sold.Segments()])).ToArray();
        var asks = new List<MarketState.AskState>(_resting);
        var bids = new List<Bid>(_resting);
        var usedIds = new string[_orders.Count];
        var used = 0;
        foreach (var (id, order) in _orders)
        {
            usedIds[used++] = id;
            if (order is Ask a) asks.Add(new MarketState.AskState(a.Id, a.Account, a.Pool.Id, a.Gpus, a.Start, a.End, a.PriceTicks, a.Sequence, [.. a.Remaining.Segments()]));
            else if (order is Bid b) bids.Add(b);
        }
        var reservations = _reservations.Values.ToArray();
        var usedReservationIds = _usedReservationIds.ToArray();
        return () => new MarketState(
            sequence,
            pools.OrderBy(p => p.Id, StringComparer.Ordinal).ToList(),
            asks.OrderBy(a => a.Sequence).ToList(),
            bids.OrderBy(b => b.Sequence).Select(b => new MarketState.BidState(b.Id, b.Account, b.Sku, b.Region, b.Gpus, b.Start, b.End, b.LimitTicks, b.Sequence)).ToList(),
            usedIds.Order(StringComparer.Ordinal).ToList(),
            reservations.OrderBy(r => r.Id, StringComparer.Ordinal).Select(r => new MarketState.ReservationState(r.Id, r.Account, r.Pool.Id, r.Gpus, r.Start, r.End)).ToList())
        {
            UsedReservationIds = usedReservationIds.Order(StringComparer.Ordinal).ToList(),
        };
    }

    public void Import(MarketState state)
    {
        _pools.Clear();
        _orders.Clear();
        _resting = 0;
        _books.Clear();
        _names.Clear();
        _sequence = state.Sequence;
        foreach (var p in state.Pools)
        {
            var pool = NewPool(p.Id, p.Provider, p.Region, p.Sku, [.. p.Capacity]);
            foreach (var s in p.Sold)
            {
                pool.Sold.Add(s.Start, s.End, s.Gpus);
                pool.Used.Add(s.Start, s.End, s.Gpus);
            }
            _pools[p.Id] = pool;
        }
        foreach (var a in state.Asks)
        {
            var pool = _pools[a.Pool];
            var ask = new Ask(a.Id, a.Account, pool, a.Gpus, a.Start, a.End, a.PriceTicks, a.Sequence);
            foreach (var s in a.Remaining)
            {
                ask.Remaining.Add(s.Start, s.End, s.Gpus);
                pool.Used.Add(s.Start, s.End, s.Gpus);
            }
            AddAsk(ask);
        }
        foreach (var b in state.Bids)
        {
            AddBid(new Bid(b.Id, b.Account, b.Sku, b.Region, b.Gpus, b.Start, b.End, b.LimitTicks, b.Sequence));
        }
        foreach (var id in state.UsedOrderIds) _orders.TryAdd(id, null);
        _reservations.Clear();
        _usedReservationIds.Clear();
        // Reserved GPUs are already in the pools' sold steps of the snapshot; only the records come back here.
        foreach (var r in state.Reservations ?? []) _reservations[r.Id] = new Reservation(r.Id, r.Account, _pools[r.Pool], r.Gpus, r.Start, r.End);
        foreach (var id in state.UsedReservationIds) _usedReservationIds.Add(id);
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

    private sealed class PoolState(string id, string provider, string region, int regionId, string sku, SkuBook book, List<Segment> segments)
    {
        public string Id { get; } = id;
        public string Provider { get; } = provider;
        public string Region { get; } = region;
        public int RegionId { get; } = regionId;
        public string Sku { get; } = sku;
        public SkuBook Book { get; } = book;
        public List<Segment> Segments { get; } = segments;
        public StepFunction Capacity { get; } = StepFunction.Of(segments);
        public StepFunction Sold { get; } = new();
        public StepFunction Used { get; } = new();
    }

    private sealed class Ask(string id, string account, PoolState pool, int gpus, int start, int end, long priceTicks, long sequence)
    {
        public string Id { get; } = id;
        public string Account { get; } = account;
        public PoolState Pool { get; } = pool;
        public int Gpus { get; } = gpus;
        public int Start { get; } = start;
        public int End { get; } = end;
        public long PriceTicks { get; } = priceTicks;
        public long Sequence { get; } = sequence;
        public StepFunction Remaining { get; } = new();
    }

    /// <summary>The resting orders of one SKU, filed by bucket for matching.</summary>
    private sealed class SkuBook
    {
        public Dictionary<int, PriceLevels<AskEntry>> AsksByBucket { get; } = [];
        public Dictionary<int, PriceLevels<BidEntry>> BidsByStartBucket { get; } = [];

        /// <summary>Every resting ask once: each is read from the bucket of its first hour.</summary>
        public IEnumerable<Ask> RestingAsks() =>
            from pair in AsksByBucket
            from level in pair.Value.Levels.ToArray()
            from entry in level.Items.ToArray()
            where !entry.Removed && entry.Ask.Start / BucketHours == pair.Key
            select entry.Ask;

        /// <summary>Every resting bid (each is filed under one bucket).</summary>
        public IEnumerable<Bid> RestingBids() =>
            from levels in BidsByStartBucket.Values
            from level in levels.Levels.ToArray()
            from entry in level.Items.ToArray()
            where !entry.Removed
            select entry.Bid;
    }

    /// <summary>An ask as a bucket's price level files it, with what a bid's search tests inline.</summary>
    private struct AskEntry(Ask ask, int region, int account, ulong slotMaxima) : ILevelEntry
    {
        public readonly Ask Ask = ask;

        /// <summary>The ask's GPUs left by hour, read directly for the exact test (one hop fewer than through the ask).</summary>
        public readonly StepFunction Remaining = ask.Remaining;

        public readonly int End = ask.End;
        public readonly int Region = region;
        public readonly int Account = account;

        /// <summary>
        /// The most GPUs left in any hour of each eighth of this bucket, a byte each (capped at 255): a bid needs at least
        /// its GPUs in every eighth its window meets, so most asks that cannot fill it are passed over without reading
        /// their steps.
        /// </summary>
        public ulong SlotMaxima = slotMaxima;

        /// <summary>A step of the ask's hours <c>[ShortFrom, ShortUntil)</c> that had only <see cref="ShortOf"/> GPUs left when a bid last found it short (empty at first).</summary>
        public int ShortFrom, ShortUntil, ShortOf;

        /// <summary>The ask's first hour, or int.MaxValue once removed (so no window test passes).</summary>
        public int Start { get; private set; } = ask.Start;

        public readonly long Sequence { get; } = ask.Sequence;
        public readonly bool Removed => Start == int.MaxValue;
        public void Remove() => Start = int.MaxValue;
    }

    /// <summary>A bid as the bucket it starts in files it, with its window inline.</summary>
    private struct BidEntry(Bid bid) : ILevelEntry
    {
        public readonly Bid Bid = bid;
        public readonly int Start = bid.Start;
        public readonly int End = bid.End;

        public readonly long Sequence { get; } = bid.Sequence;
        public bool Removed { get; private set; }
        public void Remove() => Removed = true;
    }

    private sealed record Reservation(string Id, string Account, PoolState Pool, int Gpus, int Start, int End);

    private sealed record Bid(string Id, string Account, string Sku, string? Region, int Gpus, int Start, int End, long LimitTicks, long Sequence)
    {
        public static readonly IComparer<Bid> ByLimitThenTime = Comparer<Bid>.Create((a, b) =>
            a.LimitTicks != b.LimitTicks ? b.LimitTicks.CompareTo(a.LimitTicks) : a.Sequence.CompareTo(b.Sequence));
    }
}
