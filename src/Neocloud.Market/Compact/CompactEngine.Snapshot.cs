using Neocloud.Market.Engine;

namespace Neocloud.Market.Compact;

/// <summary>The engine's state out to a snapshot (<see cref="MarketState"/>, which every engine reads) and back in.</summary>
public sealed partial class CompactEngine
{
    public MarketState Export() => Capture()();

    public Func<MarketState> Capture()
    {
        // Copied now: everything that changes as commands arrive (handles are reused, so orders are read out whole);
        // the ordering is left to the caller's thread.
        var sequence = _sequence;
        var pools = new MarketState.PoolState[_poolIds.Count];
        for (var i = 0; i < pools.Length; i++)
        {
            var p = _pools[i];
            pools[i] = new MarketState.PoolState(p.Id, p.Provider, p.Region, p.Sku, [.. p.Segments], [.. p.Sold.Segments()]);
        }
        var asks = new List<MarketState.AskState>(_resting);
        var bids = new List<MarketState.BidState>(_resting);
        var usedIds = _orderIds.Names.ToArray();
        for (var id = 0; id < usedIds.Length; id++)
        {
            var resting = _restingAs[id];
            if (resting == NotResting) continue;
            if ((resting & 1) == 0) asks.Add(AskState(resting >> 1));
            else bids.Add(BidState(resting >> 1));
        }
        var reservations = _reservations.Values.Select(r => new MarketState.ReservationState(r.Id, r.Account, _pools[r.Pool].Id, r.Gpus, r.Start, r.End)).ToArray();
        var usedReservationIds = _usedReservationIds.ToArray();
        return () => new MarketState(
            sequence,
            pools.OrderBy(p => p.Id, StringComparer.Ordinal).ToList(),
            asks.OrderBy(a => a.Sequence).ToList(),
            bids.OrderBy(b => b.Sequence).ToList(),
            usedIds.Order(StringComparer.Ordinal).ToList(),
            reservations.OrderBy(r => r.Id, StringComparer.Ordinal).ToList())
        {
            UsedReservationIds = usedReservationIds.Order(StringComparer.Ordinal).ToList(),
        };
    }

    private MarketState.AskState AskState(int ask)
    {
        ref readonly var a = ref _asks[ask];
        return new MarketState.AskState(_orderIds[a.Id], _names[_askSteps[ask].Account], _pools[a.Pool].Id, a.Gpus, a.Start, a.End, a.PriceTicks, a.Sequence,
            Steps.Segments(StepsOf(ask)));
    }

    private MarketState.BidState BidState(int bid)
    {
        ref readonly var b = ref _bids[bid];
        List<MarketState.AlternativeState>? alternatives = null;
        if (b.Alternatives >= 0)
        {
            ref readonly var set = ref _alternatives[b.Alternatives];
            alternatives = new List<MarketState.AlternativeState>(set.Count);
            for (var i = 0; i < set.Count; i++) alternatives.Add(new MarketState.AlternativeState(_skus[set.Skus[i]], set.Limits[i]));
        }
        return new MarketState.BidState(_orderIds[b.Id], _names[b.Account], _skus[b.Sku], b.Region < 0 ? null : _names[b.Region], b.Gpus, b.Start, b.End, b.LimitTicks, b.Sequence)
        {
            Alternatives = alternatives,
            Pool = b.Pool < 0 ? null : _pools[b.Pool].Id,
        };
    }

    /// <summary>The handle of a resting order's id read from a snapshot (its used ids list it; an older writer's might not).</summary>
    private int OrderIdOf(string id) => _orderIds.Find(id) is var handle and >= 0 ? handle : UseOrderId(id);

    public void Import(MarketState state)
    {
        var orders = state.UsedOrderIds.Count + 1024;
        _orderIds = new IdTable(orders);
        _restingAs = new int[Math.Max(1024, orders)];
        _poolIds = new IdTable(state.Pools.Count);
        _pools = new PoolState[Math.Max(16, state.Pools.Count)];
        _names = new IdTable();
        _skus = new IdTable();
        _books = new SkuBook[8];
        _asks = new AskBody[Math.Max(1024, state.Asks.Count)];
        _askSteps = new AskSteps[_asks.Length];
        _askHandles = new Handles();
        _overflow = new Breakpoint[]?[16];
        _overflowHandles = new Handles();
        _bids = new BidBody[Math.Max(1024, state.Bids.Count)];
        _bidHandles = new Handles();
        _alternatives = new AlternativeSet[16];
        _alternativeHandles = new Handles();
        _reservations = new Dictionary<string, Reservation>(StringComparer.Ordinal);
        _usedReservationIds = new HashSet<string>(StringComparer.Ordinal);
        _resting = 0;
        _sequence = state.Sequence;

        // Every used id first, added without a lookup (a snapshot names each once); resting orders then find theirs.
        foreach (var id in state.UsedOrderIds) UseOrderId(id);
        foreach (var p in state.Pools)
        {
            var pool = AddPool(p.Id, p.Provider, p.Region, p.Sku, [.. p.Capacity]);
            foreach (var s in p.Sold)
            {
                pool.Sold.Add(s.Start, s.End, s.Gpus);
                pool.Free.Add(s.Start, s.End, -s.Gpus);
            }
        }
        foreach (var a in state.Asks)
        {
            var poolHandle = _poolIds.Find(a.Pool);
            var pool = _pools[poolHandle];
            var ask = NewAsk();
            _asks[ask] = new AskBody { PriceTicks = a.PriceTicks, Sequence = a.Sequence, Id = OrderIdOf(a.Id), Pool = poolHandle, Gpus = a.Gpus, Start = a.Start, End = a.End };
            _askSteps[ask] = new AskSteps { Account = _names.Intern(a.Account) };
            var count = 0;
            foreach (var s in a.Remaining)
            {
                if (_scratch.Length < count + 2) Array.Resize(ref _scratch, (count + 2) * 2);
                count = Steps.Add(_scratch, count, s.Start, s.End, s.Gpus);
                pool.Free.Add(s.Start, s.End, -s.Gpus);
            }
            SetSteps(ask, _scratch.AsSpan(0, count));
            AddAsk(ask, pool);
        }
        foreach (var b in state.Bids)
        {
            var alternatives = -1;
            if (b.Alternatives is { } written)
            {
                alternatives = _alternativeHandles.Take();
                if (alternatives == _alternatives.Length) Array.Resize(ref _alternatives, alternatives * 2);
                ref var set = ref _alternatives[alternatives];
                set.Count = written.Count;
                for (var i = 0; i < written.Count; i++) (set.Skus[i], set.Limits[i]) = (_skus.Intern(written[i].Sku), written[i].LimitTicks);
            }
            var bid = NewBid();
            _bids[bid] = new BidBody
            {
                LimitTicks = b.LimitTicks, Sequence = b.Sequence, Id = OrderIdOf(b.Id), Account = _names.Intern(b.Account), Sku = _skus.Intern(b.Sku),
                Region = b.Region is null ? -1 : _names.Intern(b.Region), Pool = b.Pool is null ? -1 : _poolIds.Find(b.Pool), Alternatives = alternatives,
                Gpus = b.Gpus, Start = b.Start, End = b.End,
            };
            AddBid(bid);
        }
        // Reserved GPUs are already in the pools' sold steps of the snapshot; only the records come back here.
        foreach (var r in state.Reservations ?? []) _reservations[r.Id] = new Reservation(r.Id, r.Account, _poolIds.Find(r.Pool), r.Gpus, r.Start, r.End);
        foreach (var id in state.UsedReservationIds) _usedReservationIds.Add(id);
    }
}
