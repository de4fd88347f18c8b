using Neocloud.Domain.Catalog;
using Neocloud.Domain.Time;
using Neocloud.Economics.Deals;
using Neocloud.Offtake.Contracts;
using Neocloud.Offtake.Rfqs;

namespace Neocloud.Offtake.Offers;

/// <summary>How the buyer orders the offers at closing.</summary>
public enum OfferRanking
{
    /// <summary>Lowest effective price first: NPV of the payments at the buyer's rate per GPU-hour.</summary>
    EffectivePrice,
    /// <summary>Earliest first delivery first.</summary>
    Delivery,
    /// <summary>Highest availability promised first.</summary>
    Availability,
    /// <summary>The RFQ's regions in the order the buyer listed them.</summary>
    Region,
}

/// <summary>An offer as the buyer compares it, with its deal economics from the buyer's side.</summary>
/// <param name="OfferId">The offer.</param>
/// <param name="EffectivePricePerGpuHour">NPV of the buyer's payments (prepayment and invoices, at its rate, from the closing month) per GPU-hour.</param>
/// <param name="NpvCostUsd">That NPV.</param>
/// <param name="GpuHours">GPU-hours offered, by the RFQ's billing convention (730 a month, or the calendar's).</param>
/// <param name="FirstDelivery">The first tranche's month.</param>
/// <param name="AvailabilityPercent">Availability promised.</param>
/// <param name="RegionRank">Position of the offer's region among the RFQ's regions (0 first; 0 when the RFQ names none).</param>
/// <param name="LeaseNpvCostUsd">Leasing these GPUs, as DESIGN.md's buyer view prices it.</param>
/// <param name="BuildNpvCostUsd">Building the same GPUs instead (catalog equipment price, build assumptions below).</param>
public sealed record ScoredOffer(string OfferId, decimal EffectivePricePerGpuHour, decimal NpvCostUsd, decimal GpuHours, CalendarMonth FirstDelivery,
    decimal AvailabilityPercent, int RegionRank, decimal LeaseNpvCostUsd, decimal BuildNpvCostUsd)
{
    /// <summary>Build cost minus lease cost: what leasing saves the buyer (negative: building is cheaper).</summary>
    public decimal LeaseSavingUsd => BuildNpvCostUsd - LeaseNpvCostUsd;
}

/// <summary>
/// Scores and ranks offers. The build alternative uses the catalog's price per GPU and, where the catalog has none,
/// the assumptions of the Microsoft–IREN preset's buyer view: $11M per MW of facility, $51/MWh, PUE 1.2, $150 per
/// GPU-month of opex, 18 months to build.
/// </summary>
public static class OfferScoring
{
    private const decimal BuildFacilityUsdPerMw = 11_000_000m;
    private const decimal BuildPowerUsdPerMwh = 51m;
    private const decimal BuildPue = 1.2m;
    private const decimal BuildOpexUsdPerGpuMonth = 150m;
    private const int BuildDelayMonths = 18;

    /// <summary>Scores one offer against its RFQ; <paramref name="regionOf"/> names each pool's region.</summary>
    public static ScoredOffer Score(RfqTerms rfq, string offerId, OfferTerms offer, Func<string, string?> regionOf, ReferenceCatalog catalog)
    {
        var signed = CalendarMonth.Of(rfq.ClosesAt);
        var terms = ToContract(rfq, offer, signed, share: 1m);
        var plan = ContractLedger.Economics(terms, ContractHistory.Empty, signed).Plan;
        var regions = offer.Tranches.Select(t => regionOf(t.Pool)).ToList();
        var regionRank = rfq.Regions.Count == 0 ? 0 : regions.Select(r => r is null ? int.MaxValue : IndexOf(rfq.Regions, r)).DefaultIfEmpty(int.MaxValue).Max();

        var sku = catalog.FindSku(offer.Sku);
        var kwPerGpu = KwPerGpu(sku);
        var equipmentPerGpu = EquipmentPerGpu(sku);
        var deal = new DealTerms(
            offer.Tranches.Select(t => new Tranche(t.Gpus, t.Start.MonthsSince(signed) < 0 ? 0 : t.Start.MonthsSince(signed), t.TermMonths)).ToList(),
            new Pricing.PerGpuHour(offer.PricePerGpuHour), offer.PrepaymentFraction, 0, new Equipment.PerGpu(equipmentPerGpu),
            9_500_000m, kwPerGpu, 1.1m, 38m, 0.112m, 0.1m, rfq.DiscountRateAnnual, 72,
            new BuyerView(rfq.DiscountRateAnnual, equipmentPerGpu, BuildFacilityUsdPerMw, BuildPowerUsdPerMwh, BuildPue, BuildOpexUsdPerGpuMonth, BuildDelayMonths));
        var analysis = DealAnalyzer.Analyze(deal, withIrr: false);
        return new ScoredOffer(offerId, plan.EffectivePricePerGpuHour ?? 0m, plan.NpvUsd, plan.GpuHours, offer.FirstDelivery, offer.AvailabilityPercent, regionRank,
            decimal.Round(analysis.LeaseNpvCostUsd ?? 0m, 2), decimal.Round(analysis.BuildNpvCostUsd ?? 0m, 2));
    }

    /// <summary>The offers in the buyer's chosen order; ties go to the lower effective price, then the offer id.</summary>
    public static IReadOnlyList<ScoredOffer> Rank(IEnumerable<ScoredOffer> offers, OfferRanking ranking)
    {
        var ordered = ranking switch
        {
            OfferRanking.Delivery => offers.OrderBy(o => o.FirstDelivery),
            OfferRanking.Availability => offers.OrderByDescending(o => o.AvailabilityPercent),
            OfferRanking.Region => offers.OrderBy(o => o.RegionRank),
            _ => offers.OrderBy(o => o.EffectivePricePerGpuHour),
        };
        return ordered.ThenBy(o => o.EffectivePricePerGpuHour).ThenBy(o => o.OfferId, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The contract an award of <paramref name="share"/> of an offer makes: each tranche's GPUs scaled by the share
    /// (rounded down, at least 1), the offer's price and prepayment, the RFQ's grace period, credit table, billing
    /// convention and prepayment credit month, the offer's escalator (else the RFQ's), and the better of the two's damages.
    /// </summary>
    public static ContractTerms ToContract(RfqTerms rfq, OfferTerms offer, CalendarMonth signed, decimal share) =>
        new(offer.Sku, signed, offer.PricePerGpuHour, offer.PrepaymentFraction, offer.AvailabilityPercent, rfq.GraceMonths, rfq.DiscountRateAnnual,
            rfq.CreditTable.Count > 0 ? rfq.CreditTable : ServiceCredits.Default(offer.AvailabilityPercent),
            offer.Tranches.Select((t, i) => new ContractTranche(i + 1, t.Pool, Math.Max(1, (int)decimal.Floor(t.Gpus * share)), t.Start, t.TermMonths)).ToList(),
            rfq.Billing, rfq.PrepaymentCreditFromMonth, offer.PriceIndex ?? rfq.PriceIndex, Math.Max(rfq.LdPercentPerMonth, offer.LdPercentPerMonth ?? 0m),
            Math.Max(rfq.LdCapPercent, offer.LdCapPercent ?? 0m));

    /// <summary>All-in kW per GPU: the catalog's rack figure, else TDP × 1.5 for the server around the GPU (an assumption).</summary>
    public static decimal KwPerGpu(Sku? sku) => sku?.AllInKwPerGpu ?? (sku is null ? 1.4m : sku.TdpWatts.Value * 1.5m / 1000m);

    /// <summary>Equipment per GPU: the catalog's GPU price, else its rack price over GPUs per rack, else $50,000 (an assumption).</summary>
    public static decimal EquipmentPerGpu(Sku? sku) =>
        sku?.GpuPriceUsd?.Value ?? (sku?.RackPriceUsd is { } rack && sku.GpusPerRack is > 0 ? rack.Value / sku.GpusPerRack.Value : 50_000m);

    private static int IndexOf(IReadOnlyList<string> regions, string region)
    {
        for (var i = 0; i < regions.Count; i++)
        {
            if (regions[i] == region) return i;
        }
        return int.MaxValue;
    }
}

/// <summary>The rankings by the names the API, the CLI and the dashboard use.</summary>
public static class OfferRankings
{
    /// <summary>The names, in the order they are offered.</summary>
    public static readonly IReadOnlyList<string> Names = ["effective-price", "delivery", "availability", "region"];

    /// <summary>A ranking by name (default: effective price), or null for an unknown name.</summary>
    public static OfferRanking? Parse(string? name) => name switch
    {
        null or "effective-price" => OfferRanking.EffectivePrice,
        "delivery" => OfferRanking.Delivery,
        "availability" => OfferRanking.Availability,
        "region" => OfferRanking.Region,
        _ => null,
    };
}
