using Neocloud.Server.Http;
using Neocloud.Storage;

namespace Neocloud.Server.Exchange;

public sealed partial class ExchangeService
{
    /// <summary>Applies one command to the engine and adds its journal row and read-model changes to the batch.</summary>
    private ApiResponse Apply(CommandItem item, DateTimeOffset now)
    {
        var key = item.Idempotency;
        if (key is not null && _recentKeys.TryGetValue((key.OrganizationId, key.IdempotencyKey), out var seen))
        {
            // The same key arrived twice before the first was stored: the second gets the first's answer.
            return seen.Hash == key.RequestHash
                ? seen.Response
                : ApiResponse.Problem(422, "Idempotency-Key reused", "this Idempotency-Key was used for a different request; use a new key for a new request");
        }

        CommandResult result;
        if (item.Command is Transaction transaction)
        {
            result = ApplyTransaction(transaction, now.ToUnixTimeMilliseconds());
        }
        else
        {
            var outcome = _engine.Apply(item.Command);
            result = outcome.IsRejected
                ? new CommandResult(outcome.RejectedReason, null, [], null)
                : Record(item.Command, outcome, now.ToUnixTimeMilliseconds());
        }
        var response = item.Respond(result);

        if (key is not null)
        {
            _batch.Idempotency.Add(key with { StatusCode = response.Status, Response = response.Json });
            if (_recentKeys.Count > 100_000) PruneKeys(now);
            _recentKeys[(key.OrganizationId, key.IdempotencyKey)] = (key.RequestHash, response, now);
        }
        return response;
    }

    /// <summary>Applies the steps in order; on the first rejection releases what the earlier steps reserved, and stores nothing else.</summary>
    private CommandResult ApplyTransaction(Transaction transaction, long nowMs)
    {
        var reserved = new List<ReserveCapacity>();
        CommandResult? last = null;
        foreach (var step in transaction.Steps)
        {
            var outcome = _engine.Apply(step);
            if (outcome.IsRejected)
            {
                // The reservations made are journaled, so their release is too: a replay walks the same way.
                foreach (var reservation in reserved)
                {
                    var release = new ReleaseCapacity(transaction.OrganizationId, reservation.ReservationId, reservation.Window.Start);
                    Record(release, _engine.Apply(release), nowMs);
                }
                return new CommandResult(outcome.RejectedReason, null, [], null);
            }
            last = Record(step, outcome, nowMs);
            if (step is ReserveCapacity reserve) reserved.Add(reserve);
        }
        _batch.Writes.AddRange(transaction.Writes);
        return last ?? new CommandResult(null, null, [], null);
    }

    private CommandResult Record(ExchangeCommand command, CommandOutcome outcome, long nowMs)
    {
        var sequence = Interlocked.Increment(ref _sequence);
        _batch.Journal.Add(new JournalEntry(sequence, nowMs, command.OrganizationId, _engine.ToJournalLine(command)));
        switch (command)
        {
            case CreatePool pool:
            {
                var record = new PoolRecord(pool.PoolId, pool.OrganizationId, pool.SiteId, pool.Sku, pool.Region, sequence);
                _batch.Pools.Add(record);
                foreach (var step in pool.Capacity)
                    _batch.Capacity.Add(new CapacitySegmentRecord(pool.PoolId, step.Window.Start.Value, step.Window.End.Value, step.Gpus));
                return new CommandResult(null, null, [], record);
            }
            case AddCapacity add:
                _batch.Capacity.Add(new CapacitySegmentRecord(add.PoolId, add.Step.Window.Start.Value, add.Step.Window.End.Value, add.Step.Gpus));
                return new CommandResult(null, null, [], null);
            case PlaceBid bid:
            {
                var trades = Trades(outcome, sequence, nowMs);
                var status = outcome.Trades.Count > 0 ? "filled" : outcome.Rested ? "open" : "cancelled";
                var order = new OrderRecord(bid.OrderId, bid.OrganizationId, "bid", bid.Sku, bid.Region, null, bid.Gpus, bid.Window.Start.Value,
                    bid.Window.End.Value, bid.Limit.Ticks, bid.ImmediateOrCancel ? "IOC" : "GTC", status, trades.Sum(t => t.GpuHours), sequence, nowMs, nowMs);
                _batch.NewOrders.Add(order);
                foreach (var trade in trades)
                    _batch.OrderUpdates.Add(new OrderUpdate(trade.AskId, _engine.IsOpen(trade.AskId) ? "open" : "filled", trade.GpuHours, nowMs));
                return new CommandResult(null, order, trades, null);
            }
            case PlaceAsk ask:
            {
                var trades = Trades(outcome, sequence, nowMs);
                var pool = _engine.Pool(ask.PoolId)!;
                var order = new OrderRecord(ask.OrderId, ask.OrganizationId, "ask", pool.Sku, pool.Region, ask.PoolId, ask.Gpus, ask.Window.Start.Value,
                    ask.Window.End.Value, ask.Price.Ticks, null, outcome.Rested ? "open" : "filled", trades.Sum(t => t.GpuHours), sequence, nowMs, nowMs);
                _batch.NewOrders.Add(order);
                foreach (var trade in trades) _batch.OrderUpdates.Add(new OrderUpdate(trade.BidId, "filled", trade.GpuHours, nowMs));
                return new CommandResult(null, order, trades, null);
            }
            case CancelOrder cancel:
                _batch.OrderUpdates.Add(new OrderUpdate(cancel.OrderId, "cancelled", 0, nowMs));
                return new CommandResult(null, null, [], null);
            case ReserveCapacity or ReleaseCapacity:
                return new CommandResult(null, null, [], null);
            default:
                throw new InvalidOperationException($"unknown command {command.GetType().Name}");
        }
    }

    private List<TradeRecord> Trades(CommandOutcome outcome, long sequence, long nowMs)
    {
        var trades = new List<TradeRecord>(outcome.Trades.Count);
        foreach (var fill in outcome.Trades)
        {
            var pool = _engine.Pool(fill.PoolId)!;
            var trade = new TradeRecord(++_tradeNo, sequence, fill.BidId, fill.AskId, fill.Buyer, fill.Seller, fill.PoolId, pool.Sku, pool.Region,
                fill.Gpus, fill.Window.Start.Value, fill.Window.End.Value, fill.Price.Ticks, nowMs);
            trades.Add(trade);
            _batch.Trades.Add(trade);
        }
        return trades;
    }

    private void PruneKeys(DateTimeOffset now)
    {
        foreach (var (key, entry) in _recentKeys)
        {
            if (now - entry.At > s_keyMemory) _recentKeys.Remove(key);
        }
    }
}
