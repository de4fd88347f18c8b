using Neocloud.Domain.Time;
using Neocloud.Economics.Escalation;

namespace Neocloud.Offtake.Offers;

/// <summary>
/// A seller's sealed answer to an RFQ: the SKU, the price, the prepayment it asks, the availability it offers, its
/// tranches, and optionally its own escalator (instead of the RFQ's) and better delivery damages than the RFQ asks.
/// </summary>
public sealed record OfferTerms(string Sku, decimal PricePerGpuHour, decimal PrepaymentFraction, decimal AvailabilityPercent, IReadOnlyList<OfferTranche> Tranches,
    PriceIndex? PriceIndex = null, decimal? LdPercentPerMonth = null, decimal? LdCapPercent = null)
{
    /// <summary>GPUs over all tranches.</summary>
    public int Gpus => Tranches.Sum(t => t.Gpus);

    /// <summary>The first delivery month.</summary>
    public CalendarMonth FirstDelivery => Tranches.Min(t => t.Start);
}

/// <summary>
/// One tranche of an offer: <c>Gpus</c> of a pool (existing, or announced capacity the seller added to the pool's
/// timeline) delivered in <c>Start</c> for <c>TermMonths</c> months.
/// </summary>
public sealed record OfferTranche(string Pool, int Gpus, CalendarMonth Start, int TermMonths)
{
    /// <summary>The month after the last month of service.</summary>
    public CalendarMonth End => Start.AddMonths(TermMonths);
}
