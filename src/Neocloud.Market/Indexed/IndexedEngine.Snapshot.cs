using Neocloud.Domain.Money;
using Neocloud.Market.Commands;
using Neocloud.Market.Engine;

namespace Neocloud.Market.Indexed;

/// <summary>The engine's state out to a snapshot and back in.</summary>
public sealed partial class IndexedEngine
{
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
            bids.OrderBy(b => b.Sequence).Select(b => new MarketState.BidState(b.Id, b.Account, b.Sku, b.Region, b.Gpus, b.Start, b.End, b.LimitTicks, b.Sequence)
            {
                Alternatives = b.Alternatives?.Select(a => new MarketState.AlternativeState(a.Sku, a.Limit.Ticks)).ToList(),
                Pool = b.Pool?.Id,
            }).ToList(),
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
            AddBid(new Bid(b.Id, b.Account, b.Sku, b.Region, b.Gpus, b.Start, b.End, b.LimitTicks, b.Sequence)
            {
                Alternatives = b.Alternatives?.Select(a => new Alternative(a.Sku, Price.FromTicks(a.LimitTicks))).ToArray(),
                Pool = b.Pool is null ? null : _pools[b.Pool],
            });
        }
        foreach (var id in state.UsedOrderIds) _orders.TryAdd(id, null);
        _reservations.Clear();
        _usedReservationIds.Clear();
        // Reserved GPUs are already in the pools' sold steps of the snapshot; only the records come back here.
        foreach (var r in state.Reservations ?? []) _reservations[r.Id] = new Reservation(r.Id, r.Account, _pools[r.Pool], r.Gpus, r.Start, r.End);
        foreach (var id in state.UsedReservationIds) _usedReservationIds.Add(id);
    }
}
