using Neocloud.Economics.Escalation;

namespace Neocloud.Economics.Deals;

/// <summary>
/// One phase of an offtake: <c>Gpus</c> from <c>StartMonth</c> for <c>TermMonths</c> months. A tranche delivered
/// <c>DelayMonths</c> late bills from <c>StartMonth + DelayMonths</c> to the same end (the term's end does not move).
/// </summary>
public sealed record Tranche(int Gpus, int StartMonth, int TermMonths, int DelayMonths = 0)
{
    /// <summary>The first month after the tranche.</summary>
    public int EndMonth => StartMonth + TermMonths;

    /// <summary>True when the tranche bills in month <paramref name="month"/>.</summary>
    public bool IsActive(int month) => StartMonth <= month && month < EndMonth;
}

/// <summary>How the price is given: per GPU-hour, or as a total contract value.</summary>
public abstract record Pricing
{
    /// <summary>The price per GPU-hour.</summary>
    public sealed record PerGpuHour(decimal Usd) : Pricing;

    /// <summary>The total contract value; the price follows from the GPU-hours.</summary>
    public sealed record TotalContractValue(decimal Usd) : Pricing;
}

/// <summary>How the equipment is given: in total (spread over tranches by GPUs), or per GPU.</summary>
public abstract record Equipment
{
    /// <summary>All tranches' equipment together.</summary>
    public sealed record Total(decimal Usd) : Equipment;

    /// <summary>Equipment per GPU.</summary>
    public sealed record PerGpu(decimal Usd) : Equipment;
}

/// <summary>The buyer's alternative to leasing: building the same GPUs itself.</summary>
public sealed record BuyerView(
    decimal DiscountRateAnnual,
    decimal EquipmentUsdPerGpu,
    decimal FacilityUsdPerMw,
    decimal PowerUsdPerMwh,
    decimal Pue,
    decimal OpexUsdPerGpuMonth,
    int BuildDelayMonths);

/// <summary>
/// A capacity deal as the seller's deal desk enters it (DESIGN.md "Deal economics"); validated, so every value is in
/// range. For scenarios and Monte Carlo: <c>Utilization</c> (default 1) scales billed revenue, and
/// <c>ServiceDelayMonths</c> (default 0) starts every tranche's service — revenue, power, residual — that many months
/// late while its equipment and facility are still paid in its start month (a tranche's own <c>DelayMonths</c> comes on
/// top of it, and its damages are counted from the shifted start).
/// An escalator (<c>PriceIndex</c>) scales the billed price from the first tranche's start month on; a series reads
/// <c>IndexValues</c> (deal month → value, the latest at or before a month counts). Delivery damages: for each month a
/// tranche is late the seller pays <c>LdPercentPerMonth</c> % of its monthly value at the base price, the month after,
/// capped at <c>LdCapPercent</c> % of its total value.
/// </summary>
public sealed record DealTerms(
    IReadOnlyList<Tranche> Tranches,
    Pricing Pricing,
    decimal PrepaymentFraction,
    int PrepaymentCreditFromMonth,
    Equipment Equipment,
    decimal FacilityUsdPerMw,
    decimal KwPerGpu,
    decimal Pue,
    decimal PowerUsdPerMwh,
    decimal OtherOpexFraction,
    decimal ResidualFraction,
    decimal DiscountRateAnnual,
    int DepreciationMonths,
    BuyerView? BuyerView = null,
    decimal Utilization = 1m,
    int ServiceDelayMonths = 0,
    PriceIndex? PriceIndex = null,
    IReadOnlyDictionary<int, decimal>? IndexValues = null,
    decimal LdPercentPerMonth = 0m,
    decimal LdCapPercent = 100m)
{
    /// <summary>Hours in a contract month.</summary>
    public const int HoursPerMonth = 730;

    /// <summary>Months from 0 to the month after the last tranche ends (service delay included), inclusive.</summary>
    public int Months => Tranches.Max(t => t.EndMonth) + ServiceDelayMonths + 1;

    /// <summary>GPU-hours contracted over all tranches.</summary>
    public decimal ContractedGpuHours => Tranches.Sum(t => (decimal)t.Gpus * t.TermMonths * HoursPerMonth);

    /// <summary>The price per GPU-hour, given or derived from the TCV.</summary>
    public decimal PricePerGpuHour => Pricing switch
    {
        Pricing.PerGpuHour p => p.Usd,
        Pricing.TotalContractValue v => v.Usd / ContractedGpuHours,
        _ => throw new InvalidOperationException("unknown pricing"),
    };

    /// <summary>The total contract value, given or derived from the price.</summary>
    public decimal TcvUsd => Pricing switch
    {
        Pricing.TotalContractValue v => v.Usd,
        _ => PricePerGpuHour * ContractedGpuHours,
    };

    /// <summary>A tranche's equipment: its share of the total by GPUs, or per GPU.</summary>
    public decimal EquipmentUsd(Tranche tranche) => Equipment switch
    {
        Equipment.Total total => total.Usd * tranche.Gpus / Tranches.Sum(t => (decimal)t.Gpus),
        Equipment.PerGpu perGpu => perGpu.Usd * tranche.Gpus,
        _ => throw new InvalidOperationException("unknown equipment"),
    };

    /// <summary>The month escalation starts in: the first tranche's start.</summary>
    public int EscalationStartMonth => Tranches.Min(t => t.StartMonth);

    /// <summary>
    /// The escalator's factor in each of <paramref name="months"/> months (all 1 without one):
    /// <c>PriceIndex.Factor(m, s0, valueAt)</c> with <c>valueAt(m)</c> the latest index value at or before <c>m</c>.
    /// </summary>
    public decimal[] EscalationFactors(int months)
    {
        var factors = new decimal[months];
        Array.Fill(factors, 1m);
        if (PriceIndex is not { } index) return factors;
        var known = (IndexValues ?? new Dictionary<int, decimal>()).OrderBy(v => v.Key).ToArray();
        decimal? ValueAt(int month)
        {
            decimal? latest = null;
            foreach (var (at, value) in known)
            {
                if (at > month) break;
                latest = value;
            }
            return latest;
        }
        var start = EscalationStartMonth;
        for (var m = 0; m < months; m++) factors[m] = index.Factor(m, start, ValueAt);
        return factors;
    }

    /// <summary>A tranche's critical IT in MW.</summary>
    public decimal ItMw(Tranche tranche) => tranche.Gpus * KwPerGpu / 1000m;
}
