using Neocloud.Economics.Deals;
using ScottPlot;

namespace Neocloud.Cli.Deals;

/// <summary>The monthly cash-flow bars and the cumulative-cash line of a deal, as PNG or SVG (by the file's extension).</summary>
public static class CashFlowChart
{
    /// <summary>Writes the chart to <paramref name="path"/>.</summary>
    public static void Write(DealAnalysis analysis, string title, string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".png" or ".svg")) throw new UsageException($"--chart: '{path}' must end in .png or .svg");
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory)) throw new UsageException($"--chart: folder '{directory}' does not exist");

        // Chart coordinates are drawing positions, not money: millions of dollars as doubles is what a plot needs.
        var months = analysis.Months.Select(m => (double)m.Month).ToArray();
        var cash = analysis.Months.Select(m => (double)(m.CashFlowUsd / 1_000_000m)).ToArray();
        var cumulative = analysis.Months.Select(m => (double)(m.CumulativeUsd / 1_000_000m)).ToArray();

        var plot = new Plot();
        var bars = plot.Add.Bars(months, cash);
        bars.LegendText = "cash flow ($M)";
        foreach (var bar in bars.Bars) bar.FillColor = bar.Value >= 0 ? Colors.SeaGreen : Colors.IndianRed;
        var line = plot.Add.Scatter(months, cumulative);
        line.LegendText = "cumulative ($M)";
        line.Color = Colors.Navy;
        line.LineWidth = 2;
        line.MarkerSize = 0;
        plot.Add.HorizontalLine(0, 1, Colors.Gray);
        plot.Title(title);
        plot.XLabel("month");
        plot.YLabel("$ millions");
        plot.ShowLegend(Alignment.UpperLeft);
        if (extension == ".png") plot.SavePng(path, 1200, 600);
        else plot.SaveSvg(path, 1200, 600);
    }
}
