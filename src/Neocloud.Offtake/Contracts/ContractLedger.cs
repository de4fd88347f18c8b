using Neocloud.Domain.Time;
using Neocloud.Economics.Rates;

namespace Neocloud.Offtake.Contracts;

/// <summary>One month's invoice of an offtake contract, in USD rounded to the cent.</summary>
/// <param name="Month">The month billed.</param>
/// <param name="BilledTo">Who pays it: null for the contract's buyer, else the assignee the API names.</param>
/// <param name="Billing">The contract's billing convention.</param>
/// <param name="HoursPerGpu">Hours billed per GPU this month (730, or the calendar's).</param>
/// <param name="GpuHours">GPU-hours in service this month.</param>
/// <param name="BasePricePerGpuHour">The contract's price before escalation.</param>
/// <param name="Factor">The escalation factor in force (1 without an escalator).</param>
/// <param name="BilledPricePerGpuHour">Base price × factor.</param>
/// <param name="PrepaymentUsd">The prepayment, billed in the month the contract is signed.</param>
/// <param name="ServiceUsd">GPU-hours in service × billed price.</param>
/// <param name="PrepaymentCreditFrom">The first month whose service draws the prepayment down.</param>
/// <param name="PrepaymentAppliedUsd">The prepayment drawn down against this month's service, pro rata to the contract value from that month on.</param>
/// <param name="SlaCreditUsd">The service credit for missed availability.</param>
/// <param name="DamagesCreditUsd">Delivery damages the seller owes for tranches late last month.</param>
/// <param name="RefundUsd">Prepayment given back for service that will never happen (late delivery, cancelled tranches).</param>
/// <param name="DueUsd">What the buyer pays: prepayment + service − applied − SLA credit − damages − refund.</param>
/// <param name="AvailabilityPercent">The reported availability, if any.</param>
public sealed record Invoice(CalendarMonth Month, string? BilledTo, BillingConvention Billing, int HoursPerGpu, long GpuHours, decimal BasePricePerGpuHour,
    decimal Factor, decimal BilledPricePerGpuHour, decimal PrepaymentUsd, decimal ServiceUsd, CalendarMonth PrepaymentCreditFrom, decimal PrepaymentAppliedUsd,
    decimal SlaCreditUsd, decimal DamagesCreditUsd, decimal RefundUsd, decimal DueUsd, decimal? AvailabilityPercent);

/// <summary>A contract's payments summed: billed service, credits, GPU-hours, their NPV and the effective price.</summary>
public sealed record PaymentSummary(decimal ServiceUsd, decimal SlaCreditUsd, decimal RefundUsd, decimal PaidUsd, long GpuHours, decimal NpvUsd, decimal? EffectivePricePerGpuHour);

/// <summary>The contract's economics as planned at the award and as it is turning out.</summary>
public sealed record ContractEconomics(PaymentSummary Plan, PaymentSummary Actual)
{
    /// <summary>Actual NPV of the buyer's payments minus the planned one (negative: the contract delivers less value to the seller).</summary>
    public decimal NpvChangeUsd => Actual.NpvUsd - Plan.NpvUsd;
}

/// <summary>A month's price of a contract: hours billed per GPU, the escalation factor, and the billed price per GPU-hour.</summary>
public readonly record struct MonthPrice(int HoursPerGpu, decimal Factor, decimal BilledPerGpuHour);

/// <summary>
/// The rules of an offtake contract's life: tranche states, the termination right, monthly invoices with the
/// prepayment drawn down pro rata, service credits and refunds, and the economics re-computed from what happened.
/// A month of service is 730 GPU-hours per GPU (DESIGN.md) unless the contract bills calendar hours; the capacity
/// reserved in the market is always the tranche's calendar hours.
/// </summary>
public static class ContractLedger
{
    /// <summary>Hours in a billed month under the default convention.</summary>
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
    /// The invoices from the signing month (or the first tranche's, if earlier) to the end of the last term (or the last
    /// damages credit, if later), as they stand in month <paramref name="asOf"/> (the months before it have ended), for
    /// the whole contract. See <see cref="Compute"/> for the rules.
    /// </summary>
    public static IReadOnlyList<Invoice> Invoices(ContractTerms terms, ContractHistory history, CalendarMonth asOf) => Compute(terms, history, asOf).Invoices;

    /// <summary>
    /// The invoices split between the buyer (<c>BilledTo</c> null) and each assignee (<c>BilledTo</c> the assignee):
    /// from an assignment's month, the assigned GPUs' share of service, prepayment draw-down and SLA credit, and the
    /// assigned tranches' share of damages and refunds, go to the assignee; the buyer keeps the rest and what was
    /// billed before. The parts add up to <see cref="Invoices"/> to the cent.
    /// </summary>
    public static IReadOnlyList<Invoice> InvoicesByHolder(ContractTerms terms, ContractHistory history, CalendarMonth asOf)
    {
        var ledger = Compute(terms, history, asOf);
        if (history.Accepted.Count == 0) return ledger.Invoices;
        var holders = history.Accepted.Select(a => a.To).Distinct().ToList();
        var split = new List<Invoice>();
        for (var i = 0; i < ledger.Invoices.Count; i++)
        {
            var whole = ledger.Invoices[i];
            var parts = ledger.Parts[i];
            var rest = whole;
            foreach (var holder in holders)
            {
                var held = terms.Tranches.Select(t => history.Accepted.Where(a => a.To == holder).Sum(a => a.GpusOf(t.Number, whole.Month))).ToArray();
                if (held.All(g => g == 0)) continue;
                decimal Weighted(decimal amount, decimal[] byTranche)
                {
                    var total = byTranche.Sum();
                    if (total == 0m || amount == 0m) return 0m;
                    var mine = 0m;
                    for (var t = 0; t < held.Length; t++) mine += byTranche[t] * held[t] / terms.Tranches[t].Gpus;
                    return Cents(amount * mine / total);
                }
                var gpuHours = 0L;
                for (var t = 0; t < held.Length; t++)
                {
                    if (parts.InService[t] > 0m) gpuHours += (long)held[t] * whole.HoursPerGpu;
                }
                var service = Weighted(whole.ServiceUsd, parts.InService);
                var applied = Weighted(whole.PrepaymentAppliedUsd, parts.InService);
                var credit = Weighted(whole.SlaCreditUsd, parts.InService);
                var damages = Weighted(whole.DamagesCreditUsd, parts.Damages);
                var refund = Weighted(whole.RefundUsd, parts.Lost);
                split.Add(whole with
                {
                    BilledTo = holder, GpuHours = gpuHours, PrepaymentUsd = 0m, ServiceUsd = service, PrepaymentAppliedUsd = applied, SlaCreditUsd = credit,
                    DamagesCreditUsd = damages, RefundUsd = refund, DueUsd = service - applied - credit - damages - refund,
                });
                rest = rest with
                {
                    GpuHours = rest.GpuHours - gpuHours, ServiceUsd = rest.ServiceUsd - service, PrepaymentAppliedUsd = rest.PrepaymentAppliedUsd - applied,
                    SlaCreditUsd = rest.SlaCreditUsd - credit, DamagesCreditUsd = rest.DamagesCreditUsd - damages, RefundUsd = rest.RefundUsd - refund,
                    DueUsd = rest.DueUsd - (service - applied - credit - damages - refund),
                };
            }
            split.Add(rest);
        }
        return split.OrderBy(i => i.Month).ThenBy(i => i.BilledTo is null ? 0 : 1).ThenBy(i => i.BilledTo, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Delivery damages accrued for each late month, per tranche, before they are credited: <c>ldPercentPerMonth</c>
    /// of the tranche's monthly value at the base price for every month from its due month until it is delivered,
    /// cancelled or its term ends, the running total capped at <c>ldCapPercent</c> of its total value. Only a month that
    /// has ended (before <paramref name="asOf"/>) is past due: the tranche may still be delivered in the current one.
    /// </summary>
    private static Dictionary<CalendarMonth, decimal[]> Damages(ContractTerms terms, ContractHistory history, CalendarMonth asOf)
    {
        var accrued = new Dictionary<CalendarMonth, decimal[]>();
        if (terms.LdPercentPerMonth == 0m) return accrued;
        for (var t = 0; t < terms.Tranches.Count; t++)
        {
            var tranche = terms.Tranches[t];
            var stop = tranche.End;
            if (history.DeliveredIn(tranche.Number) is { } delivered && delivered < stop) stop = delivered;
            if (history.IsCancelled(tranche.Number) && history.TerminatedIn!.Value < stop) stop = history.TerminatedIn.Value;
            if (asOf < stop) stop = asOf;
            var cap = terms.LdCapPercent / 100m * terms.TrancheValueUsd(tranche);
            var total = 0m;
            for (var month = tranche.Start; month < stop && total < cap; month = month.AddMonths(1))
            {
                var due = Math.Min(terms.LdPercentPerMonth / 100m * terms.ValueUsd(tranche, month, month.AddMonths(1)), cap - total);
                total += due;
                if (!accrued.TryGetValue(month, out var row)) accrued[month] = row = new decimal[terms.Tranches.Count];
                row[t] += due;
            }
        }
        return accrued;
    }

    /// <summary>A month's amounts tranche by tranche (unrounded), the weights of a split between holders.</summary>
    private sealed record TrancheParts(decimal[] InService, decimal[] Damages, decimal[] Lost);

    /// <summary>
    /// The one ledger of a contract, as it stands in month <paramref name="asOf"/>. Each tranche-month of a term is one of
    /// three: in service (delivered by then and not cancelled: billed at the month's price); without service (the
    /// tranche was cancelled, or the month has ended undelivered); or pending (a month not yet ended, undelivered: no
    /// service, no refund, no damages yet). From the credit month on, each tranche-month's share of the prepayment
    /// (P × its value at the base price / the creditable value) is drawn down when it is served and refunded on its own
    /// month's invoice when it is not; the draw-down is rounded on the running total, so applied + refunded = P to the
    /// cent once every month has ended. Damages for a month past due land on the next month's invoice.
    /// </summary>
    private static (IReadOnlyList<Invoice> Invoices, IReadOnlyList<TrancheParts> Parts) Compute(ContractTerms terms, ContractHistory history, CalendarMonth asOf)
    {
        var count = terms.Tranches.Count;
        var prepayment = terms.PrepaymentUsd;
        var creditFrom = terms.PrepaymentCreditFrom;
        // The value the prepayment is drawn down against: service at the base price from the credit's first month on.
        var creditable = terms.Tranches.Sum(t => terms.ValueUsd(t, creditFrom, t.End));
        // A contract may record service that began before it was signed (a deal entered after the fact).
        var first = terms.Tranches.Select(t => t.Start).Append(terms.Signed).Min();
        var last = terms.End.AddMonths(-1);
        var damages = Damages(terms, history, asOf);
        foreach (var month in damages.Keys) if (month.AddMonths(1) > last) last = month.AddMonths(1);

        var reports = history.Sla.GroupBy(r => r.Month).ToDictionary(g => g.Key, g => g.Last().AvailabilityPercent);
        var invoices = new List<Invoice>();
        var parts = new List<TrancheParts>();
        var consumed = 0m;
        var drawn = 0m;
        var damagesAccrued = 0m;
        var damagesCredited = 0m;
        var none = new decimal[count];
        for (var month = first; month <= last; month = month.AddMonths(1))
        {
            var (hours, factor, billed) = PriceIn(terms, history, month);
            var inService = new decimal[count];
            var lost = new decimal[count];
            var lostUsd = 0m;
            long gpus = 0;
            for (var t = 0; t < count; t++)
            {
                var tranche = terms.Tranches[t];
                if (month < tranche.Start || month >= tranche.End) continue;
                if (InService(tranche, history, month))
                {
                    gpus += tranche.Gpus;
                    inService[t] = tranche.Gpus;
                }
                else if ((history.IsCancelled(tranche.Number) || month < asOf) && month >= creditFrom)
                {
                    lost[t] = terms.ValueUsd(tranche, month, month.AddMonths(1));
                    lostUsd += lost[t];
                }
            }
            var service = Cents(gpus * hours * billed);
            // Unrounded amounts at the base price, so that what is consumed adds up to the creditable value exactly.
            if (month >= creditFrom) consumed += gpus * hours * terms.PricePerGpuHour;
            consumed += lostUsd;
            // Drawn-down prepayment follows the cumulative share of the creditable value consumed, rounded once, so
            // applied plus refunded adds up to the prepayment to the cent when every tranche-month has run or been lost.
            var drawnNow = creditable == 0 ? 0 : Cents(prepayment * consumed / creditable);
            var step = drawnNow - drawn;
            drawn = drawnNow;
            var refund = Math.Min(step, creditable == 0 ? 0 : Cents(prepayment * lostUsd / creditable));
            var applied = step - refund;
            // Last month's damages, credited now: the running total rounded once.
            var owed = damages.GetValueOrDefault(month.AddMonths(-1)) ?? none;
            damagesAccrued += owed.Sum();
            var damagesNow = Cents(damagesAccrued) - damagesCredited;
            damagesCredited += damagesNow;
            decimal? availability = reports.TryGetValue(month, out var reported) ? reported : null;
            var credit = availability is { } a && service > 0 ? Cents(terms.CreditFraction(a) * service) : 0m;
            var prepaid = month == terms.Signed ? prepayment : 0m;
            invoices.Add(new Invoice(month, null, terms.Billing, hours, gpus * hours, terms.PricePerGpuHour, factor, billed, prepaid, service, creditFrom, applied,
                credit, damagesNow, refund, prepaid + service - applied - credit - damagesNow - refund, availability));
            parts.Add(new TrancheParts(inService, owed, lost));
        }
        return (invoices, parts);
    }

    /// <summary>
    /// What a GPU of the contract is billed in <paramref name="month"/>: the hours (730, or the calendar's), the
    /// escalation factor the month reads from the index values, and the billed price per GPU-hour (base × factor). The
    /// invoices and the marks both price a month with it.
    /// </summary>
    public static MonthPrice PriceIn(ContractTerms terms, ContractHistory history, CalendarMonth month)
    {
        var factor = terms.Factor(month, history.IndexValues);
        return new MonthPrice(terms.HoursIn(month), factor, terms.PricePerGpuHour * factor);
    }

    /// <summary>True when the tranche's GPUs are billed in <paramref name="month"/>: delivered, not cancelled, inside the term.</summary>
    public static bool InService(ContractTranche tranche, ContractHistory history, CalendarMonth month) =>
        !history.IsCancelled(tranche.Number)
        && history.DeliveredIn(tranche.Number) is { } delivered
        && month >= delivered && month >= tranche.Start && month < tranche.End;

    /// <summary>
    /// Plan against actual: the plan has every tranche delivered on time and full availability; the actual is the
    /// contract's invoices as they stand in month <paramref name="asOf"/> (the same ledger the invoices come from, so a
    /// tranche not due yet is neither in service nor refunded in both).
    /// </summary>
    public static ContractEconomics Economics(ContractTerms terms, ContractHistory history, CalendarMonth asOf)
    {
        var plan = new ContractHistory(terms.Tranches.Select(t => new Delivery(t.Number, t.Start)).ToList(), [], null);
        return new ContractEconomics(Summary(terms, Invoices(terms, plan, asOf)), Summary(terms, Invoices(terms, history, asOf)));
    }

    private static PaymentSummary Summary(ContractTerms terms, IReadOnlyList<Invoice> invoices)
    {
        var npv = Discounting.Npv(invoices.Select(i => i.DueUsd).ToList(), Discounting.MonthlyFromAnnual(terms.DiscountRateAnnual));
        var gpuHours = invoices.Sum(i => i.GpuHours);
        return new PaymentSummary(invoices.Sum(i => i.ServiceUsd), invoices.Sum(i => i.SlaCreditUsd), invoices.Sum(i => i.RefundUsd), invoices.Sum(i => i.DueUsd),
            gpuHours, Cents(npv), gpuHours > 0 ? decimal.Round(npv / gpuHours, 4, MidpointRounding.ToEven) : null);
    }

    private static decimal Cents(decimal amount) => decimal.Round(amount, 2, MidpointRounding.ToEven);
}
