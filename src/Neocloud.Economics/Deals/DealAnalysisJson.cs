namespace Neocloud.Economics.Deals;

/// <summary>The published JSON shape of an analysis (CLI <c>--json</c> and REST API): documented names, dollars to the cent.</summary>
public static class DealAnalysisJson
{
    /// <summary>The analysis as an ordered name-value map ready to serialize.</summary>
    public static Dictionary<string, object?> Of(DealAnalysis a)
    {
        var result = new Dictionary<string, object?>
        {
            ["tcvUsd"] = Cents(a.TcvUsd),
            ["pricePerGpuHour"] = decimal.Round(a.PricePerGpuHour, 6),
            ["arrUsd"] = Cents(a.ArrUsd),
            ["npvUsd"] = Cents(a.NpvUsd),
            ["irrAnnual"] = a.IrrAnnual is { } irr ? decimal.Round(irr, 6) : null,
            ["paybackMonth"] = a.PaybackMonth,
            ["peakFundingUsd"] = Cents(a.PeakFundingUsd),
            ["ebitdaMargin"] = decimal.Round(a.EbitdaMargin, 6),
            ["months"] = a.Months.Select(m => new { month = m.Month, revenueUsd = Cents(m.RevenueUsd), cashFlowUsd = Cents(m.CashFlowUsd), cumulativeUsd = Cents(m.CumulativeUsd) }).ToList(),
        };
        if (a.LeaseNpvCostUsd is { } lease) result["leaseNpvCostUsd"] = Cents(lease);
        if (a.BuildNpvCostUsd is { } build) result["buildNpvCostUsd"] = Cents(build);
        return result;
    }

    /// <summary>Dollars rounded to the cent, half away from zero.</summary>
    public static decimal Cents(decimal usd) => decimal.Round(usd, 2, MidpointRounding.AwayFromZero);
}
