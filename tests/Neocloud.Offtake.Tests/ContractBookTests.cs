using CsCheck;
using Neocloud.Domain.Time;
using Neocloud.Economics.Escalation;
using Neocloud.Offtake.Contracts;

namespace Neocloud.Offtake.Tests;

/// <summary>The contract book's terms: billing convention, delayed prepayment credit, escalators, delivery damages and assignments.</summary>
public class ContractBookTests
{
    private static readonly CalendarMonth s_jan = CalendarMonth.Parse("2026-01");

    /// <summary>A month after every contract here has ended: the whole life as-of.</summary>
    private static readonly CalendarMonth s_over = CalendarMonth.Parse("2031-01");

    private static ContractTerms Terms(BillingConvention billing = BillingConvention.Hours730, int creditFrom = 0, PriceIndex? index = null, decimal ld = 0m,
        decimal ldCap = 0m) =>
        new("GB300", s_jan, 2.5m, 0.2m, 99.9m, 3, 0.08m, ServiceCredits.Default(99.9m),
            [new ContractTranche(1, "p1", 100, s_jan.AddMonths(2), 12), new ContractTranche(2, "p1", 100, s_jan.AddMonths(5), 12)],
            billing, creditFrom, index, ld, ldCap);

    private static ContractHistory OnTime(ContractTerms terms) => new(terms.Tranches.Select(t => new Delivery(t.Number, t.Start)).ToList(), [], null);

    [Fact]
    public void Calendar_billing_charges_the_months_real_hours()
    {
        var terms = Terms(BillingConvention.Calendar);
        var invoices = ContractLedger.Invoices(terms, OnTime(terms), s_over);
        var march = invoices.Single(i => i.Month == CalendarMonth.Parse("2026-03"));
        var april = invoices.Single(i => i.Month == CalendarMonth.Parse("2026-04"));
        Assert.Equal(744, march.HoursPerGpu);
        Assert.Equal(100m * 744 * 2.5m, march.ServiceUsd);
        Assert.Equal(720, april.HoursPerGpu);
        Assert.Equal(100m * 720 * 2.5m, april.ServiceUsd);
        Assert.Equal(BillingConvention.Calendar, april.Billing);
        Assert.Equal(terms.TcvUsd, invoices.Sum(i => i.ServiceUsd));
        Assert.Equal(terms.PrepaymentUsd, invoices.Sum(i => i.PrepaymentAppliedUsd));
    }

    [Fact]
    public void The_prepayment_is_drawn_down_only_from_its_month_of_service()
    {
        var terms = Terms(creditFrom: 6);
        var invoices = ContractLedger.Invoices(terms, OnTime(terms), s_over);
        Assert.All(invoices.Where(i => i.Month < CalendarMonth.Parse("2026-09")), i => Assert.Equal(0m, i.PrepaymentAppliedUsd));
        // From September 2026 (the 7th month of service) both tranches bill 365,000 a month until tranche 1 ends in March 2027.
        var september = invoices.Single(i => i.Month == CalendarMonth.Parse("2026-09"));
        Assert.Equal(CalendarMonth.Parse("2026-09"), september.PrepaymentCreditFrom);
        var creditable = 100m * 730 * 2.5m * (6 + 9); // from September: tranche 1's last 6 months and tranche 2's last 9
        Assert.Equal(ReferenceLedger.Cents(terms.PrepaymentUsd * 365_000m / creditable), september.PrepaymentAppliedUsd);
        Assert.Equal(terms.PrepaymentUsd, invoices.Sum(i => i.PrepaymentAppliedUsd));
    }

    [Fact]
    public void A_fixed_escalator_resets_the_price_every_year_within_floor_and_cap()
    {
        var terms = Terms(index: new PriceIndex(IndexKind.Fixed, RatePerYear: 0.05m, ResetEveryMonths: 6, Cap: 1.03m));
        var invoices = ContractLedger.Invoices(terms, OnTime(terms), s_over);
        var march = invoices.Single(i => i.Month == CalendarMonth.Parse("2026-03"));
        Assert.Equal((1m, 2.5m), (march.Factor, march.BilledPricePerGpuHour));
        var september = invoices.Single(i => i.Month == CalendarMonth.Parse("2026-09"));
        Assert.Equal(1.0247m, decimal.Round(september.Factor, 4)); // 1.05^0.5
        Assert.Equal(2.5m * september.Factor, september.BilledPricePerGpuHour);
        Assert.Equal(ReferenceLedger.Cents(200m * 730 * 2.5m * september.Factor), september.ServiceUsd);
        Assert.Equal(1.03m, invoices.Single(i => i.Month == CalendarMonth.Parse("2027-03")).Factor); // 1.05 capped
    }

    [Fact]
    public void A_series_escalator_follows_the_index_from_the_start_month()
    {
        var terms = Terms(index: new PriceIndex(IndexKind.Series, Series: "cpi", ResetEveryMonths: 3, Floor: 0.98m));
        var values = new Dictionary<CalendarMonth, decimal> { [CalendarMonth.Parse("2026-02")] = 100m, [CalendarMonth.Parse("2026-06")] = 110m,
            [CalendarMonth.Parse("2026-09")] = 90m };
        var history = OnTime(terms) with { Index = new IndexValues(values) };
        var invoices = ContractLedger.Invoices(terms, history, s_over);
        Assert.Equal(1m, invoices.Single(i => i.Month == CalendarMonth.Parse("2026-05")).Factor); // reset in March: 100 (February's) / 100
        Assert.Equal(1.1m, invoices.Single(i => i.Month == CalendarMonth.Parse("2026-06")).Factor);
        Assert.Equal(1.1m, invoices.Single(i => i.Month == CalendarMonth.Parse("2026-08")).Factor);
        Assert.Equal(0.98m, invoices.Single(i => i.Month == CalendarMonth.Parse("2026-09")).Factor); // 0.9 under the floor
    }

    [Fact]
    public void A_late_tranche_earns_damages_credited_next_month_up_to_the_cap()
    {
        var terms = Terms(ld: 50m, ldCap: 12m);
        var history = new ContractHistory([new Delivery(1, CalendarMonth.Parse("2026-03")), new Delivery(2, CalendarMonth.Parse("2026-10"))], [], null);
        var invoices = ContractLedger.Invoices(terms, history, s_over);
        var month = 100m * 730 * 2.5m; // 182,500
        Assert.Equal(0m, invoices.Single(i => i.Month == CalendarMonth.Parse("2026-06")).DamagesCreditUsd);
        Assert.Equal(0.5m * month, invoices.Single(i => i.Month == CalendarMonth.Parse("2026-07")).DamagesCreditUsd); // June late
        // Four late months (June to September) at 50% would be 2 months' value; the cap is 12% of 12 months = 1.44 months' value.
        Assert.Equal(0.12m * 12 * month, invoices.Sum(i => i.DamagesCreditUsd));
        Assert.Equal(0m, invoices.Single(i => i.Month == CalendarMonth.Parse("2026-10")).DamagesCreditUsd); // capped by then
    }

    [Fact]
    public void An_assignment_moves_the_assigned_part_of_each_invoice_from_its_month()
    {
        var terms = Terms();
        var history = OnTime(terms) with { Assignments = [new Assignment("asg-1", "lab", CalendarMonth.Parse("2026-07"), [new AssignedTranche(2, 100)])] };
        var whole = ContractLedger.Invoices(terms, history, s_over);
        var split = ContractLedger.InvoicesByHolder(terms, history, s_over);
        Assert.DoesNotContain(split, i => i.BilledTo == "lab" && i.Month < CalendarMonth.Parse("2026-07"));
        var july = split.Where(i => i.Month == CalendarMonth.Parse("2026-07")).ToList();
        Assert.Equal(182_500m, july.Single(i => i.BilledTo == "lab").ServiceUsd);
        Assert.Equal(182_500m, july.Single(i => i.BilledTo is null).ServiceUsd);
        Assert.Equal(whole.Sum(i => i.DueUsd), split.Sum(i => i.DueUsd));
        Assert.Equal(whole.Sum(i => i.PrepaymentAppliedUsd), split.Sum(i => i.PrepaymentAppliedUsd));
    }

    /// <summary>Random contracts with every term, against the plain month-by-month reference, to the cent.</summary>
    [Fact]
    public void Invoices_match_the_reference_on_random_contracts() =>
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var tranches = Enumerable.Range(1, random.Next(1, 4))
                .Select(n => new ContractTranche(n, "p1", random.Next(1, 500), s_jan.AddMonths(random.Next(0, 8)), random.Next(1, 30))).ToArray();
            PriceIndex? index = random.Next(3) switch
            {
                0 => null,
                1 => new PriceIndex(IndexKind.Fixed, RatePerYear: random.Next(-5, 11) / 100m, ResetEveryMonths: random.Next(1, 13),
                    Floor: random.Next(2) == 0 ? null : 0.97m, Cap: random.Next(2) == 0 ? null : 1.06m),
                _ => new PriceIndex(IndexKind.Series, Series: "s", ResetEveryMonths: random.Next(1, 13), Cap: random.Next(2) == 0 ? null : 1.1m),
            };
            var values = new Dictionary<CalendarMonth, decimal>();
            for (var i = random.Next(0, 12); i > 0; i--) values[s_jan.AddMonths(random.Next(-2, 30))] = random.Next(80, 130);
            var terms = new ContractTerms("GB300", s_jan, random.Next(1, 60_000) / 10_000m, random.Next(0, 41) / 100m, 99.9m, random.Next(0, 4), 0.1m,
                ServiceCredits.Default(99.9m), tranches, random.Next(2) == 0 ? BillingConvention.Hours730 : BillingConvention.Calendar,
                random.Next(0, tranches.Max(t => t.End).MonthsSince(tranches.Min(t => t.Start))), index,
                random.Next(0, 11), random.Next(0, 31));
            CalendarMonth? terminated = random.Next(3) == 0 ? s_jan.AddMonths(random.Next(0, 12)) : null;
            var deliveries = tranches.Where(_ => random.Next(5) > 0)
                .Select(t => new Delivery(t.Number, t.Start.AddMonths(random.Next(-1, 6))))
                .Where(d => terminated is null || d.Month <= terminated).ToList();
            var sla = Enumerable.Range(0, random.Next(0, 6)).Select(_ => new SlaReport(s_jan.AddMonths(random.Next(0, 30)), random.Next(900, 1000) / 10m)).ToList();
            var history = new ContractHistory(deliveries, sla, terminated, null, new IndexValues(values));

            // As of a month after every delivery and the termination: the whole life, or part of it.
            var asOf = random.Next(2) == 0 ? s_over
                : new[] { s_jan.AddMonths(random.Next(0, 40)) }.Concat(deliveries.Select(d => d.Month.AddMonths(1))).Append(terminated?.AddMonths(1) ?? s_jan).Max();
            var invoices = ContractLedger.Invoices(terms, history, asOf);
            var reference = ReferenceLedger.Invoices(terms, history, values, asOf);
            Assert.Equal(reference.Select(r => r.Month), invoices.Select(i => i.Month));
            for (var i = 0; i < invoices.Count; i++)
            {
                var (got, want) = (invoices[i], reference[i]);
                Assert.True(want == new ReferenceLedger.Line(got.Month, got.Factor, got.ServiceUsd, got.PrepaymentAppliedUsd, got.RefundUsd, got.DamagesCreditUsd,
                    got.SlaCreditUsd, got.DueUsd), $"seed {seed}: {got} against {want}");
                Assert.True(got.Factor == want.Factor, $"seed {seed}: factor {got.Factor} against {want.Factor}");
            }
            var drawn = invoices.Sum(i => i.PrepaymentAppliedUsd + i.RefundUsd);
            // Money is conserved: once every month has ended, drawn + refunded = the prepayment to the cent.
            if (asOf >= terms.End) Assert.Equal(terms.PrepaymentUsd, drawn);
            else Assert.True(drawn <= terms.PrepaymentUsd);
            // Damages never exceed their cap, tranche by tranche.
            foreach (var tranche in tranches)
                Assert.True(ReferenceLedger.Damages(terms, history, tranche, asOf).Values.Sum() <= terms.LdCapPercent / 100m * terms.TrancheValueUsd(tranche));
            Assert.True(invoices.Sum(i => i.DamagesCreditUsd) <= ReferenceLedger.Cents(tranches.Sum(t => terms.LdCapPercent / 100m * terms.TrancheValueUsd(t))));

            // Every view is the same ledger: the economics' actuals are the invoices' sums, and a mark bills each month at the
            // invoice's price and hours.
            var economics = ContractLedger.Economics(terms, history, asOf);
            Assert.Equal((invoices.Sum(i => i.ServiceUsd), invoices.Sum(i => i.RefundUsd), invoices.Sum(i => i.SlaCreditUsd), invoices.Sum(i => i.DueUsd)),
                (economics.Actual.ServiceUsd, economics.Actual.RefundUsd, economics.Actual.SlaCreditUsd, economics.Actual.PaidUsd));
            var byMonth = invoices.ToDictionary(i => i.Month);
            foreach (var mark in ContractMarks.Of(terms, history, MarkSide.Buyer, null, 0.1m, asOf, _ => 3m).Months)
                Assert.Equal((byMonth[mark.Month].BilledPricePerGpuHour, byMonth[mark.Month].HoursPerGpu), (mark.BilledPrice, mark.Hours));

            // Split between the buyer and an assignee, the parts add up to the whole to the cent, line by line.
            var assigned = tranches.Select(t => new AssignedTranche(t.Number, random.Next(0, t.Gpus + 1))).Where(a => a.Gpus > 0).ToList();
            if (assigned.Count == 0) return;
            var from = s_jan.AddMonths(random.Next(0, 20));
            var withAssignment = history with { Assignments = [new Assignment("a", "x", from, assigned)] };
            var split = ContractLedger.InvoicesByHolder(terms, withAssignment, asOf);
            foreach (var whole in ContractLedger.Invoices(terms, withAssignment, asOf))
            {
                var parts = split.Where(s => s.Month == whole.Month).ToList();
                Assert.Equal(whole.DueUsd, parts.Sum(p => p.DueUsd));
                Assert.Equal(whole.ServiceUsd, parts.Sum(p => p.ServiceUsd));
                Assert.Equal(whole.GpuHours, parts.Sum(p => p.GpuHours));
                if (whole.Month < from) Assert.Single(parts);
            }
        }, iter: 5000);
}
