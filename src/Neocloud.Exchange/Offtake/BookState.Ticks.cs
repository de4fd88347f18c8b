using Neocloud.Domain.Time;
using Neocloud.Exchange.Outcomes;
using Neocloud.Storage;

namespace Neocloud.Exchange.Offtake;

/// <summary>
/// Time's transitions in the book's state machine: an RFQ closes once; a contract's months close once each, in order,
/// only once they have ended and while the contract is active; an invoice part (contract, month, payer) is issued once.
/// Every node may sweep and submit the same tick: the shard takes the first and refuses the others (a conflict the
/// sweep passes over), so the journal holds each tick once. The state kept is small: the RFQs closed, each contract's
/// last closed month and the invoice parts issued.
/// </summary>
public sealed partial class BookState
{
    private readonly HashSet<string> _closedRfqs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CalendarMonth> _lastClosed = new(StringComparer.Ordinal);
    private readonly HashSet<(string Contract, string Month, string Payer)> _issued = [];

    /// <summary>The state the stored book and its ticks hold (read at a shard's start, after its last commit).</summary>
    public static BookState From(BookRows rows, ClockTicks ticks)
    {
        var state = From(rows);
        state._closedRfqs.UnionWith(ticks.ClosedRfqs);
        foreach (var month in ticks.ClosedMonths) state.Closed(month.ContractId, CalendarMonth.Parse(month.Month));
        foreach (var invoice in ticks.Issued) state._issued.Add((invoice.ContractId, invoice.Month, invoice.Payer));
        return state;
    }

    /// <summary>True when an RFQ's closing is journaled.</summary>
    public bool IsClosed(string rfqId) => _closedRfqs.Contains(rfqId);

    /// <summary>A contract's last closed month, or null before its first.</summary>
    public CalendarMonth? LastClosed(string contractId) => _lastClosed.TryGetValue(contractId, out var month) ? month : null;

    private Failure? DecideTick(BookFact fact, long nowMs)
    {
        var thisMonth = CalendarMonth.Of(DateTimeOffset.FromUnixTimeMilliseconds(nowMs));
        switch (fact)
        {
            case RfqClosed closed:
                if (!_rfqs.TryGetValue(closed.RfqId, out var rfq)) return Failure.NotFound($"no RFQ '{closed.RfqId}'");
                if (_closedRfqs.Contains(closed.RfqId)) return Failure.Conflict("RFQ closed", $"RFQ {closed.RfqId}'s closing is journaled already");
                if (rfq.Status == Domain.Offtake.RfqStatus.Withdrawn) return Failure.Conflict("RFQ withdrawn", $"RFQ {closed.RfqId} was withdrawn");
                return nowMs < rfq.ClosesMs ? Failure.Conflict("RFQ still open", $"RFQ {closed.RfqId} closes later") : null;
            case ContractMonthClosed month:
            {
                var ended = CalendarMonth.Parse(month.Month);
                if (Active(month.ContractId) is { } problem) return problem;
                if (ended >= thisMonth) return Failure.Conflict("Month not over", $"{ended} has not ended yet (this month is {thisMonth})");
                if (LastClosed(month.ContractId) is { } last && ended <= last)
                    return Failure.Conflict("Month closed", $"{ended} of contract {month.ContractId} is closed already (the last closed month is {last})");
                if (LastClosed(month.ContractId) is { } before && ended != before.AddMonths(1))
                    return Failure.Conflict("Months close in order", $"contract {month.ContractId} closes {before.AddMonths(1)} before {ended}");
                return Unissued(month.ContractId, month.Invoices, null);
            }
            case InvoicesIssued issued:
                if (Active(issued.ContractId) is { } inactive) return inactive;
                return LastClosed(issued.ContractId) is { } through ? Unissued(issued.ContractId, issued.Invoices, through)
                    : Failure.Conflict("Month not closed", $"no month of contract {issued.ContractId} is closed yet");
            default:
                throw new ArgumentException($"{fact.GetType().Name} is no tick", nameof(fact));
        }
    }

    /// <summary>Refuses invoice parts already issued, or (with <paramref name="closedThrough"/>) of a month not closed yet.</summary>
    private Failure? Unissued(string contractId, IReadOnlyList<IssuedInvoice> invoices, CalendarMonth? closedThrough)
    {
        foreach (var invoice in invoices)
        {
            if (_issued.Contains((contractId, invoice.Month, invoice.Payer)))
                return Failure.Conflict("Invoice issued", $"the {invoice.Month} invoice of contract {contractId} to {invoice.Payer} was issued already");
            if (closedThrough is { } through && CalendarMonth.Parse(invoice.Month) > through)
                return Failure.Conflict("Month not closed", $"{invoice.Month} of contract {contractId} is not closed yet");
        }
        return null;
    }

    private void ApplyTick(BookFact fact)
    {
        switch (fact)
        {
            case RfqClosed closed:
                _closedRfqs.Add(closed.RfqId);
                break;
            case ContractMonthClosed month:
                Closed(month.ContractId, CalendarMonth.Parse(month.Month));
                foreach (var invoice in month.Invoices) _issued.Add((month.ContractId, invoice.Month, invoice.Payer));
                break;
            case InvoicesIssued issued:
                foreach (var invoice in issued.Invoices) _issued.Add((issued.ContractId, invoice.Month, invoice.Payer));
                break;
        }
    }

    private void Closed(string contractId, CalendarMonth month)
    {
        if (!_lastClosed.TryGetValue(contractId, out var last) || month > last) _lastClosed[contractId] = month;
    }
}
