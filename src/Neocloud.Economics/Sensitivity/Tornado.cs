using Neocloud.Economics.Deals;

namespace Neocloud.Economics.Sensitivity;

/// <summary>One input moved down and up: the deal's NPV and IRR at each end.</summary>
public sealed record TornadoRow(DealInput Input, decimal LowFactor, decimal HighFactor, decimal NpvLowUsd, decimal NpvHighUsd, decimal? IrrLow, decimal? IrrHigh)
{
    /// <summary>How far the NPV moves between the two ends.</summary>
    public decimal NpvSwingUsd => Math.Abs(NpvHighUsd - NpvLowUsd);
}

/// <summary>A tornado: each input moved by its range, the others held, sorted by NPV swing.</summary>
public static class Tornado
{
    /// <summary>The default ranges: ±20% for each input.</summary>
    public static IReadOnlyDictionary<DealInput, (decimal Low, decimal High)> DefaultRanges { get; } =
        Enum.GetValues<DealInput>().ToDictionary(i => i, _ => (-0.2m, 0.2m));

    /// <summary>Runs the tornado; ranges are relative changes such as (−0.2, +0.2).</summary>
    public static IReadOnlyList<TornadoRow> Run(DealTerms deal, IReadOnlyDictionary<DealInput, (decimal Low, decimal High)> ranges)
    {
        var rows = new List<TornadoRow>();
        foreach (var (input, (low, high)) in ranges)
        {
            var down = DealAnalyzer.Analyze(Scenario.Scale(deal, input, 1m + low));
            var up = DealAnalyzer.Analyze(Scenario.Scale(deal, input, 1m + high));
            rows.Add(new TornadoRow(input, 1m + low, 1m + high, down.NpvUsd, up.NpvUsd, down.IrrAnnual, up.IrrAnnual));
        }
        return rows.OrderByDescending(r => r.NpvSwingUsd).ToList();
    }
}
