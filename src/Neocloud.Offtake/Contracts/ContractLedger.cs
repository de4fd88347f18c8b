using Neocloud.Domain.Time;
using Neocloud.Economics.Rates;

namespace Neocloud.Offtake.Contracts;

/// <summary>One month's invoice of an offtake contract, in USD rounded to the cent.</summary>
/// <param name="Month">The month billed.</param>
/// <param name="GpuHours">GPU-hours in service this month (730 hours a month).</param>
/// <param name="PrepaymentUsd">The prepayment, billed in the month the contract is signed.</param>
/// <param name="ServiceUsd">GPUs in service × 730 × price.</param>
/// <param name="PrepaymentAppliedUsd">The prepayment drawn down against this month's service, pro rata to the contract value.</param>
/// <param name="SlaCreditUsd">The service credit for missed availability.</param>
/// <param name="RefundUsd">Prepayment given back for service that will never happen (late delivery, cancelled tranches).</param>
/// <param name="DueUsd">What the buyer pays: prepayment + service − applied − credit − refund.</param>
/// <param name="AvailabilityPercent">The reported availability, if any.</param>
public sealed record Invoice(CalendarMonth Month, long GpuHours, decimal PrepaymentUsd, decimal ServiceUsd, decimal PrepaymentAppliedUsd, decimal SlaCreditUsd,
    decimal RefundUsd, decimal DueUsd, decimal? AvailabilityPercent);

/// <summary>A contract's payments summed: billed service, credits, GPU-hours, their NPV and the effective price.</summary>
public sealed record PaymentSummary(decimal ServiceUsd, decimal SlaCreditUsd, decimal RefundUsd, decimal PaidUsd, long GpuHours, decimal NpvUsd, decimal? EffectivePricePerGpuHour);

/// <summary>The contract's economics as planned at the award and as it is turning out.</summary>
public sealed record ContractEconomics(PaymentSummary Plan, PaymentSummary Actual)
{
    /// <summary>Actual NPV of the buyer's payments minus the planned one (negative: the contract delivers less value to the seller).</summary>
    public decimal NpvChangeUsd => Actual.NpvUsd - Plan.NpvUsd;
}

/// <summary>
/// The rules of an offtake contract's life: tranche states, the termination right, monthly invoices with the
/// prepayment drawn down pro rata, service credits and refunds, and the economics re-computed from what happened.
/// A month of service is 730 GPU-hours per GPU (DESIGN.md); the capacity reserved in the market is the tranche's
/// calendar hours.
/// </summary>
public static class ContractLedger
{
    /// <summary>Hours in a billed month.</summary>
    public const int HoursPerMonth = 730;

    /// <summary>Every tranche's state in month <paramref name="now"/>.</summary>
    public static IReadOnlyList<TrancheStatus> Statuses(ContractTerms terms, ContractHistory history, CalendarMonth now) =>
        terms.Tranches.Select(t =>
        {
            var delivered = history.DeliveredIn(t.Number);
            var (state, late) = history.IsCancelled(t.Number) ? (TrancheState.Cancelled, Math.Max(0, (history.TerminatedIn!.Value).MonthsSince(t.Start)))
                : delivered is { } d ? (d <= t.Start ? (TrancheState.Delivered, 0) : (TrancheState.DeliveredLate, d.MonthsSince(t.Start)))
                : now > t.Start ? (TrancheState.Late, now.MonthsSince(t.Start))
                : (TrancheState.Scheduled, 0);
            return new TrancheStatus(t.Number, t.Pool, t.Gpus, state, t.Start, delivered, late, t.End);
        }).ToList();

    /// <summary>
    /// The tranches that give the buyer the right to terminate in month <paramref name="now"/>: not delivered and later
    /// than the grace period. Empty when there are none or the contract is already terminated.
    /// </summary>
    public static IReadOnlyList<int> TerminationRight(ContractTerms terms, ContractHistory history, CalendarMonth now) =>
        history.TerminatedIn is not null
            ? []
            : Statuses(terms, history, now).Where(s => s.State == TrancheState.Late && s.MonthsLate > terms.GraceMonths).Select(s => s.Number).ToList();

    /// <summary>
    /// The invoices from the signing month (or the first tranche's, if earlier) to the end of the last term (or the last refund, if later), given what has
    /// happened. A tranche not delivered yet bills nothing.
    /// </summary>
    public static IReadOnlyList<Invoice> Invoices(ContractTerms terms, ContractHistory history)
    {
        var tcv = terms.TcvUsd;
        var prepayment = terms.PrepaymentUsd;
        // A contract may record service that began before it was signed (a deal entered after the fact).
        var first = terms.Tranches.Select(t => t.Start).Append(terms.Signed).Min();
        var last = terms.End.AddMonths(-1);
        var lostIn = new Dictionary<CalendarMonth, decimal>();
        foreach (var tranche in terms.Tranches)
        {
            // Service that will never be billed is known in the month it became certain: the late delivery, or the termination.
            if (history.IsCancelled(tranche.Number))
                Add(lostIn, history.TerminatedIn!.Value, tranche.PlannedServiceUsd(terms.PricePerGpuHour));
            else if (history.DeliveredIn(tranche.Number) is { } delivered && delivered > tranche.Start)
                Add(lostIn, delivered, (decimal)tranche.Gpus * Math.Min(delivered.MonthsSince(tranche.Start), tranche.TermMonths) * HoursPerMonth * terms.PricePerGpuHour);
        }
        foreach (var month in lostIn.Keys) if (month > last) last = month;

        var reports = history.Sla.GroupBy(r => r.Month).ToDictionary(g => g.Key, g => g.Last().AvailabilityPercent);
        var invoices = new List<Invoice>();
        var consumed = 0m;
        var drawn = 0m;
        for (var month = first; month <= last; month = month.AddMonths(1))
        {
            long gpus = 0;
            foreach (var tranche in terms.Tranches)
            {
                if (InService(tranche, history, month)) gpus += tranche.Gpus;
            }
            var exact = gpus * HoursPerMonth * terms.PricePerGpuHour;
            var service = Cents(exact);
            var lost = lostIn.GetValueOrDefault(month);
            // Unrounded amounts, so that what is consumed adds up to the contract value exactly.
            consumed += exact + lost;
            // Drawn-down prepayment follows the cumulative share of the contract value consumed, rounded once, so
            // applied plus refunded adds up to the prepayment to the cent when every tranche has run or been cancelled.
            var drawnNow = tcv == 0 ? 0 : Cents(prepayment * consumed / tcv);
            var step = drawnNow - drawn;
            drawn = drawnNow;
            var refund = Math.Min(step, tcv == 0 ? 0 : Cents(prepayment * lost / tcv));
            var applied = step - refund;
            decimal? availability = reports.TryGetValue(month, out var reported) ? reported : null;
            var credit = availability is { } a && service > 0 ? Cents(terms.CreditFraction(a) * service) : 0m;
            var prepaid = month == terms.Signed ? prepayment : 0m;
            invoices.Add(new Invoice(month, gpus * HoursPerMonth, prepaid, service, applied, credit, refund, prepaid + service - applied - credit - refund, availability));
        }
        return invoices;
    }

    /// <summary>True when the tranche's GPUs are billed in <paramref name="month"/>: delivered, not cancelled, inside the term.</summary>
    public static bool InService(ContractTranche tranche, ContractHistory history, CalendarMonth month) =>
        !history.IsCancelled(tranche.Number)
        && history.DeliveredIn(tranche.Number) is { } delivered
        && month >= delivered && month >= tranche.Start && month < tranche.End;

    /// <summary>
    /// Plan against actual: the plan has every tranche delivered on time and full availability; the actual uses what
    /// happened and expects tranches still outstanding to arrive now (month <paramref name="now"/>) or on time.
    /// </summary>
    public static ContractEconomics Economics(ContractTerms terms, ContractHistory history, CalendarMonth now)
    {
        var plan = new ContractHistory(terms.Tranches.Select(t => new Delivery(t.Number, t.Start)).ToList(), [], null);
        var expected = history.Deliveries.ToList();
        foreach (var tranche in terms.Tranches)
        {
            if (history.DeliveredIn(tranche.Number) is null && !history.IsCancelled(tranche.Number))
                expected.Add(new Delivery(tranche.Number, tranche.Start >= now ? tranche.Start : now));
        }
        var actual = history with { Deliveries = expected };
        return new ContractEconomics(Summary(terms, Invoices(terms, plan)), Summary(terms, Invoices(terms, actual)));
    }

    private static PaymentSummary Summary(ContractTerms terms, IReadOnlyList<Invoice> invoices)
    {
        var npv = Discounting.Npv(invoices.Select(i => i.DueUsd).ToList(), Discounting.MonthlyFromAnnual(terms.DiscountRateAnnual));
        var gpuHours = invoices.Sum(i => i.GpuHours);
        return new PaymentSummary(invoices.Sum(i => i.ServiceUsd), invoices.Sum(i => i.SlaCreditUsd), invoices.Sum(i => i.RefundUsd), invoices.Sum(i => i.DueUsd),
            gpuHours, Cents(npv), gpuHours > 0 ? decimal.Round(npv / gpuHours, 4, MidpointRounding.ToEven) : null);
    }

    private static void Add(Dictionary<CalendarMonth, decimal> sums, CalendarMonth month, decimal amount) => sums[month] = sums.GetValueOrDefault(month) + amount;

    private static decimal Cents(decimal amount) => decimal.Round(amount, 2, MidpointRounding.ToEven);
}
