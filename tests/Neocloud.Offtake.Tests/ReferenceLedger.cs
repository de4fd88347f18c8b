using Neocloud.Domain.Time;
using Neocloud.Economics.Escalation;
using Neocloud.Offtake.Contracts;

namespace Neocloud.Offtake.Tests;

/// <summary>
/// The contract book's invoices the plain way, straight from DESIGN.md's wording, month by month and from scratch for
/// every month (no running state): what the buyer of a contract is billed, to compare with <see cref="ContractLedger"/>.
/// </summary>
internal static class ReferenceLedger
{
    public sealed record Line(CalendarMonth Month, decimal Factor, decimal Service, decimal Applied, decimal Refund, decimal Damages, decimal Sla, decimal Due);

    public static int Hours(ContractTerms terms, CalendarMonth m) =>
        terms.Billing == BillingConvention.Calendar ? (new DateTime(m.Year, m.Month, 1).AddMonths(1) - new DateTime(m.Year, m.Month, 1)).Days * 24 : 730;

    /// <summary>The escalation factor: the last reset at or before the month, its index over the start's, clamped.</summary>
    public static decimal Factor(ContractTerms terms, CalendarMonth m, IReadOnlyDictionary<CalendarMonth, decimal> values)
    {
        if (terms.PriceIndex is not { } index) return 1m;
        var start = terms.Tranches.Min(t => t.Start);
        if (m < start) return 1m;
        var reset = start;
        while (reset.AddMonths(index.ResetEveryMonths) <= m) reset = reset.AddMonths(index.ResetEveryMonths);
        decimal? Latest(CalendarMonth at) => values.Where(v => v.Key <= at).OrderBy(v => v.Key).Select(v => (decimal?)v.Value).LastOrDefault();
        decimal f;
        if (index.Kind == IndexKind.Fixed)
            f = (decimal)Math.Pow(1 + (double)index.RatePerYear!.Value, reset.MonthsSince(start) / 12.0);
        else
            f = Latest(start) is { } s and > 0 && Latest(reset) is { } r ? r / s : 1m;
        if (index.Floor is { } floor) f = Math.Max(f, floor);
        if (index.Cap is { } cap) f = Math.Min(f, cap);
        return Math.Round(f, 10, MidpointRounding.ToEven);
    }

    private static bool Served(ContractTranche t, ContractHistory h, CalendarMonth m) =>
        !h.IsCancelled(t.Number) && h.DeliveredIn(t.Number) is { } d && m >= d && m >= t.Start && m < t.End;

    private static decimal BaseValue(ContractTerms terms, ContractTranche t, CalendarMonth m) => t.Gpus * Hours(terms, m) * terms.PricePerGpuHour;

    private static IEnumerable<CalendarMonth> Term(ContractTranche t)
    {
        for (var m = t.Start; m < t.End; m = m.AddMonths(1)) yield return m;
    }

    /// <summary>
    /// A tranche-month without service, whose prepayment share is refunded on that month's invoice: the tranche was
    /// cancelled, or the month has ended (before <paramref name="asOf"/>) and the tranche was not delivered by it.
    /// </summary>
    private static bool Lost(ContractTranche t, ContractHistory h, CalendarMonth m, CalendarMonth asOf) =>
        m >= t.Start && m < t.End && !Served(t, h, m) && (h.IsCancelled(t.Number) || m < asOf);

    /// <summary>Damages accrued by a tranche in each late month that has ended, capped on the running total.</summary>
    public static Dictionary<CalendarMonth, decimal> Damages(ContractTerms terms, ContractHistory h, ContractTranche t, CalendarMonth asOf)
    {
        var result = new Dictionary<CalendarMonth, decimal>();
        var cap = terms.LdCapPercent / 100m * Term(t).Sum(m => BaseValue(terms, t, m));
        var total = 0m;
        foreach (var m in Term(t))
        {
            var late = (h.DeliveredIn(t.Number) is not { } d || d > m) && m < asOf;
            if (h.TerminatedIn is { } end && h.IsCancelled(t.Number) && m >= end) late = false;
            if (!late) break;
            var due = Math.Min(terms.LdPercentPerMonth / 100m * BaseValue(terms, t, m), cap - total);
            total += due;
            result[m] = due;
        }
        return result;
    }

    public static List<Line> Invoices(ContractTerms terms, ContractHistory h, IReadOnlyDictionary<CalendarMonth, decimal> values, CalendarMonth asOf)
    {
        var p = Cents(terms.PrepaymentFraction * terms.Tranches.Sum(t => Term(t).Sum(m => BaseValue(terms, t, m))));
        var k = terms.Tranches.Min(t => t.Start).AddMonths(terms.PrepaymentCreditFromMonth);
        var creditable = terms.Tranches.Sum(t => Term(t).Where(m => m >= k).Sum(m => BaseValue(terms, t, m)));
        var damages = terms.Tranches.Select(t => Damages(terms, h, t, asOf)).ToList();
        var first = terms.Tranches.Min(t => t.Start) < terms.Signed ? terms.Tranches.Min(t => t.Start) : terms.Signed;
        var last = new[] { terms.Tranches.Max(t => t.End).AddMonths(-1) }
            .Concat(damages.SelectMany(d => d.Where(x => x.Value > 0).Select(x => x.Key.AddMonths(1)))).Max();

        // What had been consumed of the creditable value by the end of month m: the months from k served or lost.
        decimal ConsumedBy(CalendarMonth m) =>
            terms.Tranches.Sum(t => Term(t).Where(x => x >= k && x <= m && (Served(t, h, x) || Lost(t, h, x, asOf))).Sum(x => BaseValue(terms, t, x)));
        decimal DrawnBy(CalendarMonth m) => creditable == 0 ? 0 : Cents(p * ConsumedBy(m) / creditable);
        decimal DamagesBy(CalendarMonth m) => Cents(damages.Sum(d => d.Where(x => x.Key <= m).Sum(x => x.Value)));

        var lines = new List<Line>();
        for (var m = first; m <= last; m = m.AddMonths(1))
        {
            var f = Factor(terms, m, values);
            var service = Cents(terms.Tranches.Where(t => Served(t, h, m)).Sum(t => t.Gpus) * Hours(terms, m) * terms.PricePerGpuHour * f);
            var step = DrawnBy(m) - DrawnBy(m.AddMonths(-1));
            var lostNow = m >= k ? terms.Tranches.Where(t => Lost(t, h, m, asOf)).Sum(t => BaseValue(terms, t, m)) : 0m;
            var refund = Math.Min(step, creditable == 0 ? 0 : Cents(p * lostNow / creditable));
            var dmg = DamagesBy(m.AddMonths(-1)) - DamagesBy(m.AddMonths(-2));
            var report = h.Sla.LastOrDefault(r => r.Month == m);
            var sla = report is not null && service > 0 ? Cents(terms.CreditFraction(report.AvailabilityPercent) * service) : 0m;
            var prepaid = m == terms.Signed ? p : 0m;
            lines.Add(new Line(m, f, service, step - refund, refund, dmg, sla, prepaid + service - (step - refund) - refund - dmg - sla));
        }
        return lines;
    }
    public static decimal Cents(decimal amount) => decimal.Round(amount, 2, MidpointRounding.ToEven);
}
