using Neocloud.Economics.Rates;

namespace Neocloud.Economics.Deals;

/// <summary>
/// The seller's view of a deal exactly as DESIGN.md defines it, to the cent: monthly revenue, prepayment and its
/// credit, power, other opex, equipment and facility at each tranche's start, residual value the month after it ends;
/// NPV, IRR, ARR, payback, peak funding, EBITDA margin — and the buyer's lease-vs-build when a buyer view is given.
/// </summary>
public static class DealAnalyzer
{
    /// <summary>Analyzes a deal at its own discount rate; <paramref name="withIrr"/> false skips the IRR search.</summary>
    public static DealAnalysis Analyze(DealTerms deal, bool withIrr = true)
    {
        var schedule = Schedule(deal);
        var (revenue, power, capex, ending, damages) = (schedule.Revenue, schedule.Power, schedule.Capex, schedule.EquipmentEnding, schedule.Damages);
        var months = revenue.Length;
        var residual = new decimal[months];
        for (var m = 0; m < months; m++) residual[m] = deal.ResidualFraction * ending[m];

        var prepayment = deal.PrepaymentFraction * deal.TcvUsd;
        var credit = Credits(schedule.BaseRevenue, prepayment, deal.PrepaymentCreditFromMonth);
        var rows = new List<DealMonth>(months);
        var cumulative = 0m;
        var minimum = 0m;
        var wasNegative = false;
        int? payback = null;
        for (var m = 0; m < months; m++)
        {
            var opex = deal.OtherOpexFraction * revenue[m];
            var inflow = m == 0 ? prepayment : 0m;
            var cash = revenue[m] - credit[m] - power[m] - opex + inflow - capex[m] + residual[m] - damages[m];
            cumulative += cash;
            if (cumulative < 0) wasNegative = true;
            else if (wasNegative && payback is null) payback = m;
            minimum = Math.Min(minimum, cumulative);
            rows.Add(new DealMonth(m, revenue[m], credit[m], power[m], opex, inflow, capex[m], residual[m], cash, cumulative, damages[m]));
        }

        var monthly = Discounting.MonthlyFromAnnual(deal.DiscountRateAnnual);
        var cashFlows = rows.Select(r => r.CashFlowUsd).ToList();
        var totalRevenue = revenue.Sum();
        var totalEquipment = deal.Tranches.Sum(deal.EquipmentUsd);
        var (lease, build) = deal.BuyerView is { } buyer ? BuyerCosts(deal, buyer, revenue, credit, damages, prepayment) : ((decimal?)null, (decimal?)null);
        return new DealAnalysis(
            deal.TcvUsd,
            deal.PricePerGpuHour,
            revenue.Max() * 12m,
            Discounting.Npv(cashFlows, monthly),
            withIrr ? Irr.Annual(cashFlows, monthly) : null,
            payback,
            -minimum,
            totalRevenue == 0 ? 0m : (totalRevenue - power.Sum() - deal.OtherOpexFraction * totalRevenue) / totalRevenue,
            prepayment,
            totalEquipment,
            totalEquipment / deal.DepreciationMonths,
            rows,
            lease,
            build);
    }

    /// <summary>
    /// The deal's monthly parts: revenue (at its utilization, escalated), power, equipment and facility paid, and
    /// equipment whose service ends (the residual's base) — the pieces every cash flow is a combination of.
    /// </summary>
    public static (decimal[] Revenue, decimal[] Power, decimal[] Capex, decimal[] EquipmentEnding) Components(DealTerms deal)
    {
        var schedule = Schedule(deal);
        return (schedule.Revenue, schedule.Power, schedule.Capex, schedule.EquipmentEnding);
    }

    /// <summary>
    /// Every monthly part of the deal: <see cref="Components"/>, the revenue at the base price (what the prepayment is
    /// credited against) and the delivery damages the seller pays. A tranche <c>DelayMonths</c> late bills (and draws
    /// power) from its start + delay to its unchanged end; for each late month it owes <c>LdPercentPerMonth</c> % of
    /// gpus × 730 × base price, cumulatively capped at <c>LdCapPercent</c> % of its total value, paid the month after.
    /// </summary>
    public static DealSchedule Schedule(DealTerms deal)
    {
        var months = deal.Months;
        var price = deal.PricePerGpuHour;
        var factors = deal.EscalationFactors(months);
        var revenue = new decimal[months];
        var baseRevenue = new decimal[months];
        var power = new decimal[months];
        var capex = new decimal[months];
        var ending = new decimal[months];
        var damages = new decimal[months];
        foreach (var tranche in deal.Tranches)
        {
            var monthlyRevenue = tranche.Gpus * DealTerms.HoursPerMonth * price * deal.Utilization;
            var monthlyPower = deal.ItMw(tranche) * deal.Pue * DealTerms.HoursPerMonth * deal.PowerUsdPerMwh;
            var serviceStart = tranche.StartMonth + deal.ServiceDelayMonths;
            var serviceEnd = serviceStart + tranche.TermMonths;
            var billingStart = serviceStart + tranche.DelayMonths;
            for (var m = billingStart; m < serviceEnd; m++)
            {
                baseRevenue[m] += monthlyRevenue;
                revenue[m] += monthlyRevenue * factors[m];
                power[m] += monthlyPower;
            }
            var equipment = deal.EquipmentUsd(tranche);
            capex[tranche.StartMonth] += equipment + deal.FacilityUsdPerMw * deal.ItMw(tranche);
            ending[serviceEnd] += equipment;

            if (deal.LdPercentPerMonth == 0m || tranche.DelayMonths == 0) continue;
            var monthlyValue = tranche.Gpus * DealTerms.HoursPerMonth * price;
            var cap = deal.LdCapPercent / 100m * tranche.Gpus * tranche.TermMonths * DealTerms.HoursPerMonth * price;
            var paid = 0m;
            for (var m = serviceStart; m < billingStart; m++)
            {
                var owed = Math.Min(deal.LdPercentPerMonth / 100m * monthlyValue, cap - paid);
                paid += owed;
                damages[m + 1] += owed;
            }
        }
        return new DealSchedule(revenue, baseRevenue, power, capex, ending, damages);
    }

    /// <summary>
    /// Prepayment credited back against invoices in proportion to revenue from month <paramref name="fromMonth"/> on:
    /// <c>credit_m = P × revenue_m / Σ_{m' ≥ k} revenue_m'</c> (the analysis passes the revenue at the base price, so an
    /// escalator does not move the credit).
    /// </summary>
    public static decimal[] Credits(decimal[] revenue, decimal prepayment, int fromMonth)
    {
        var credit = new decimal[revenue.Length];
        var base_ = 0m;
        for (var m = fromMonth; m < revenue.Length; m++) base_ += revenue[m];
        if (prepayment == 0m || base_ == 0m) return credit;
        for (var m = fromMonth; m < revenue.Length; m++) credit[m] = prepayment * revenue[m] / base_;
        return credit;
    }

    /// <summary>
    /// The buyer's side at its own rate. Lease: the prepayment in month 0 and each month's invoice net of credits and damages.
    /// Build: the same GPUs for the same number of months, <c>buildDelayMonths</c> later — its equipment and facility
    /// when each tranche starts, then power (MW × PUE × 730 h × $/MWh) and opex per GPU-month while it runs, less the
    /// deal's residual fraction of its equipment the month after it ends.
    /// </summary>
    private static (decimal? Lease, decimal? Build) BuyerCosts(DealTerms deal, BuyerView buyer, decimal[] revenue, decimal[] credit, decimal[] damages,
        decimal prepayment)
    {
        var monthly = Discounting.MonthlyFromAnnual(buyer.DiscountRateAnnual);
        var payments = new decimal[revenue.Length];
        for (var m = 0; m < revenue.Length; m++) payments[m] = revenue[m] - credit[m] - damages[m];
        payments[0] += prepayment;

        var horizon = deal.Months + buyer.BuildDelayMonths;
        var build = new decimal[horizon];
        foreach (var tranche in deal.Tranches)
        {
            var start = tranche.StartMonth + buyer.BuildDelayMonths;
            var equipment = buyer.EquipmentUsdPerGpu * tranche.Gpus;
            build[start] += equipment + buyer.FacilityUsdPerMw * deal.ItMw(tranche);
            var running = deal.ItMw(tranche) * buyer.Pue * DealTerms.HoursPerMonth * buyer.PowerUsdPerMwh + buyer.OpexUsdPerGpuMonth * tranche.Gpus;
            for (var m = start; m < start + tranche.TermMonths; m++) build[m] += running;
            build[start + tranche.TermMonths] -= deal.ResidualFraction * equipment;
        }
        return (Discounting.Npv(payments, monthly), Discounting.Npv(build, monthly));
    }
}

/// <summary>A deal's monthly parts (see <see cref="DealAnalyzer.Schedule"/>), each indexed by month.</summary>
public sealed record DealSchedule(
    decimal[] Revenue, decimal[] BaseRevenue, decimal[] Power, decimal[] Capex, decimal[] EquipmentEnding, decimal[] Damages);
