using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Neocloud.Economics.Deals;
using Neocloud.Economics.MonteCarlo;
using Neocloud.Economics.Presets;

namespace Neocloud.Economics.Benchmarks;

/// <summary>
/// 100,000 Monte Carlo runs of the Microsoft–IREN deal (4 tranches, 60-month terms), against the plain reference
/// that rebuilds every run's cash flows (measured per 1,000 runs; scale by 100 to compare).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class MonteCarloBenchmarks
{
    private readonly DealTerms _deal = DealPresets.Find("iren-microsoft-2025")!.Terms;

    [Benchmark(Description = "fast: 100,000 runs")]
    public MonteCarloResult Fast100k() => DealMonteCarlo.Run(_deal, 100_000, 1, 0.15m);

    [Benchmark(Baseline = true, Description = "reference: 1,000 runs")]
    public MonteCarloResult Reference1k() => ReferenceMonteCarlo.Run(_deal, 1_000, 1, 0.15m);

    [Benchmark(Description = "one full analysis with IRR")]
    public DealAnalysis Analyze() => DealAnalyzer.Analyze(_deal);
}
