using Neocloud.Exchange.Alerts;
using Neocloud.Exchange.Events;
using Neocloud.Exchange.Offtake;
using Neocloud.Storage;

namespace Neocloud.Exchange.Shard;

/// <summary>Price alerts, evaluated where the market changes: on the shard's loop, after a batch's commands, from the engine in memory.</summary>
public sealed partial class MarketShard
{
    private AlertBook _alerts = new();

    /// <summary>Decides an alert fact on the loop (<see cref="AlertBook.Decide"/>); null when it changes nothing (a curve that moved no alert).</summary>
    private BookDecision? DecideAlert(AlertFact fact, long nowMs)
    {
        var decided = _alerts.Decide(fact, _engine, nowMs, out var refusal);
        return refusal is not null ? new BookDecision(refusal, fact, RunSteps: false) : decided is null ? null : new BookDecision(null, decided, RunSteps: false);
    }

    /// <summary>
    /// After a batch's commands: journals, after them in the same commit, the alerts whose conditions the batch's orders
    /// and trades changed (one line for each SKU, with its <c>alert.triggered</c> events). Costs nothing while no alert
    /// watches the book or the trades, and nothing for a batch that changed no order.
    /// </summary>
    private void EvaluateAlerts(long nowMs)
    {
        if (!_alerts.WatchesMarket || (_batch.NewOrders.Count == 0 && _batch.OrderUpdates.Count == 0 && _batch.Trades.Count == 0)) return;
        foreach (var crossed in _alerts.Evaluate(_batch.Trades, _engine, nowMs))
        {
            var sequence = Interlocked.Increment(ref _sequence);
            var fact = NamedAlertEvents(crossed, sequence, nowMs, Group);
            _alerts.Apply(fact);
            _batch.Journal.Add(new JournalEntry(sequence, nowMs, Accounts.AccountDesk.Actor, BookFacts.Format(fact), JournalActor.Exchange.Text));
            _batch.Facts.Add(fact);
            _batch.Events.AddRange(fact.Events);
        }
    }

    /// <summary>An alert fact whose events are named after its journal line's place, so two nodes deciding it alike name them alike.</summary>
    private static AlertFact NamedAlertEvents(AlertFact fact, long sequence, long nowMs, string? group)
    {
        if (fact.Events.Count == 0) return fact;
        var seed = ExchangeEvent.IdSeed(group ?? JournalChain.NoShard, sequence, nowMs, EventTypes.AlertTriggered);
        return fact with { Events = [.. fact.Events.Select((e, i) => e with { Id = ExchangeEvent.IdAt(seed, i) })] };
    }
}
