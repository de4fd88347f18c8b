using Neocloud.Domain.Time;
using Neocloud.Economics.Deals;
using Neocloud.Economics.Presets;
using Neocloud.Exchange.Seed;
using Neocloud.Offtake.Contracts;

namespace Neocloud.Exchange.Tests;

/// <summary>The seeded Microsoft–IREN contract is the ledger of its deal preset: the same revenue and prepayment credits, month by month.</summary>
public class SeededContractTests
{
    [Fact]
    public void Microsoft_iren_plan_matches_deal_analyze_month_by_month()
    {
        var preset = DealPresets.Find(OfftakeSeed.PresetId)!;
        var deal = DealAnalyzer.Analyze(preset.Terms);
        var terms = OfftakeSeed.Terms;
        var plan = ContractLedger.Invoices(terms, new ContractHistory(terms.Tranches.Select(t => new Delivery(t.Number, t.Start)).ToList(), [], null), terms.End)
            .ToDictionary(i => i.Month);
        var monthZero = CalendarMonth.Parse("2026-01"); // the preset's month 0 (its notes)

        Assert.Equal(24, terms.PrepaymentCreditFromMonth);
        Assert.Equal(deal.PrepaymentUsd, terms.PrepaymentUsd);
        Assert.Equal(deal.TcvUsd, decimal.Round(terms.TcvUsd, 2));
        var credited = 0;
        foreach (var month in deal.Months)
        {
            var invoice = plan.GetValueOrDefault(monthZero.AddMonths(month.Month));
            Assert.True(Math.Abs((invoice?.ServiceUsd ?? 0m) - month.RevenueUsd) <= 0.005m, $"month {month.Month}: service {invoice?.ServiceUsd} against revenue {month.RevenueUsd}");
            Assert.True(Math.Abs((invoice?.PrepaymentAppliedUsd ?? 0m) - month.CreditUsd) <= 0.01m,
                $"month {month.Month}: prepayment applied {invoice?.PrepaymentAppliedUsd} against credit {month.CreditUsd}");
            if (month.CreditUsd > 0) credited++;
        }
        // Nothing is credited before the 24th month of service (March 2028, the preset's month 26), then every month to the end.
        Assert.Equal(0m, plan.Values.Where(i => i.Month < CalendarMonth.Parse("2028-03")).Sum(i => i.PrepaymentAppliedUsd));
        Assert.True(plan[CalendarMonth.Parse("2028-03")].PrepaymentAppliedUsd > 0);
        Assert.Equal(deal.Months.Count(m => m.Month >= 26 && m.RevenueUsd > 0), credited);
        Assert.Equal(terms.PrepaymentUsd, plan.Values.Sum(i => i.PrepaymentAppliedUsd));
        Assert.Equal(plan.Values.Sum(i => i.ServiceUsd), plan.Keys.Where(m => m >= monthZero).Sum(m => plan[m].ServiceUsd));
    }
}
