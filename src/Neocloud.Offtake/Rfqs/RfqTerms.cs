using Neocloud.Domain.Time;
using Neocloud.Economics.Escalation;
using Neocloud.Offtake.Contracts;

namespace Neocloud.Offtake.Rfqs;

/// <summary>
/// A buyer's request for long-term capacity: which SKUs, how many GPUs, where, when delivery may start, for how long,
/// the ramp it wants, the most it pays, the prepayment it will make (and the month of service its credit starts), the
/// availability it needs, when offers close, how hours are billed, the escalator it proposes and the delivery damages it
/// asks for (offers may improve them).
/// </summary>
public sealed record RfqTerms(
    IReadOnlyList<string> Skus,
    int Gpus,
    IReadOnlyList<string> Regions,
    CalendarMonth EarliestStart,
    CalendarMonth LatestStart,
    int TermMonths,
    IReadOnlyList<RampStep> Ramp,
    decimal MaxPricePerGpuHour,
    decimal PrepaymentFraction,
    decimal MinAvailabilityPercent,
    DateTimeOffset ClosesAt,
    int GraceMonths,
    decimal DiscountRateAnnual,
    IReadOnlyList<CreditStep> CreditTable,
    BillingConvention Billing = BillingConvention.Hours730,
    int PrepaymentCreditFromMonth = 0,
    PriceIndex? PriceIndex = null,
    decimal LdPercentPerMonth = 0m,
    decimal LdCapPercent = 0m)
{
    /// <summary>True when <paramref name="region"/> is acceptable (an RFQ without regions accepts any).</summary>
    public bool AcceptsRegion(string region) => Regions.Count == 0 || Regions.Contains(region, StringComparer.Ordinal);
}

/// <summary>One step of the ramp the buyer wants: <c>Gpus</c> more from <c>MonthOffset</c> months after the first delivery.</summary>
public sealed record RampStep(int Gpus, int MonthOffset);
