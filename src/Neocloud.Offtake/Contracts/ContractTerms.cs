using System.Text.Json.Serialization;
using Neocloud.Domain.Time;
using Neocloud.Economics.Escalation;

namespace Neocloud.Offtake.Contracts;

/// <summary>
/// An offtake contract's terms, fixed at the award: price (and the escalator that moves it), prepayment and the month
/// of service its draw-down starts, the billing convention, the availability promised and what the seller credits when
/// it misses it, the damages it owes for late tranches, the grace period before late delivery lets the buyer
/// terminate, and the tranches.
/// </summary>
/// <param name="Sku">The SKU contracted.</param>
/// <param name="Signed">The month of the award; the prepayment is billed in it.</param>
/// <param name="PricePerGpuHour">The base price, before escalation.</param>
/// <param name="PrepaymentFraction">The prepayment as a share of the contract value.</param>
/// <param name="AvailabilityPercent">The availability promised.</param>
/// <param name="GraceMonths">Months a tranche may be late before the buyer may terminate.</param>
/// <param name="DiscountRateAnnual">The buyer's annual rate (economics and marks).</param>
/// <param name="CreditTable">Service credits for missed availability.</param>
/// <param name="Tranches">The tranches.</param>
/// <param name="Billing">Hours billed a month: 730 (the deal model's convention, the default) or the calendar's.</param>
/// <param name="PrepaymentCreditFromMonth">
/// Months of service, counted from the first tranche's start, before the prepayment is drawn down (0: from the first
/// month of service; Microsoft–IREN: 24).
/// </param>
/// <param name="PriceIndex">The escalator, or null for a flat price.</param>
/// <param name="LdPercentPerMonth">Delivery damages: percent of a late tranche's monthly value for each month past due.</param>
/// <param name="LdCapPercent">The cap on a tranche's damages, in percent of its total value.</param>
public sealed record ContractTerms(
    string Sku,
    CalendarMonth Signed,
    decimal PricePerGpuHour,
    decimal PrepaymentFraction,
    decimal AvailabilityPercent,
    int GraceMonths,
    decimal DiscountRateAnnual,
    IReadOnlyList<CreditStep> CreditTable,
    IReadOnlyList<ContractTranche> Tranches,
    BillingConvention Billing = BillingConvention.Hours730,
    int PrepaymentCreditFromMonth = 0,
    PriceIndex? PriceIndex = null,
    decimal LdPercentPerMonth = 0m,
    decimal LdCapPercent = 0m)
{
    /// <summary>
    /// Total contract value as planned: every tranche billed for its whole term at the base price (escalation is not
    /// known at signing) and the contract's hours a month.
    /// </summary>
    public decimal TcvUsd => Tranches.Sum(TrancheValueUsd);

    /// <summary>The prepayment the buyer pays when the contract is signed.</summary>
    public decimal PrepaymentUsd => decimal.Round(PrepaymentFraction * TcvUsd, 2, MidpointRounding.ToEven);

    /// <summary>The month after the last tranche's term ends.</summary>
    public CalendarMonth End => Tranches.Max(t => t.End);

    /// <summary>The first tranche's start: service, and escalation, count from here.</summary>
    public CalendarMonth ServiceStart => Tranches.Min(t => t.Start);

    /// <summary>The first month whose service draws the prepayment down.</summary>
    public CalendarMonth PrepaymentCreditFrom => ServiceStart.AddMonths(PrepaymentCreditFromMonth);

    /// <summary>Hours billed per GPU in <paramref name="month"/>: 730, or the month's days × 24.</summary>
    public int HoursIn(CalendarMonth month) =>
        Billing == BillingConvention.Calendar ? DateTime.DaysInMonth(month.Year, month.Month) * 24 : ContractLedger.HoursPerMonth;

    /// <summary>A tranche's value over its whole term at the base price.</summary>
    public decimal TrancheValueUsd(ContractTranche tranche) => ValueUsd(tranche, tranche.Start, tranche.End);

    /// <summary>A tranche's value at the base price over the months <c>[from, to)</c> of its term.</summary>
    public decimal ValueUsd(ContractTranche tranche, CalendarMonth from, CalendarMonth to)
    {
        var hours = 0L;
        for (var month = from < tranche.Start ? tranche.Start : from; month < to && month < tranche.End; month = month.AddMonths(1)) hours += HoursIn(month);
        return tranche.Gpus * hours * PricePerGpuHour;
    }

    /// <summary>
    /// The escalation factor in <paramref name="month"/>: 1 without an escalator; else the index's factor at its last
    /// reset, counted from the first tranche's start, reading <paramref name="values"/> (the series' or the exchange's
    /// monthly values; a month without one takes the latest before it).
    /// </summary>
    public decimal Factor(CalendarMonth month, IndexValues values) =>
        PriceIndex?.Factor(month.Index, ServiceStart.Index, values.At) ?? 1m;

    /// <summary>The share of a month's service charge credited when availability falls to <paramref name="availabilityPercent"/>.</summary>
    public decimal CreditFraction(decimal availabilityPercent) => ServiceCredits.Fraction(CreditTable, availabilityPercent);
}

/// <summary>How many hours a contract bills a GPU a month.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BillingConvention>))]
public enum BillingConvention
{
    /// <summary>730 hours every month (8,760 / 12), the deal model's convention.</summary>
    [JsonStringEnumMemberName("730")] Hours730,
    /// <summary>The month's calendar hours (672 to 744).</summary>
    [JsonStringEnumMemberName("calendar")] Calendar,
}

/// <summary>An index's monthly values; a month without one takes the latest value before it (none before the first).</summary>
public sealed class IndexValues
{
    private readonly int[] _months;
    private readonly decimal[] _values;

    /// <summary>No values.</summary>
    public static readonly IndexValues None = new(new Dictionary<CalendarMonth, decimal>());

    public IndexValues(IReadOnlyDictionary<CalendarMonth, decimal> values)
    {
        var ordered = values.OrderBy(v => v.Key).ToArray();
        _months = ordered.Select(v => v.Key.Index).ToArray();
        _values = ordered.Select(v => v.Value).ToArray();
    }

    /// <summary>The value at month index <paramref name="month"/> (latest at or before it), or null.</summary>
    public decimal? At(int month)
    {
        var i = Array.BinarySearch(_months, month);
        if (i < 0) i = ~i - 1;
        return i >= 0 ? _values[i] : null;
    }
}

/// <summary>One tranche of a contract: <c>Gpus</c> of a pool, due in <c>Start</c>, billed for <c>TermMonths</c> months.</summary>
public sealed record ContractTranche(int Number, string Pool, int Gpus, CalendarMonth Start, int TermMonths)
{
    /// <summary>The month after the term ends; service stops here even when delivery was late.</summary>
    public CalendarMonth End => Start.AddMonths(TermMonths);
}

/// <summary>A row of a credit table: below <c>BelowPercent</c> availability in a month, <c>CreditFraction</c> of that month's service charge is credited.</summary>
public sealed record CreditStep(decimal BelowPercent, decimal CreditFraction);

/// <summary>The service-credit table's rules.</summary>
public static class ServiceCredits
{
    /// <summary>
    /// The usual table when a buyer names none: 10% of the month's charge below the promised availability, 25% below
    /// 99%, 50% below 95% (rows above the promise are left out).
    /// </summary>
    public static IReadOnlyList<CreditStep> Default(decimal availabilityPercent) =>
        new[] { new CreditStep(availabilityPercent, 0.10m), new CreditStep(99m, 0.25m), new CreditStep(95m, 0.50m) }
            .Where(s => s.BelowPercent <= availabilityPercent).DistinctBy(s => s.BelowPercent).ToList();

    /// <summary>The largest credit among the rows whose threshold the availability falls below; 0 when it falls below none.</summary>
    public static decimal Fraction(IReadOnlyList<CreditStep> table, decimal availabilityPercent)
    {
        var credit = 0m;
        foreach (var step in table)
        {
            if (availabilityPercent < step.BelowPercent) credit = Math.Max(credit, step.CreditFraction);
        }
        return credit;
    }

    /// <summary>Why a table is not valid (thresholds in (0, 100], credits in (0, 1], no threshold twice), or null.</summary>
    public static string? Problem(IReadOnlyList<CreditStep> table)
    {
        foreach (var step in table)
        {
            if (step.BelowPercent is <= 0 or > 100) return $"belowPercent must be in (0, 100], got {step.BelowPercent}";
            if (step.CreditFraction is <= 0 or > 1) return $"creditFraction must be in (0, 1], got {step.CreditFraction}";
        }
        return table.Select(s => s.BelowPercent).Distinct().Count() == table.Count ? null : "each belowPercent may appear once";
    }
}
