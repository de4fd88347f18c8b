using CsCheck;
using Neocloud.Domain.Time;
using Neocloud.Offtake.Contracts;

namespace Neocloud.Offtake.Tests;

/// <summary>Invoices, prepayment draw-down, service credits, late delivery and termination.</summary>
public class ContractLedgerTests
{
    private static readonly CalendarMonth s_jan = CalendarMonth.Parse("2026-01");

    /// <summary>A month after every contract here has ended: the whole life as-of.</summary>
    private static readonly CalendarMonth s_over = CalendarMonth.Parse("2031-01");

    private static ContractTerms Terms(decimal prepayment = 0.2m, int grace = 3, params ContractTranche[] tranches) =>
        new("GB300", s_jan, 2.5m, prepayment, 99.9m, grace, 0.08m, ServiceCredits.Default(99.9m),
            tranches.Length > 0 ? tranches : [new ContractTranche(1, "p1", 100, s_jan.AddMonths(2), 12), new ContractTranche(2, "p1", 100, s_jan.AddMonths(5), 12)]);

    private static ContractHistory OnTime(ContractTerms terms) => new(terms.Tranches.Select(t => new Delivery(t.Number, t.Start)).ToList(), [], null);

    [Fact]
    public void On_time_the_buyer_pays_the_contract_value_and_the_prepayment_is_fully_drawn_down()
    {
        var terms = Terms();
        var invoices = ContractLedger.Invoices(terms, OnTime(terms), s_over);

        Assert.Equal(4_380_000m, terms.TcvUsd); // 200 GPUs × 12 months × 730 h × $2.50
        Assert.Equal(876_000m, invoices[0].PrepaymentUsd);
        Assert.Equal(terms.TcvUsd, invoices.Sum(i => i.DueUsd));
        Assert.Equal(terms.PrepaymentUsd, invoices.Sum(i => i.PrepaymentAppliedUsd));
        Assert.Equal(s_jan, invoices[0].Month);
        Assert.Equal(CalendarMonth.Parse("2027-05"), invoices[^1].Month);
        // March: tranche 1 alone, 100 × 730 × 2.50 = 182,500, of which 20% is drawn from the prepayment.
        var march = invoices.Single(i => i.Month == CalendarMonth.Parse("2026-03"));
        Assert.Equal(182_500m, march.ServiceUsd);
        Assert.Equal(36_500m, march.PrepaymentAppliedUsd);
        Assert.Equal(146_000m, march.DueUsd);
    }

    [Fact]
    public void A_late_tranche_bills_from_delivery_and_refunds_the_prepayment_of_the_lost_months()
    {
        var terms = Terms();
        var history = new ContractHistory([new Delivery(1, CalendarMonth.Parse("2026-03")), new Delivery(2, CalendarMonth.Parse("2026-08"))], [], null);
        var invoices = ContractLedger.Invoices(terms, history, s_over);

        var june = invoices.Single(i => i.Month == CalendarMonth.Parse("2026-06"));
        Assert.Equal(182_500m, june.ServiceUsd); // tranche 2 is not there yet
        Assert.Equal(0.2m * 182_500m, june.RefundUsd); // June of tranche 2 will never be billed: its share comes back on June's invoice
        Assert.Equal(0.2m * 182_500m, invoices.Single(i => i.Month == CalendarMonth.Parse("2026-07")).RefundUsd);
        var august = invoices.Single(i => i.Month == CalendarMonth.Parse("2026-08"));
        Assert.Equal(365_000m, august.ServiceUsd);
        Assert.Equal(0m, august.RefundUsd);
        Assert.Equal(terms.PrepaymentUsd, invoices.Sum(i => i.PrepaymentAppliedUsd + i.RefundUsd));
        Assert.Equal(TrancheState.DeliveredLate, ContractLedger.Statuses(terms, history, CalendarMonth.Parse("2026-09"))[1].State);
    }

    [Fact]
    public void An_undelivered_tranches_share_is_refunded_on_each_ended_month_and_nothing_is_decided_for_months_to_come()
    {
        var terms = Terms();
        var history = new ContractHistory([new Delivery(1, CalendarMonth.Parse("2026-03"))], [], null);
        var august = CalendarMonth.Parse("2026-08"); // tranche 2 was due in June; June and July have ended
        var invoices = ContractLedger.Invoices(terms, history, august);

        Assert.Equal(0.2m * 182_500m, invoices.Single(i => i.Month == CalendarMonth.Parse("2026-06")).RefundUsd);
        Assert.Equal(0.2m * 182_500m, invoices.Single(i => i.Month == CalendarMonth.Parse("2026-07")).RefundUsd);
        // August may still see it delivered: no service, no refund, no damages yet — nor in any month after.
        Assert.All(invoices.Where(i => i.Month >= august), i =>
        {
            Assert.Equal(0m, i.RefundUsd);
            Assert.Equal(i.Month < CalendarMonth.Parse("2027-03") ? 182_500m : 0m, i.ServiceUsd); // tranche 1 alone, to the end of its term
        });
        // The contract's economics read the same ledger: the refund and the service are the invoices' own.
        var economics = ContractLedger.Economics(terms, history, august);
        Assert.Equal(invoices.Sum(i => i.RefundUsd), economics.Actual.RefundUsd);
        Assert.Equal(invoices.Sum(i => i.ServiceUsd), economics.Actual.ServiceUsd);
        Assert.Equal(invoices.Sum(i => i.DueUsd), economics.Actual.PaidUsd);
    }

    [Fact]
    public void A_tranche_not_due_yet_is_neither_in_service_nor_refunded_in_any_view()
    {
        var terms = Terms();
        var history = new ContractHistory([new Delivery(1, CalendarMonth.Parse("2026-03"))], [], null);
        var april = CalendarMonth.Parse("2026-04"); // tranche 2 is due in June
        var invoices = ContractLedger.Invoices(terms, history, april);
        var economics = ContractLedger.Economics(terms, history, april);

        Assert.Equal(0m, invoices.Sum(i => i.RefundUsd));
        Assert.Equal(12 * 182_500m, invoices.Sum(i => i.ServiceUsd)); // tranche 1 only
        Assert.Equal(12 * 182_500m, economics.Actual.ServiceUsd);
        Assert.Equal(0m, economics.Actual.RefundUsd);
        Assert.Equal(TrancheState.Scheduled, ContractLedger.Statuses(terms, history, april)[1].State);
    }

    [Theory]
    [InlineData(99.95, 0.0)]
    [InlineData(99.5, 0.10)]
    [InlineData(98.0, 0.25)]
    [InlineData(90.0, 0.50)]
    public void Missed_availability_credits_the_months_charge_by_the_table(double availability, double credit)
    {
        var terms = Terms();
        var history = OnTime(terms) with { Sla = [new SlaReport(CalendarMonth.Parse("2026-04"), (decimal)availability)] };
        var april = ContractLedger.Invoices(terms, history, s_over).Single(i => i.Month == CalendarMonth.Parse("2026-04"));
        Assert.Equal(decimal.Round((decimal)credit * 182_500m, 2), april.SlaCreditUsd);
        Assert.Equal(april.ServiceUsd - april.PrepaymentAppliedUsd - april.SlaCreditUsd, april.DueUsd);
    }

    [Fact]
    public void The_buyer_may_terminate_only_when_a_tranche_is_later_than_the_grace_period()
    {
        var terms = Terms(grace: 2);
        var history = new ContractHistory([new Delivery(1, CalendarMonth.Parse("2026-03"))], [], null);
        Assert.Empty(ContractLedger.TerminationRight(terms, history, CalendarMonth.Parse("2026-08"))); // tranche 2 is 2 months late
        Assert.Equal([2], ContractLedger.TerminationRight(terms, history, CalendarMonth.Parse("2026-09")));

        var terminated = history with { TerminatedIn = CalendarMonth.Parse("2026-09") };
        Assert.Empty(ContractLedger.TerminationRight(terms, terminated, CalendarMonth.Parse("2026-10")));
        var statuses = ContractLedger.Statuses(terms, terminated, CalendarMonth.Parse("2026-10"));
        Assert.Equal([TrancheState.Delivered, TrancheState.Cancelled], statuses.Select(s => s.State));
        var invoices = ContractLedger.Invoices(terms, terminated, s_over);
        // The cancelled tranche's share of the prepayment comes back month by month, each month on its own invoice (June to
        // August as they ended late, then every month of the cancelled term); tranche 1 runs on.
        Assert.Equal(0.2m * 182_500m, invoices.Single(i => i.Month == CalendarMonth.Parse("2026-09")).RefundUsd);
        Assert.Equal(0.2m * 12 * 182_500m, invoices.Sum(i => i.RefundUsd));
        Assert.Equal(12 * 182_500m, invoices.Sum(i => i.ServiceUsd));
        Assert.Equal(terms.PrepaymentUsd, invoices.Sum(i => i.PrepaymentAppliedUsd + i.RefundUsd));
    }

    [Fact]
    public void Economics_compare_the_plan_with_what_happened()
    {
        var terms = Terms();
        var history = new ContractHistory([new Delivery(1, CalendarMonth.Parse("2026-03")), new Delivery(2, CalendarMonth.Parse("2026-09"))],
            [new SlaReport(CalendarMonth.Parse("2026-04"), 97m)], null);
        var economics = ContractLedger.Economics(terms, history, CalendarMonth.Parse("2026-10"));
        Assert.Equal(terms.TcvUsd, economics.Plan.ServiceUsd);
        Assert.Equal(terms.TcvUsd - 3 * 182_500m, economics.Actual.ServiceUsd);
        Assert.Equal(0.25m * 182_500m, economics.Actual.SlaCreditUsd);
        Assert.True(economics.NpvChangeUsd < 0);
        Assert.Equal(200 * 12 * 730, economics.Plan.GpuHours);
    }

    /// <summary>Random contracts and histories, checked against sums computed tranche by tranche.</summary>
    [Fact]
    public void Invoices_add_up_on_random_histories() =>
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var tranches = Enumerable.Range(1, random.Next(1, 5))
                .Select(n => new ContractTranche(n, "p1", random.Next(1, 500), s_jan.AddMonths(random.Next(0, 8)), random.Next(1, 30))).ToArray();
            var terms = new ContractTerms("GB300", s_jan, random.Next(1, 60_000) / 10_000m, random.Next(0, 41) / 100m, 99.9m, random.Next(0, 4), 0.1m,
                ServiceCredits.Default(99.9m), tranches);
            CalendarMonth? terminated = random.Next(3) == 0 ? s_jan.AddMonths(random.Next(0, 12)) : null;
            var deliveries = tranches.Where(_ => random.Next(5) > 0)
                .Select(t => new Delivery(t.Number, t.Start.AddMonths(random.Next(-1, 6))))
                .Where(d => terminated is null || d.Month <= terminated).ToList();
            var sla = Enumerable.Range(0, random.Next(0, 6)).Select(_ => new SlaReport(s_jan.AddMonths(random.Next(0, 30)), random.Next(900, 1000) / 10m)).ToList();
            var history = new ContractHistory(deliveries, sla, terminated);
            // As of a month after every delivery, the termination and the reports: the whole life, or part of it.
            var asOf = random.Next(2) == 0 ? s_over
                : new[] { s_jan.AddMonths(random.Next(0, 40)) }.Concat(deliveries.Select(d => d.Month.AddMonths(1))).Append(terminated?.AddMonths(1) ?? s_jan)
                    .Concat(sla.Select(r => r.Month.AddMonths(1))).Max();
            var invoices = ContractLedger.Invoices(terms, history, asOf);

            // GPUs in service month by month, tranche by tranche, the plain way; each month's charge rounded to the cent.
            var gpusByMonth = new Dictionary<CalendarMonth, int>();
            foreach (var t in tranches)
            {
                if (history.IsCancelled(t.Number) || history.DeliveredIn(t.Number) is not { } d) continue;
                for (var m = t.Start; m < t.End; m = m.AddMonths(1))
                {
                    if (m >= d) gpusByMonth[m] = gpusByMonth.GetValueOrDefault(m) + t.Gpus;
                }
            }
            var expectedService = gpusByMonth.Values.Sum(g => decimal.Round(g * 730 * terms.PricePerGpuHour, 2, MidpointRounding.ToEven));
            var drawn = invoices.Sum(i => i.PrepaymentAppliedUsd + i.RefundUsd);
            Assert.All(invoices, i => Assert.True(i.PrepaymentAppliedUsd >= 0 && i.RefundUsd >= 0 && i.SlaCreditUsd <= i.ServiceUsd, i.ToString()));
            Assert.Equal(expectedService, invoices.Sum(i => i.ServiceUsd));
            // Once every month has ended, drawn + refunded = the prepayment to the cent, whatever happened.
            if (asOf >= terms.End) Assert.Equal(terms.PrepaymentUsd, drawn);
            else Assert.True(drawn <= terms.PrepaymentUsd);
            Assert.Equal(terms.PrepaymentUsd + expectedService - drawn - invoices.Sum(i => i.SlaCreditUsd), invoices.Sum(i => i.DueUsd));
        }, iter: 2000);
}
