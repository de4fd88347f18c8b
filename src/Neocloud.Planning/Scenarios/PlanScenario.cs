using System.Globalization;

namespace Neocloud.Planning.Scenarios;

/// <summary>What a demand figure counts: GPUs of the reference SKU, or dense FP8 PFLOPS.</summary>
public enum DemandUnit
{
    /// <summary>GPUs of the scenario's reference SKU.</summary>
    Gpus,

    /// <summary>Dense FP8 petaFLOPS; one reference GPU is its dense FP8 TFLOPS / 1000 PFLOPS.</summary>
    Pflops,
}

/// <summary>
/// A buyer's capacity-planning problem: monthly compute demand per region over a horizon, the own fleet, build
/// options, offtake offers and spot markets, with the cost of capital and the price of unmet demand. Months are
/// whole months counted from 0 = <see cref="StartMonth"/>. Money is in USD.
/// </summary>
/// <param name="Name">A label for the scenario.</param>
/// <param name="StartMonth">The first day of the calendar month that month 0 stands for (UTC).</param>
/// <param name="HorizonMonths">Months planned: 0 to <c>HorizonMonths − 1</c>.</param>
/// <param name="ReferenceSku">The SKU that demand and capacity are counted in.</param>
/// <param name="DemandUnit">What the regions' demand figures count.</param>
/// <param name="DiscountRateAnnual">The buyer's cost of capital, e.g. 0.09.</param>
/// <param name="UnmetPenaltyUsdPerGpuMonth">Cost of one reference GPU-month of unmet demand; null means every month's demand must be met.</param>
/// <param name="Usefulness">Per-SKU factor on its dense FP8 figure (default 1), e.g. 0.8 for hardware only fit for inference.</param>
/// <param name="DenseFp8Tflops">Dense FP8 TFLOPS per GPU of every SKU the scenario may name (from the catalog).</param>
/// <param name="Regions">Where demand is and capacity can be placed.</param>
/// <param name="Offers">Offtake offers that can be signed.</param>
/// <param name="Spot">Spot markets: expected price and liquidity.</param>
public sealed record PlanScenario(
    string Name,
    DateOnly StartMonth,
    int HorizonMonths,
    string ReferenceSku,
    DemandUnit DemandUnit,
    decimal DiscountRateAnnual,
    decimal? UnmetPenaltyUsdPerGpuMonth,
    IReadOnlyDictionary<string, decimal> Usefulness,
    IReadOnlyDictionary<string, decimal> DenseFp8Tflops,
    IReadOnlyList<PlanRegion> Regions,
    IReadOnlyList<OfftakeOffer> Offers,
    IReadOnlyList<SpotMarket> Spot)
{
    /// <summary>Hours billed in a month.</summary>
    public const int HoursPerMonth = 730;

    /// <summary>The longest horizon a scenario may have: ten years.</summary>
    public const int MaxHorizonMonths = 120;

    /// <summary>True when demand must be met in full (no penalty given).</summary>
    public bool MeetAllDemand => UnmetPenaltyUsdPerGpuMonth is null;

    /// <summary>Reference GPUs one GPU of <paramref name="sku"/> is worth: dense FP8 ratio times usefulness.</summary>
    public decimal EffectiveFactor(string sku) =>
        DenseFp8Tflops[sku] / DenseFp8Tflops[ReferenceSku] * (Usefulness.TryGetValue(sku, out var factor) ? factor : 1m);

    /// <summary>A region's demand in <paramref name="month"/>, in reference GPUs.</summary>
    public decimal DemandGpus(PlanRegion region, int month) => DemandUnit switch
    {
        DemandUnit.Pflops => region.Demand[month] * 1000m / DenseFp8Tflops[ReferenceSku],
        _ => region.Demand[month],
    };

    /// <summary>The calendar month a plan month stands for, as <c>yyyy-MM</c>.</summary>
    public string MonthLabel(int month) => StartMonth.AddMonths(month).ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>The calendar year a plan month falls in.</summary>
    public int CalendarYear(int month) => StartMonth.AddMonths(month).Year;

    /// <summary>The region with this id, or null.</summary>
    public PlanRegion? FindRegion(string id) => Regions.FirstOrDefault(r => r.Id == id);

    /// <summary>The offer with this id, or null.</summary>
    public OfftakeOffer? FindOffer(string id) => Offers.FirstOrDefault(o => o.Id == id);

    /// <summary>The same scenario without one offer (to value it).</summary>
    public PlanScenario WithoutOffer(string offerId) => this with { Offers = Offers.Where(o => o.Id != offerId).ToList() };
}

/// <summary>A region: its monthly demand (in the scenario's unit, one figure per month), own fleet and build options.</summary>
public sealed record PlanRegion(string Id, IReadOnlyList<decimal> Demand, IReadOnlyList<FleetEntry> Fleet, IReadOnlyList<BuildOption> Build);

/// <summary>Own GPUs, existing or under construction: online from <see cref="OnlineMonth"/> up to (not including) <see cref="RetireMonth"/>.</summary>
/// <remarks>The fleet's cost is sunk and outside the plan's cost.</remarks>
public sealed record FleetEntry(string Sku, int Gpus, int OnlineMonth, int? RetireMonth)
{
    /// <summary>True when these GPUs serve demand in <paramref name="month"/>.</summary>
    public bool IsOnline(int month) => month >= OnlineMonth && (RetireMonth is not { } retire || month < retire);
}

/// <summary>
/// Building own capacity in a region, in blocks of <see cref="MwBlock"/> critical-IT MW. A block decided in month t pays
/// its capex in t (facility per MW and equipment per GPU), is online from t + lead time for <see cref="LifeMonths"/>,
/// and pays power and opex while online. At most <see cref="MaxMwPerYear"/> MW may come online per calendar year.
/// </summary>
public sealed record BuildOption(
    string Id,
    string Sku,
    decimal FacilityUsdPerMw,
    decimal EquipmentUsdPerGpu,
    decimal KwPerGpu,
    decimal Pue,
    decimal PowerUsdPerMwh,
    decimal OpexUsdPerGpuMonth,
    int LeadTimeMonths,
    decimal MwBlock,
    decimal MaxMwPerYear,
    int LifeMonths)
{
    /// <summary>Whole GPUs one block holds: block MW × 1000 / kW per GPU, rounded down.</summary>
    public int GpusPerBlock => (int)decimal.Floor(MwBlock * 1000m / KwPerGpu);

    /// <summary>Whole blocks that may come online in one calendar year.</summary>
    public int BlocksPerYear => (int)decimal.Floor(MaxMwPerYear / MwBlock);

    /// <summary>Capex of one block, paid in its decision month.</summary>
    public decimal BlockCapexUsd => MwBlock * FacilityUsdPerMw + GpusPerBlock * EquipmentUsdPerGpu;

    /// <summary>Power (block MW × PUE × 730 h × price) and opex of one online block for one month.</summary>
    public decimal BlockRunningUsdPerMonth => MwBlock * Pue * PlanScenario.HoursPerMonth * PowerUsdPerMwh + GpusPerBlock * OpexUsdPerGpuMonth;
}

/// <summary>
/// An offtake offer: tranches of GPUs of one SKU in one region at a price per GPU-hour. Tranche months count from
/// <see cref="EarliestStartMonth"/>. All-or-nothing unless <see cref="Divisible"/>, in which case any fraction of
/// every tranche may be signed.
/// </summary>
public sealed record OfftakeOffer(
    string Id,
    string Provider,
    string Sku,
    string Region,
    decimal PricePerGpuHour,
    decimal PrepaymentFraction,
    bool Divisible,
    int EarliestStartMonth,
    IReadOnlyList<OfferTranche> Tranches)
{
    /// <summary>GPUs the offer delivers in a plan month if signed in full.</summary>
    public int GpusIn(int month)
    {
        var gpus = 0;
        foreach (var t in Tranches)
        {
            var start = EarliestStartMonth + t.StartMonth;
            if (month >= start && month < start + t.TermMonths) gpus += t.Gpus;
        }
        return gpus;
    }
}

/// <summary>One phase of an offer: GPUs from <see cref="StartMonth"/> (relative to the offer's start) for <see cref="TermMonths"/>.</summary>
public sealed record OfferTranche(int Gpus, int StartMonth, int TermMonths);

/// <summary>
/// A spot market for one SKU, in one region or (region null) any region: an expected price per GPU-hour per month
/// (the last figure holds for later months) and the most GPUs it can supply in a month, across the regions it serves.
/// </summary>
public sealed record SpotMarket(string Sku, string? Region, IReadOnlyList<decimal> PricePerGpuHour, int MaxGpusPerMonth)
{
    /// <summary>The expected price in a plan month.</summary>
    public decimal PriceAt(int month) => PricePerGpuHour[Math.Min(month, PricePerGpuHour.Count - 1)];

    /// <summary>True when this market can serve the region.</summary>
    public bool Serves(string region) => Region is null || Region == region;
}
