namespace Neocloud.Economics.Deals;

/// <summary>The published JSON shape of an analysis (CLI <c>--json</c> and REST API): documented names, dollars to the cent.</summary>
public static class DealAnalysisJson
{
    /// <summary>The analysis as its published view, ready to serialize.</summary>
    public static DealAnalysisView Of(DealAnalysis a) => new(
        Cents(a.TcvUsd), decimal.Round(a.PricePerGpuHour, 6), Cents(a.ArrUsd), Cents(a.NpvUsd), a.IrrAnnual is { } irr ? decimal.Round(irr, 6) : null,
        a.PaybackMonth, Cents(a.PeakFundingUsd), decimal.Round(a.EbitdaMargin, 6),
        a.Months.Select(m => new DealMonthView(m.Month, Cents(m.RevenueUsd), Cents(m.CashFlowUsd), Cents(m.CumulativeUsd))).ToList())
    {
        LeaseNpvCostUsd = a.LeaseNpvCostUsd is { } lease ? Cents(lease) : null,
        BuildNpvCostUsd = a.BuildNpvCostUsd is { } build ? Cents(build) : null,
    };

    /// <summary>Dollars rounded to the cent, half away from zero.</summary>
    public static decimal Cents(decimal usd) => decimal.Round(usd, 2, MidpointRounding.AwayFromZero);
}
