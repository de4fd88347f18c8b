using System.Globalization;
using Neocloud.Planning.Solving;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Neocloud.Cli.Planning;

/// <summary>A sourcing plan for a terminal: status, cost split, builds, offers, a yearly table and the binding constraints.</summary>
public static class PlanReport
{
    public static IRenderable Render(PlanResult result)
    {
        var rows = new List<IRenderable> { new Markup($"[bold]{Markup.Escape(result.Scenario)}[/]: {Markup.Escape(result.Message)}") };
        if (!result.HasPlan) return new Rows(rows);

        var costs = new Table().Border(TableBorder.Rounded).AddColumn("cost (present value)").AddColumn(new TableColumn("USD").RightAligned());
        foreach (var (label, value) in new[]
                 {
                     ("build capex", result.Costs.BuildCapexUsd), ("build residual credit", -result.Costs.BuildResidualCreditUsd),
                     ("build power and opex", result.Costs.BuildRunningUsd), ("offtake", result.Costs.OfftakeUsd), ("spot", result.Costs.SpotUsd),
                     ("unmet demand penalty", result.Costs.ShortfallPenaltyUsd), ("total", result.Costs.TotalUsd),
                 })
            costs.AddRow(label, Money(value));
        rows.Add(costs);

        var builds = new Table().Border(TableBorder.Rounded).Title("build");
        foreach (var column in new[] { "option", "region", "SKU", "decide", "online", "MW", "GPUs", "capex" }) builds.AddColumn(column);
        foreach (var b in result.Builds)
            builds.AddRow(b.OptionId, b.Region, b.Sku, b.DecisionLabel, b.OnlineLabel, b.Mw.ToString("0.#", CultureInfo.InvariantCulture), b.Gpus.ToString("N0", CultureInfo.InvariantCulture), Money(b.CapexUsd));
        rows.Add(result.Builds.Count == 0 ? new Text("build: nothing") : builds);

        var offers = new Table().Border(TableBorder.Rounded).Title("offtake offers");
        foreach (var column in new[] { "offer", "provider", "region", "SKU", "signed", "NPV cost" }) offers.AddColumn(column);
        foreach (var o in result.Offers)
            offers.AddRow(o.OfferId, o.Provider, o.Region, o.Sku, o.Signed ? (o.Fraction * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%" : "no", Money(o.NpvCostUsd));
        rows.Add(offers);

        var years = new Table().Border(TableBorder.Rounded).Title("by year (average reference GPUs a month; nominal cost)");
        foreach (var column in new[] { "year", "demand", "own fleet", "build", "offtake", "spot", "shortfall", "cost" }) years.AddColumn(new TableColumn(column).RightAligned());
        foreach (var y in PlanYear.Of(result))
            years.AddRow(y.Year.ToString(CultureInfo.InvariantCulture), Gpus(y.DemandGpus), Gpus(y.FleetGpus), Gpus(y.BuildGpus), Gpus(y.OfftakeGpus), Gpus(y.SpotGpus),
                Gpus(y.ShortfallGpus), Money(y.NominalCostUsd));
        rows.Add(years);

        if (result.Binding.TightMonthCount > 0 || result.Binding.BuildCaps.Count > 0)
        {
            var binding = new Table().Border(TableBorder.Rounded).Title($"binding constraints ({result.Binding.TightMonthCount} tight region-months)");
            foreach (var column in new[] { "where", "when", "why", "shortfall", "value of one more" }) binding.AddColumn(column);
            foreach (var t in result.Binding.TightMonths)
                binding.AddRow(t.Region, t.Label, t.Reason, Gpus(t.ShortfallGpus), t.MarginalUsdPerGpuMonth is { } v ? Money(v) + " per GPU-month" : "");
            foreach (var c in result.Binding.BuildCaps)
                binding.AddRow($"{c.OptionId} ({c.Region})", c.Year.ToString(CultureInfo.InvariantCulture), $"build cap of {c.CapMw:0.#} MW a year used in full", "",
                    c.Describe(Money));
            rows.Add(binding);
        }
        return new Rows(rows);
    }

    private static string Money(decimal usd) => (usd < 0 ? "-" : "") + "$" + Math.Abs(usd).ToString("N0", CultureInfo.InvariantCulture);

    private static string Gpus(decimal gpus) => gpus.ToString("N0", CultureInfo.InvariantCulture);
}
