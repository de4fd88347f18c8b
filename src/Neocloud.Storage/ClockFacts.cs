namespace Neocloud.Storage;

// Time's transitions as book facts ("ticks"): what the clock causes is decided by the shard that keeps the RFQ or the
// contract and journaled like any command, with the rows it writes and the events it causes, so a replay writes the
// same closings and the same issued invoices whatever day it runs. TimedEvents (Neocloud.Exchange) submits them; the
// shard's book state takes each once (a tick already journaled is refused, so every node may sweep).

/// <summary>
/// An RFQ reached its closing time: no more offers, and its buyer sees them ranked. Journaled once per RFQ, with
/// how many offers had arrived.
/// </summary>
/// <param name="RfqId">The RFQ.</param>
/// <param name="ClosesMs">Its closing time (the event's time).</param>
/// <param name="Offers">The offers it received.</param>
public sealed record RfqClosed(string RfqId, long ClosesMs, int Offers) : BookFact;

/// <summary>
/// A month of a contract ended: the tranches that became late with it (due that month, not delivered), and the
/// month's invoices, each part to whoever pays it (the buyer, or an assignee), as the ledger function computed them
/// when the month closed. A contract's months close once each, oldest first.
/// </summary>
/// <param name="ContractId">The contract.</param>
/// <param name="Month">The month that ended (<c>yyyy-MM</c>).</param>
/// <param name="AtMs">When the month was closed (the sweep's time).</param>
/// <param name="LateTranches">The tranches due in <paramref name="Month"/> and not delivered by its end.</param>
/// <param name="Invoices">The month's invoices issued (the parts with something to pay).</param>
public sealed record ContractMonthClosed(string ContractId, string Month, long AtMs, IReadOnlyList<int> LateTranches, IReadOnlyList<IssuedInvoice> Invoices)
    : BookFact;

/// <summary>
/// Invoices of months already closed that came due only later (a delivery or an SLA report recorded for a month that
/// had ended with nothing to pay): issued once each, as the ledger function computes them now.
/// </summary>
/// <param name="ContractId">The contract.</param>
/// <param name="AtMs">When they were issued.</param>
/// <param name="Invoices">The invoices, each of a closed month, none issued before.</param>
public sealed record InvoicesIssued(string ContractId, long AtMs, IReadOnlyList<IssuedInvoice> Invoices) : BookFact;

/// <summary>One part of a month's invoice as issued: the month, who pays it, and the invoice as JSON (the ledger's <c>Invoice</c>).</summary>
public sealed record IssuedInvoice(string Month, string Payer, string Invoice);

/// <summary>An issued invoice as stored in <c>offtake_invoices</c>.</summary>
public sealed record IssuedInvoiceRecord(string ContractId, string Month, string Payer, long IssuedMs, string Invoice);

/// <summary>Which invoice part was issued: contract, month and payer (what it said stays in <c>offtake_invoices</c>).</summary>
public sealed record IssuedInvoiceKey(string ContractId, string Month, string Payer);

/// <summary>A contract's month closed, as stored in <c>offtake_months</c> (late tranches as JSON, e.g. <c>[1,3]</c>).</summary>
public sealed record ClosedMonthRecord(string ContractId, string Month, long ClosedMs, string LateTranches);

/// <summary>What the ticks journaled so far leave a shard's book state to know: the RFQs closed, each contract's months closed, the invoices issued.</summary>
public sealed record ClockTicks(IReadOnlyList<string> ClosedRfqs, IReadOnlyList<ClosedMonthRecord> ClosedMonths, IReadOnlyList<IssuedInvoiceKey> Issued)
{
    /// <summary>No tick journaled yet.</summary>
    public static readonly ClockTicks None = new([], [], []);
}

/// <summary>The rows the ticks write (part of <see cref="BookProjection"/>).</summary>
internal static class ClockProjection
{
    private const string InsertClosing = "INSERT INTO rfq_closings (rfq_id, closes_ms, offers) VALUES (@RfqId, @ClosesMs, @Offers)";
    private const string InsertMonth = "INSERT INTO offtake_months (contract_id, month, closed_ms, late_tranches) VALUES (@ContractId, @Month, @ClosedMs, @LateTranches)";
    private const string InsertInvoice =
        "INSERT INTO offtake_invoices (contract_id, month, payer, issued_ms, invoice) VALUES (@ContractId, @Month, @Payer, @IssuedMs, @Invoice)";

    /// <summary>The statements that write a tick's rows, in order.</summary>
    public static IEnumerable<(string Sql, object Parameters)> Rows(BookFact fact)
    {
        switch (fact)
        {
            case RfqClosed closed:
                yield return (InsertClosing, new { closed.RfqId, closed.ClosesMs, Offers = (long)closed.Offers });
                break;
            case ContractMonthClosed month:
                yield return (InsertMonth, new ClosedMonthRecord(month.ContractId, month.Month, month.AtMs, LateText(month.LateTranches)));
                foreach (var invoice in month.Invoices) yield return (InsertInvoice, Row(month.ContractId, month.AtMs, invoice));
                break;
            case InvoicesIssued issued:
                foreach (var invoice in issued.Invoices) yield return (InsertInvoice, Row(issued.ContractId, issued.AtMs, invoice));
                break;
            default:
                throw new ArgumentException($"{fact.GetType().Name} is no tick", nameof(fact));
        }
    }

    /// <summary>Late tranche numbers as stored: a JSON array in the order the fact lists them.</summary>
    public static string LateText(IReadOnlyList<int> tranches) => "[" + string.Join(',', tranches) + "]";

    private static IssuedInvoiceRecord Row(string contractId, long atMs, IssuedInvoice invoice) => new(contractId, invoice.Month, invoice.Payer, atMs, invoice.Invoice);
}
