using Neocloud.Market.Commands;
using Neocloud.Market.Engine;

namespace Neocloud.Market.Compact;

/// <summary>Pools and their capacity, cancels, and reservations outside the book.</summary>
public sealed partial class CompactEngine
{
    private void CreatePool(PoolCommand command, List<MarketEvent> events)
    {
        if (_poolIds.Find(command.PoolId) >= 0)
        {
            events.Add(MarketEvent.Rejected(command.PoolId, Rules.DuplicatePool(command.PoolId)));
            return;
        }
        if (Rules.CapacitySegments(command.PoolId, command.Capacity) is { } error)
        {
            events.Add(MarketEvent.Rejected(command.PoolId, error));
            return;
        }
        AddPool(command.PoolId, command.Provider, command.Region, command.Sku, [.. command.Capacity]);
    }

    private PoolState AddPool(string id, string provider, string region, string sku, List<Segment> segments)
    {
        var skuId = _skus.Intern(sku);
        BookOf(skuId);
        var handle = _poolIds.Add(id);
        if (handle == _pools.Length) Array.Resize(ref _pools, handle * 2);
        return _pools[handle] = new PoolState(id, provider, _names.Intern(provider), region, _names.Intern(region), sku, skuId, segments);
    }

    private void AddCapacity(CapacityCommand command, List<MarketEvent> events)
    {
        var handle = _poolIds.Find(command.PoolId);
        if (handle < 0)
        {
            events.Add(MarketEvent.Rejected(command.PoolId, Rules.UnknownPool("capacity", command.PoolId, command.PoolId)));
            return;
        }
        var pool = _pools[handle];
        if (Rules.CapacitySegments(command.PoolId, [.. pool.Segments, command.Step]) is { } error)
        {
            events.Add(MarketEvent.Rejected(command.PoolId, error));
            return;
        }
        pool.Segments.Add(command.Step);
        pool.Capacity.Add(command.Step.Start, command.Step.End, command.Step.Gpus);
        pool.Free.Add(command.Step.Start, command.Step.End, command.Step.Gpus);
    }

    private void Cancel(CancelCommand command, List<MarketEvent> events)
    {
        var id = _orderIds.Find(command.OrderId);
        var resting = id < 0 ? NotResting : _restingAs[id];
        if (resting == NotResting)
        {
            events.Add(MarketEvent.Rejected(command.OrderId, Rules.NotCancellable(command.OrderId)));
            return;
        }
        if ((resting & 1) == 1) RemoveBid(resting >> 1);
        else
        {
            var ask = resting >> 1;
            var pool = _pools[_asks[ask].Pool];
            // The unsold rest goes back to the pool's free capacity.
            var steps = StepsOf(ask);
            for (var i = 0; i + 1 < steps.Length; i++)
            {
                if (steps[i].Value != 0) pool.Free.Add(steps[i].Hour, steps[i + 1].Hour, steps[i].Value);
            }
            RemoveAsk(ask);
        }
        events.Add(MarketEvent.Cancelled(command.OrderId));
    }

    /// <summary>Why <paramref name="gpus"/> more do not fit the pool in some hour of the window, or null when they do.</summary>
    private static string? OverCapacity(string kind, string id, PoolState pool, int gpus, int start, int end)
    {
        if (pool.Free.FirstStepBelow(gpus, start, end) is not { } step) return null;
        var hour = Math.Max(step.Start, start);
        var capacity = pool.Capacity.At(hour);
        return Rules.OverCapacity(kind, id, pool.Id, hour, capacity, capacity - pool.Free.At(hour), gpus);
    }

    private void Reserve(ReserveCommand command, List<MarketEvent> events)
    {
        var id = command.ReservationId;
        var (start, end) = (command.Window.Start.Value, command.Window.End.Value);
        var handle = _poolIds.Find(command.PoolId);
        var reason = _usedReservationIds.Contains(id) ? Rules.DuplicateReservation(id) : Rules.ReservationFields(id, command.Gpus, command.Window);
        if (reason is null && handle < 0) reason = Rules.UnknownPool("reserve", id, command.PoolId);
        if (reason is null) reason = OverCapacity("reserve", id, _pools[handle], command.Gpus, start, end);
        if (reason is not null)
        {
            events.Add(MarketEvent.Rejected(id, reason));
            return;
        }
        var pool = _pools[handle];
        pool.Sold.Add(start, end, command.Gpus);
        pool.Free.Add(start, end, -command.Gpus);
        _usedReservationIds.Add(id);
        _reservations[id] = new Reservation(id, command.Account, handle, command.Gpus, start, end);
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
        var pool = _pools[reservation.Pool];
        pool.Sold.Add(from, reservation.End, -reservation.Gpus);
        pool.Free.Add(from, reservation.End, reservation.Gpus);
        if (from == reservation.Start) _reservations.Remove(command.ReservationId);
        else _reservations[command.ReservationId] = reservation with { End = from };
        events.Add(MarketEvent.Released(command.ReservationId));
    }
}
