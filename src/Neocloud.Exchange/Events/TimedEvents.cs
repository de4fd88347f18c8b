using Neocloud.Domain.Offtake;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Offtake;
using Neocloud.Offtake.Contracts;
using Neocloud.Storage;

namespace Neocloud.Exchange.Events;

/// <summary>
/// The events that time causes rather than a command: an RFQ reaching its closing time, a tranche becoming late, a
/// month ending and its invoice falling due. Each is published once, under a mark written in the same transaction
/// (<c>rfq-closed:…</c>, <c>tranche-late:…</c>, <c>invoice:…</c>), so every node of a cluster may run the sweep: the
/// second to find an event due finds its mark taken and publishes nothing. RFQs are one query a sweep; the contracts
/// (each read with its history) are read again only when the month or what they depend on changed (a contract, a
/// delivery, an SLA report or a termination, on any node), or every <see cref="ContractRescan"/> regardless.
/// </summary>
public sealed class TimedEvents(ExchangeStore store, TimeProvider clock)
{
    /// <summary>The longest the contracts go unread by the sweep.</summary>
    public static readonly TimeSpan ContractRescan = TimeSpan.FromMinutes(5);

    private (CalendarMonth Month, string Fingerprint, DateTimeOffset At)? _lastContractScan;

    /// <summary>Publishes what has come due since the last sweep; returns how many events it wrote.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var written = 0;
        foreach (var rfq in await store.ClosedRfqsUnmarkedAsync(nowMs, cancellationToken))
        {
            var offers = (await store.OffersAsync(rfq.Id, null, cancellationToken)).Count;
            var closed = ExchangeEvent.Of(rfq.BuyerId, EventTypes.RfqClosed, rfq.ClosesMs, new RfqOffers(rfq.Id, offers));
            if (await store.PublishAsync([closed], $"rfq-closed:{rfq.Id}", cancellationToken)) written++;
        }

        var month = CalendarMonth.Of(now);
        var fingerprint = await store.OfftakeFingerprintAsync(cancellationToken);
        if (_lastContractScan is { } last && last.Month == month && last.Fingerprint == fingerprint && now - last.At < ContractRescan) return written;
        foreach (var record in await store.OfftakesForAsync(null, cancellationToken))
        {
            if (record.Status != ContractStatus.Active) continue;
            var state = await OfftakeState.LoadAsync(store, record, cancellationToken);
            var due = new List<(string Mark, string Type, object Data, string Buyer)>();
            foreach (var s in ContractLedger.Statuses(state.Terms, state.History, month))
            {
                if (s.State == TrancheState.Late)
                    due.Add(($"tranche-late:{record.Id}:{s.Number}", EventTypes.TrancheLate, new TrancheEvent(record.Id, s.Number, s.Gpus, s.Due, null, s.MonthsLate, null),
                        record.BuyerId));
            }
            // Each part of a month's invoice goes to whoever pays it (the buyer, or an assignee from its month) and the seller.
            foreach (var invoice in state.InvoicesFor(record.SellerId, month))
            {
                var payer = invoice.BilledTo ?? record.BuyerId;
                if (invoice.Month < month && invoice.DueUsd != 0)
                    due.Add((payer == record.BuyerId ? $"invoice:{record.Id}:{invoice.Month}" : $"invoice:{record.Id}:{invoice.Month}:{payer}", EventTypes.InvoiceIssued,
                        new InvoiceEvent(record.Id, payer, record.SellerId, invoice), payer));
            }
            if (due.Count == 0) continue;
            var marked = await store.MarkedAsync(due.Select(d => d.Mark).ToList(), cancellationToken);
            foreach (var (mark, type, data, buyer) in due)
            {
                if (marked.Contains(mark)) continue;
                var events = ExchangeEvent.ForEach([buyer, record.SellerId], type, nowMs, data).ToList();
                if (await store.PublishAsync(events, mark, cancellationToken)) written += events.Count;
            }
        }
        _lastContractScan = (month, fingerprint, now);
        return written;
    }
}
