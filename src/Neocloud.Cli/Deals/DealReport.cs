using System.Globalization;
using Neocloud.Economics.Deals;
using Neocloud.Economics.Escalation;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Neocloud.Cli.Deals;

/// <summary>The readable report of a deal: KPIs and a yearly table.</summary>
public static class DealReport
{
    /// <summary>The KPI table.</summary>
    public static Table Kpis(DealTerms terms, DealAnalysis a)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("KPI").AddColumn(new TableColumn("value").RightAligned());
        void Row(string name, string value) => table.AddRow(new Text(name), new Text(value));
        Row("TCV", Usd(a.TcvUsd));
        Row("price per GPU-hour", $"${a.PricePerGpuHour.ToString("0.0000", CultureInfo.InvariantCulture)}");
        Row("ARR (peak month × 12)", Usd(a.ArrUsd));
        Row($"NPV at {terms.DiscountRateAnnual.ToString("P1", CultureInfo.InvariantCulture)}", Usd(a.NpvUsd));
        Row("IRR (annual)", a.IrrAnnual is { } irr ? irr.ToString("P2", CultureInfo.InvariantCulture) : "none");
        Row("payback month", a.PaybackMonth?.ToString(CultureInfo.InvariantCulture) ?? "never");
        Row("peak funding", Usd(a.PeakFundingUsd));
        Row("EBITDA margin", a.EbitdaMargin.ToString("P1", CultureInfo.InvariantCulture));
        Row("prepayment", Usd(a.PrepaymentUsd));
        Row("equipment", Usd(a.EquipmentUsd));
        Row($"depreciation per month ({terms.DepreciationMonths} months)", Usd(a.DepreciationUsdPerMonth));
        if (terms.PriceIndex is { } index) Row("escalator", index.Kind == IndexKind.Fixed
            ? $"fixed {(index.RatePerYear ?? 0m).ToString("P2", CultureInfo.InvariantCulture)} a year, reset every {index.ResetEveryMonths} months"
            : $"series {index.Series}, reset every {index.ResetEveryMonths} months");
        if (a.Months.Sum(m => m.DamagesUsd) is > 0m and var damages) Row("delivery damages paid", Usd(damages));
        if (a.LeaseNpvCostUsd is { } lease && a.BuildNpvCostUsd is { } build)
        {
            Row("buyer: lease NPV cost", Usd(lease));
            Row("buyer: build NPV cost", Usd(build));
            Row("buyer: lease saves", Usd(build - lease));
        }
        return table;
    }

    /// <summary>The cash flow by contract year (12 months each); a damages column when a late tranche owes any.</summary>
    public static Table Yearly(DealAnalysis a)
    {
        var table = new Table().Border(TableBorder.Rounded);
        var damaged = a.Months.Any(m => m.DamagesUsd != 0m);
        string[] columns = damaged
            ? ["year", "revenue", "prepayment", "credits", "power", "other opex", "capex", "residual", "damages", "cash flow", "cumulative"]
            : ["year", "revenue", "prepayment", "credits", "power", "other opex", "capex", "residual", "cash flow", "cumulative"];
        foreach (var column in columns)
            table.AddColumn(new TableColumn(column).RightAligned());
        foreach (var year in a.Months.GroupBy(m => m.Month / 12))
        {
            IRenderable[] cells =
            [
                new Text((year.Key + 1).ToString(CultureInfo.InvariantCulture)),
                new Text(Usd(year.Sum(m => m.RevenueUsd))),
                new Text(Usd(year.Sum(m => m.PrepaymentUsd))),
                new Text(Usd(year.Sum(m => m.CreditUsd))),
                new Text(Usd(year.Sum(m => m.PowerUsd))),
                new Text(Usd(year.Sum(m => m.OtherOpexUsd))),
                new Text(Usd(year.Sum(m => m.CapexUsd))),
                new Text(Usd(year.Sum(m => m.ResidualUsd))),
                new Text(Usd(year.Sum(m => m.CashFlowUsd))),
                new Text(Usd(year.Last().CumulativeUsd)),
            ];
            table.AddRow(damaged ? [.. cells[..8], new Text(Usd(year.Sum(m => m.DamagesUsd))), .. cells[8..]] : cells);
        }
        return table;
    }

    /// <summary>Dollars in millions with one decimal, e.g. <c>$9,700.0M</c>.</summary>
    public static string Usd(decimal usd) => $"{(usd < 0 ? "-" : "")}${Math.Abs(usd / 1_000_000m).ToString("#,0.0", CultureInfo.InvariantCulture)}M";
}
