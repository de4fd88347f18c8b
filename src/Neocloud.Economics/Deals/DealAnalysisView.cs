using System.Text.Json.Serialization;

namespace Neocloud.Economics.Deals;

/// <summary>
/// A deal's analysis as published: totals to the cent, ratios to six decimals, the month-by-month cash flows, and the
/// lease-vs-build costs when the deal has a build alternative (left out otherwise).
/// </summary>
public sealed record DealAnalysisView(decimal TcvUsd, decimal PricePerGpuHour, decimal ArrUsd, decimal NpvUsd, decimal? IrrAnnual, int? PaybackMonth,
    decimal PeakFundingUsd, decimal EbitdaMargin, IReadOnlyList<DealMonthView> Months)
{
    /// <summary>The present value of leasing the capacity, when the deal has a build alternative.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public decimal? LeaseNpvCostUsd { get; init; }

    /// <summary>The present value of building it instead, when the deal has a build alternative.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public decimal? BuildNpvCostUsd { get; init; }
}

/// <summary>One month of a deal: revenue, cash flow and cumulative cash, to the cent.</summary>
public sealed record DealMonthView(int Month, decimal RevenueUsd, decimal CashFlowUsd, decimal CumulativeUsd);
