namespace Neocloud.Economics.Deals;

/// <summary>One month of the seller's cash flow, with its parts (<c>DamagesUsd</c>: delivery damages the seller pays this month).</summary>
public sealed record DealMonth(
    int Month,
    decimal RevenueUsd,
    decimal CreditUsd,
    decimal PowerUsd,
    decimal OtherOpexUsd,
    decimal PrepaymentUsd,
    decimal CapexUsd,
    decimal ResidualUsd,
    decimal CashFlowUsd,
    decimal CumulativeUsd,
    decimal DamagesUsd = 0m);

/// <summary>What a deal is worth to the seller (and, with a buyer view, what leasing costs the buyer against building).</summary>
public sealed record DealAnalysis(
    decimal TcvUsd,
    decimal PricePerGpuHour,
    decimal ArrUsd,
    decimal NpvUsd,
    decimal? IrrAnnual,
    int? PaybackMonth,
    decimal PeakFundingUsd,
    decimal EbitdaMargin,
    decimal PrepaymentUsd,
    decimal EquipmentUsd,
    decimal DepreciationUsdPerMonth,
    IReadOnlyList<DealMonth> Months,
    decimal? LeaseNpvCostUsd,
    decimal? BuildNpvCostUsd)
{
    /// <summary>Cash flows by month.</summary>
    public IReadOnlyList<decimal> CashFlows => Months.Select(m => m.CashFlowUsd).ToList();
}
