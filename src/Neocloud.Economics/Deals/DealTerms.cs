namespace Neocloud.Economics.Deals;

/// <summary>One phase of an offtake: <c>Gpus</c> from <c>StartMonth</c> for <c>TermMonths</c> months.</summary>
public sealed record Tranche(int Gpus, int StartMonth, int TermMonths)
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
/// late while its equipment and facility are still paid in its start month.
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
    int ServiceDelayMonths = 0)
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

    /// <summary>A tranche's critical IT in MW.</summary>
    public decimal ItMw(Tranche tranche) => tranche.Gpus * KwPerGpu / 1000m;
}
