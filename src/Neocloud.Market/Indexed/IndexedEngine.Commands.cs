using Neocloud.Market.Commands;
using Neocloud.Market.Engine;

namespace Neocloud.Market.Indexed;

/// <summary>Pools and their capacity, cancels, and reservations outside the book.</summary>
public sealed partial class IndexedEngine
{
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
}
