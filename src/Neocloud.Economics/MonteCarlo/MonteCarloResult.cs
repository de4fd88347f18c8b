namespace Neocloud.Economics.MonteCarlo;

/// <summary>One bar of the NPV histogram: runs whose NPV falls in <c>[FromUsd, ToUsd)</c>.</summary>
public sealed record HistogramBin(decimal FromUsd, decimal ToUsd, int Runs);

/// <summary>
/// The distribution of a deal's NPV over the runs, and the probability that it misses the hurdle
/// (NPV at the hurdle rate below zero: the IRR is under the hurdle wherever the IRR is unique).
/// </summary>
public sealed record MonteCarloResult(
    int Runs,
    int Seed,
    decimal HurdleAnnual,
    decimal MeanNpvUsd,
    decimal P10NpvUsd,
    decimal P50NpvUsd,
    decimal P90NpvUsd,
    decimal ProbabilityBelowHurdle,
    IReadOnlyList<HistogramBin> Histogram)
{
    /// <summary>Summarizes NPVs (and their NPVs at the hurdle rate) into percentiles and a histogram.</summary>
    public static MonteCarloResult Of(int seed, decimal hurdle, decimal[] npv, decimal[] npvAtHurdle, int bins = 30)
    {
        var sorted = (decimal[])npv.Clone();
        Array.Sort(sorted);
        var below = 0;
        foreach (var value in npvAtHurdle)
        {
            if (value < 0) below++;
        }
        var mean = 0m;
        foreach (var value in npv) mean += value;
        return new MonteCarloResult(npv.Length, seed, hurdle, mean / npv.Length, Percentile(sorted, 0.10m), Percentile(sorted, 0.50m),
            Percentile(sorted, 0.90m), (decimal)below / npv.Length, BuildHistogram(sorted, bins));
    }

    /// <summary>The nearest-rank percentile of sorted values.</summary>
    public static decimal Percentile(decimal[] sorted, decimal p) => sorted[(int)Math.Floor(p * (sorted.Length - 1))];

    private static List<HistogramBin> BuildHistogram(decimal[] sorted, int bins)
    {
        var low = sorted[0];
        var high = sorted[^1];
        if (high == low) return [new HistogramBin(low, high, sorted.Length)];
        var width = (high - low) / bins;
        var counts = new int[bins];
        foreach (var value in sorted) counts[Math.Min(bins - 1, (int)((value - low) / width))]++;
        return counts.Select((count, i) => new HistogramBin(low + i * width, low + (i + 1) * width, count)).ToList();
    }
}
