using Neocloud.Domain.Offtake;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Offtake;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Offtake;
using Neocloud.Offtake.Contracts;
using Neocloud.Offtake.Rfqs;
using Neocloud.Storage;

namespace Neocloud.Exchange.Events;

/// <summary>
/// Time's transitions, journaled as ticks: an RFQ reaching its closing time (<see cref="RfqClosed"/>), a month of a
/// contract ending with its late tranches and invoices (<see cref="ContractMonthClosed"/>, one per contract and month,
/// oldest first), and invoices of closed months that came due later (<see cref="InvoicesIssued"/>). Each is submitted
/// to the shard that keeps the RFQ or the contract (its home SKU's group), whose book state takes it once, so every
/// node of a cluster may run the sweep: a tick already journaled is refused and passed over. The events each causes
/// (<c>rfq.closed</c>, <c>tranche.late</c>, <c>invoice.issued</c>) are the fact's, written in its commit; those an older
/// build already published under a mark (<c>rfq-closed:…</c>, <c>tranche-late:…</c>, <c>invoice:…</c>) are left out.
/// RFQs are one query a sweep; the contracts (each read with its history) are read again only when the month or what
/// they depend on changed (a contract, a delivery, an SLA report or a termination, on any node), or every
/// <see cref="ContractRescan"/> regardless.
/// </summary>
public sealed class TimedEvents(ExchangeStore store, IMarket market, TimeProvider clock)
{
    /// <summary>The actor a tick's journal row names: the exchange's clock.</summary>
    public const string Actor = "exchange";

    /// <summary>The longest the contracts go unread by the sweep.</summary>
    public static readonly TimeSpan ContractRescan = TimeSpan.FromMinutes(5);

    private (CalendarMonth Month, string Fingerprint, DateTimeOffset At)? _lastContractScan;

    /// <summary>Journals the ticks that have come due since the last sweep; returns how many events they wrote.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var written = 0;
        foreach (var rfq in await store.RfqsToCloseAsync(nowMs, cancellationToken))
        {
            var offers = (await store.OffersAsync(rfq.Id, null, cancellationToken)).Count;
            var marked = await store.MarkedAsync([RfqMark(rfq.Id)], cancellationToken);
            var closed = new RfqClosed(rfq.Id, rfq.ClosesMs, offers)
            {
                Events = marked.Count > 0 ? [] : [ExchangeEvent.Of(rfq.BuyerId, EventTypes.RfqClosed, rfq.ClosesMs, new RfqOffers(rfq.Id, offers))],
            };
            written += await TickAsync(closed, OfftakeDesk.HomeSku(OfftakeJson.Read<RfqTerms>(rfq.Terms)));
        }

        var month = CalendarMonth.Of(now);
        var fingerprint = await store.OfftakeFingerprintAsync(cancellationToken);
        if (_lastContractScan is { } last && last.Month == month && last.Fingerprint == fingerprint && now - last.At < ContractRescan) return written;
        var ticks = await store.ClockTicksAsync(cancellationToken);
        var lastClosed = ticks.ClosedMonths.GroupBy(m => m.ContractId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Max(m => CalendarMonth.Parse(m.Month)), StringComparer.Ordinal);
        var issued = ticks.Issued.Select(i => (i.ContractId, i.Month, i.Payer)).ToHashSet();
        foreach (var record in await store.OfftakesForAsync(null, cancellationToken))
        {
            if (record.Status != ContractStatus.Active) continue;
            var state = await OfftakeState.LoadAsync(store, record, cancellationToken);
            CalendarMonth? closedThrough = lastClosed.TryGetValue(record.Id, out var through) ? through : null;
            // Invoices of months closed with nothing to pay that a delivery or SLA report recorded since has made due.
            var later = closedThrough is { } c
                ? state.InvoicesFor(record.SellerId, month).Where(i => i.Month <= c && i.DueUsd != 0m && !issued.Contains((record.Id, i.Month.ToString(), i.BilledTo!)))
                    .ToList()
                : [];
            // Each month to close read from the ledger once: its late tranches and its invoices.
            var months = MonthClose.Due(state.Terms, closedThrough, month)
                .Select(m => (Ended: m, Late: MonthClose.BecameLate(state, m), Invoices: MonthClose.Invoices(state, m))).ToList();
            if (later.Count == 0 && months.Count == 0) continue;
            var marks = await store.MarkedAsync(later.Select(i => InvoiceMark(record, i))
                .Concat(months.SelectMany(m => m.Late.Select(s => LateMark(record.Id, s.Number)).Concat(m.Invoices.Select(i => InvoiceMark(record, i))))).ToList(),
                cancellationToken);
            if (later.Count > 0)
                written += await TickAsync(new InvoicesIssued(record.Id, nowMs, later.Select(Issued).ToList()) { Events = InvoiceEvents(record, later, marks, nowMs) },
                    record.Sku);
            foreach (var (ended, late, invoices) in months)
            {
                var events = late.Where(s => !marks.Contains(LateMark(record.Id, s.Number)))
                    .SelectMany(s => ExchangeEvent.ForEach([record.BuyerId, record.SellerId], EventTypes.TrancheLate, nowMs,
                        new TrancheEvent(record.Id, s.Number, s.Gpus, s.Due, null, s.MonthsLate, null)))
                    .Concat(InvoiceEvents(record, invoices, marks, nowMs)).ToList();
                var fact = new ContractMonthClosed(record.Id, ended.ToString(), nowMs, late.Select(s => s.Number).ToList(), invoices.Select(Issued).ToList())
                {
                    Events = events,
                };
                written += await TickAsync(fact, record.Sku);
            }
        }
        _lastContractScan = (month, fingerprint, now);
        return written;
    }

    /// <summary>
    /// Submits a tick to its shard; the number of events it wrote (0 when the shard refused it: journaled already, by
    /// this node or another). A shard that could not take it (moving, or its store failing) fails the sweep, which the
    /// next one repeats.
    /// </summary>
    private async Task<int> TickAsync(BookFact tick, string sku)
    {
        var outcome = await market.SubmitAsync(new TransactionRequest(Actor, [], tick, sku));
        if (outcome.Failure is { Kind: FailureKind.Unavailable }) throw new ShardStoppedException(sku);
        return outcome.IsAccepted ? tick.Events.Count : 0;
    }

    /// <summary>Each part of an invoice goes to whoever pays it (the buyer, or an assignee from its month) and the seller, unless an older build published it.</summary>
    private static List<EventRecord> InvoiceEvents(OfftakeRecord record, IEnumerable<Invoice> invoices, HashSet<string> marks, long nowMs) =>
        invoices.Where(i => !marks.Contains(InvoiceMark(record, i)))
            .SelectMany(i => ExchangeEvent.ForEach([i.BilledTo!, record.SellerId], EventTypes.InvoiceIssued, nowMs, new InvoiceEvent(record.Id, i.BilledTo!, record.SellerId, i)))
            .ToList();

    private static IssuedInvoice Issued(Invoice invoice) => new(invoice.Month.ToString(), invoice.BilledTo!, OfftakeJson.Write(invoice));

    /// <summary>The mark under which an older build published an RFQ's closing.</summary>
    private static string RfqMark(string rfqId) => $"rfq-closed:{rfqId}";

    /// <summary>The mark under which an older build published a tranche's lateness.</summary>
    private static string LateMark(string contractId, int tranche) => $"tranche-late:{contractId}:{tranche}";

    /// <summary>The mark under which an older build published an invoice part (the buyer's without a payer suffix).</summary>
    private static string InvoiceMark(OfftakeRecord record, Invoice invoice) =>
        invoice.BilledTo == record.BuyerId ? $"invoice:{record.Id}:{invoice.Month}" : $"invoice:{record.Id}:{invoice.Month}:{invoice.BilledTo}";
}
