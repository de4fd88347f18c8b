using Neocloud.Economics.Deals;
using Neocloud.Economics.Rates;

namespace Neocloud.Economics.MonteCarlo;

/// <summary>
/// The fast Monte Carlo. A deal's NPV is linear in the drawn inputs for a given delay:
/// <c>NPV = u(1 − opex)·PV(revenue) − PV(credits) − f·PV(power) + P − PV(capex) + ρ·PV(equipment ending) − PV(damages)</c>,
/// so the present values are computed once per delay (at the discount rate and at the hurdle rate), and each run is
/// a handful of decimal multiply-adds. <see cref="ReferenceMonteCarlo"/> rebuilds every run's cash flows instead.
/// </summary>
public static class DealMonteCarlo
{
    /// <summary>Runs <paramref name="runs"/> draws with <paramref name="seed"/>; reports progress every 1,000 runs.</summary>
    public static MonteCarloResult Run(DealTerms deal, int runs, int seed, decimal hurdleAnnual, IProgress<int>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        var atRate = PresentValues(deal, Discounting.MonthlyFromAnnual(deal.DiscountRateAnnual));
        var atHurdle = PresentValues(deal, Discounting.MonthlyFromAnnual(hurdleAnnual));
        var prepayment = deal.PrepaymentFraction * deal.TcvUsd;
        var margin = 1m - deal.OtherOpexFraction;
        var model = new RiskModel(seed, deal.ResidualFraction);
        var npv = new decimal[runs];
        var npvAtHurdle = new decimal[runs];
        for (var run = 0; run < runs; run++)
        {
            var draw = model.Next();
            npv[run] = Npv(atRate[draw.DelayMonths], draw, margin, prepayment);
            npvAtHurdle[run] = Npv(atHurdle[draw.DelayMonths], draw, margin, prepayment);
            if ((run + 1) % 1000 == 0) progress?.Report(run + 1);
        }
        progress?.Report(runs);
        return MonteCarloResult.Of(seed, hurdleAnnual, npv, npvAtHurdle);
    }

    private static decimal Npv(in Components pv, Draw draw, decimal margin, decimal prepayment) =>
        draw.Utilization * margin * pv.Revenue - pv.Credit - draw.PowerPriceFactor * pv.Power + prepayment - pv.Capex + draw.ResidualFraction * pv.EquipmentEnding - pv.Damages;

    private static Components[] PresentValues(DealTerms deal, decimal monthly)
    {
        var result = new Components[RiskModel.MaxDelayMonths + 1];
        var prepayment = deal.PrepaymentFraction * deal.TcvUsd;
        for (var delay = 0; delay <= RiskModel.MaxDelayMonths; delay++)
        {
            var shifted = deal with { ServiceDelayMonths = delay, Utilization = 1m };
            var schedule = DealAnalyzer.Schedule(shifted);
            var credit = DealAnalyzer.Credits(schedule.BaseRevenue, prepayment, shifted.PrepaymentCreditFromMonth);
            result[delay] = new Components(
                Discounting.Npv(schedule.Revenue, monthly), Discounting.Npv(credit, monthly), Discounting.Npv(schedule.Power, monthly),
                Discounting.Npv(schedule.Capex, monthly), Discounting.Npv(schedule.EquipmentEnding, monthly), Discounting.Npv(schedule.Damages, monthly));
        }
        return result;
    }

    private readonly record struct Components(decimal Revenue, decimal Credit, decimal Power, decimal Capex, decimal EquipmentEnding, decimal Damages);
}
