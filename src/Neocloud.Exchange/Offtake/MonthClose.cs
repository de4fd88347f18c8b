using Neocloud.Domain.Time;
using Neocloud.Offtake.Contracts;

namespace Neocloud.Exchange.Offtake;

/// <summary>
/// What closing a month of a contract decides, read from the one ledger function (<see cref="ContractLedger"/>) as the
/// contract stands in the month after it: the tranches that became late with it, and its invoices with something to
/// pay, each part to whoever pays it. A month's invoice no longer depends on the as-of month once the month has ended,
/// so the rows are the same whichever later day the month is closed on (for the same history).
/// </summary>
public static class MonthClose
{
    /// <summary>The first month a contract closes: the ledger's first (the signing month, or the first tranche's if earlier).</summary>
    public static CalendarMonth First(ContractTerms terms) => terms.Tranches.Select(t => t.Start).Append(terms.Signed).Min();

    /// <summary>The last month a contract closes: the month after its last term month, where the last damages may still land.</summary>
    public static CalendarMonth Last(ContractTerms terms) => terms.End;

    /// <summary>The months of a contract to close in <paramref name="now"/> after <paramref name="lastClosed"/> (or from its first), oldest first.</summary>
    public static IEnumerable<CalendarMonth> Due(ContractTerms terms, CalendarMonth? lastClosed, CalendarMonth now)
    {
        for (var month = lastClosed?.AddMonths(1) ?? First(terms); month < now && month <= Last(terms); month = month.AddMonths(1)) yield return month;
    }

    /// <summary>The tranches due in <paramref name="month"/> and not delivered (nor cancelled) by its end.</summary>
    public static IReadOnlyList<TrancheStatus> BecameLate(OfftakeState state, CalendarMonth month) =>
        ContractLedger.Statuses(state.Terms, state.History, month.AddMonths(1)).Where(s => s.State == TrancheState.Late && s.Due == month).ToList();

    /// <summary>The month's invoices issued at its close: the parts with something to pay, each naming its payer (<c>BilledTo</c>).</summary>
    public static IReadOnlyList<Invoice> Invoices(OfftakeState state, CalendarMonth month) =>
        state.InvoicesFor(state.Record.SellerId, month.AddMonths(1)).Where(i => i.Month == month && i.DueUsd != 0m).ToList();
}
