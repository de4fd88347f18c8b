using System.CommandLine;
using Neocloud.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Neocloud.Cli.Client;

/// <summary><c>neocloud market curve</c>: a SKU's forward curve on a running exchange.</summary>
public static partial class ClientCommands
{
    /// <summary>Adds <c>curve</c> to the <c>market</c> command.</summary>
    public static void AddCurve(Command market, CliContext context)
    {
        var sku = new Argument<string>("sku") { Description = "The SKU, e.g. GB300." };
        var curve = new Command("curve",
            "Forward curve: a price per GPU-hour for each of the 36 months from this one (UTC), and its source: trades (VWAP of the last 30 days), " +
            "book (mid of best bid and ask over the whole month), interpolated, flat (beyond the ends), or none (no value anywhere).")
        { sku };
        Run(curve, context, (api, parsed, ct) => api.GetCurveAsync(parsed.GetValue(sku)!, ct), Curve);
        market.Subcommands.Add(curve);
    }

    private static IRenderable Curve(ForwardCurveView curve)
    {
        var heading = new Text($"{curve.Sku} forward curve as of {curve.AsOf.UtcDateTime:yyyy-MM-dd HH:mm}Z, USD per GPU-hour");
        if (curve.Months.All(m => m.Price is null))
            return new Rows(heading, new Text("no trades in the last 30 days and no two-sided book: every month's price is null"));
        return new Rows(heading, Table(curve.Months, [new Column<CurveMonthView>("month", m => m.Month), new("price", m => m.Price), new("source", m => m.Source)]));
    }
}
