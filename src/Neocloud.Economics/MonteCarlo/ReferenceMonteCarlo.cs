using Neocloud.Economics.Deals;
using Neocloud.Economics.Rates;

namespace Neocloud.Economics.MonteCarlo;

/// <summary>
/// The plain Monte Carlo, kept to check <see cref="DealMonteCarlo"/>: for each draw, change the deal's inputs and run
/// the full cash-flow model again.
/// </summary>
public static class ReferenceMonteCarlo
{
    /// <summary>Runs the same draws as <see cref="DealMonteCarlo.Run"/> the slow way.</summary>
    public static MonteCarloResult Run(DealTerms deal, int runs, int seed, decimal hurdleAnnual)
    {
        var model = new RiskModel(seed, deal.ResidualFraction);
        var hurdle = Discounting.MonthlyFromAnnual(hurdleAnnual);
        var npv = new decimal[runs];
        var npvAtHurdle = new decimal[runs];
        for (var run = 0; run < runs; run++)
        {
            var draw = model.Next();
            var scenario = deal with
            {
                Utilization = draw.Utilization,
                PowerUsdPerMwh = deal.PowerUsdPerMwh * draw.PowerPriceFactor,
                ResidualFraction = draw.ResidualFraction,
                ServiceDelayMonths = draw.DelayMonths,
            };
            var analysis = DealAnalyzer.Analyze(scenario, withIrr: false);
            npv[run] = analysis.NpvUsd;
            npvAtHurdle[run] = Discounting.Npv(analysis.CashFlows, hurdle);
        }
        return MonteCarloResult.Of(seed, hurdleAnnual, npv, npvAtHurdle);
    }
}
