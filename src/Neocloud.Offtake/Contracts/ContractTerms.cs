using Neocloud.Domain.Time;

namespace Neocloud.Offtake.Contracts;

/// <summary>
/// An offtake contract's terms, fixed at the award: price, prepayment, the availability promised and what the seller
/// credits when it misses it, the grace period before late delivery lets the buyer terminate, and the tranches.
/// </summary>
public sealed record ContractTerms(
    string Sku,
    CalendarMonth Signed,
    decimal PricePerGpuHour,
    decimal PrepaymentFraction,
    decimal AvailabilityPercent,
    int GraceMonths,
    decimal DiscountRateAnnual,
    IReadOnlyList<CreditStep> CreditTable,
    IReadOnlyList<ContractTranche> Tranches)
{
    /// <summary>Total contract value as planned: every tranche billed for its whole term at 730 hours a month.</summary>
    public decimal TcvUsd => Tranches.Sum(t => t.PlannedServiceUsd(PricePerGpuHour));

    /// <summary>The prepayment the buyer pays when the contract is signed.</summary>
    public decimal PrepaymentUsd => decimal.Round(PrepaymentFraction * TcvUsd, 2, MidpointRounding.ToEven);

    /// <summary>The month after the last tranche's term ends.</summary>
    public CalendarMonth End => Tranches.Max(t => t.End);

    /// <summary>The share of a month's service charge credited when availability falls to <paramref name="availabilityPercent"/>.</summary>
    public decimal CreditFraction(decimal availabilityPercent) => ServiceCredits.Fraction(CreditTable, availabilityPercent);
}

/// <summary>One tranche of a contract: <c>Gpus</c> of a pool, due in <c>Start</c>, billed for <c>TermMonths</c> months.</summary>
public sealed record ContractTranche(int Number, string Pool, int Gpus, CalendarMonth Start, int TermMonths)
{
    /// <summary>The month after the term ends; service stops here even when delivery was late.</summary>
    public CalendarMonth End => Start.AddMonths(TermMonths);

    /// <summary>The tranche's service charge over its whole term, as planned.</summary>
    public decimal PlannedServiceUsd(decimal price) => (decimal)Gpus * TermMonths * ContractLedger.HoursPerMonth * price;
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
