using Neocloud.Planning.Solving;
using ScottPlot;

namespace Neocloud.Cli.Planning;

/// <summary>The capacity stack of a plan — own fleet, build, each signed offtake, spot — against demand, as PNG or SVG.</summary>
public static class PlanChart
{
    /// <summary>Writes the chart to <paramref name="path"/> (the extension picks the format).</summary>
    public static void Write(PlanResult result, string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".png" or ".svg")) throw new UsageException($"--chart: '{path}' must end in .png or .svg");
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory)) throw new UsageException($"--chart: folder '{directory}' does not exist");

        var months = result.Months.Select(m => m.Month).Distinct().Order().ToArray();
        double[] Sum(Func<PlanMonth, decimal> pick) => months.Select(month => (double)result.Months.Where(m => m.Month == month).Sum(pick)).ToArray();
        // Layers bottom to top; each is drawn as the band between the running total below it and itself.
        var layers = new List<(string Name, double[] Gpus)> { ("own fleet", Sum(m => m.FleetGpus)), ("build", Sum(m => m.BuildGpus)) };
        foreach (var offer in result.Offers.Where(o => o.Signed))
            layers.Add(($"offtake {offer.OfferId}", Sum(m => m.OfferGpus.Where(o => o.OfferId == offer.OfferId).Sum(o => o.Gpus))));
        layers.Add(("spot", Sum(m => m.SpotGpus)));

        var plot = new Plot();
        var xs = months.Select(m => (double)m).ToArray();
        var below = new double[xs.Length];
        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < layers.Count; i++)
        {
            var top = below.Zip(layers[i].Gpus, (a, b) => a + b).ToArray();
            var band = plot.Add.FillY(xs, top, below);
            band.LegendText = layers[i].Name;
            band.FillColor = palette.GetColor(i).WithAlpha(0.7);
            band.LineWidth = 0;
            below = top;
        }
        var demand = plot.Add.Scatter(xs, Sum(m => m.DemandGpus));
        demand.LegendText = "demand";
        demand.Color = Colors.Black;
        demand.LineWidth = 2;
        demand.MarkerSize = 0;
        plot.Title($"{result.Scenario}: capacity stack vs demand");
        plot.XLabel("month");
        plot.YLabel("reference GPUs");
        plot.ShowLegend(Alignment.UpperLeft);
        if (extension == ".png") plot.SavePng(path, 1200, 600);
        else plot.SaveSvg(path, 1200, 600);
    }
}
