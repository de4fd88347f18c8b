using CsCheck;
using Neocloud.Domain.Offtake;
using Neocloud.Domain.Time;
using Neocloud.Economics.Escalation;
using Neocloud.Exchange.Offtake;
using Neocloud.Offtake.Contracts;
using Neocloud.Storage;

namespace Neocloud.Exchange.Tests;

/// <summary>
/// A month close issues what the one ledger function says, and a replay or a late close issues the same: on random
/// contracts (tranches, prepayment, escalators, damages, SLA reports, a termination, an assignment), every month's
/// issued rows are the ledger's invoice parts of that month with something to pay, whichever later month it is closed
/// in, and the tranches that became late are those due that month and neither delivered nor cancelled.
/// </summary>
public sealed class MonthCloseLedgerTests
{
    private static readonly CalendarMonth s_jan = CalendarMonth.Parse("2026-01");

    [Fact]
    public void A_months_issued_invoices_are_the_ledgers_whatever_later_month_it_closes_in() =>
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var state = RandomContract(random);
            foreach (var month in MonthClose.Due(state.Terms, null, state.Terms.End.AddMonths(2)))
            {
                var issued = MonthClose.Invoices(state, month);
                var ledger = ContractLedger.InvoicesByHolder(state.Terms, state.History, month.AddMonths(1))
                    .Where(i => i.Month == month && i.DueUsd != 0m).Select(i => i with { BilledTo = i.BilledTo ?? "buyer" }).ToList();
                Assert.True(ledger.SequenceEqual(issued), $"seed {seed}, {month}: issued {string.Join(", ", issued)} against the ledger's {string.Join(", ", ledger)}");
                // Closed late (the server was down, or a replay runs years on), the month's rows are the same.
                var later = month.AddMonths(random.Next(2, 40));
                var then = ContractLedger.InvoicesByHolder(state.Terms, state.History, later)
                    .Where(i => i.Month == month && i.DueUsd != 0m).Select(i => i with { BilledTo = i.BilledTo ?? "buyer" }).ToList();
                Assert.True(then.SequenceEqual(issued), $"seed {seed}, {month} closed in {later}: {string.Join(", ", then)} against {string.Join(", ", issued)}");
                // Every part names who pays it, and the parts add up to the month's whole invoice.
                Assert.All(issued, i => Assert.Contains(i.BilledTo, new[] { "buyer", "assignee" }));
                // (The month after the last term month has an invoice only when damages land in it.)
                var whole = ContractLedger.Invoices(state.Terms, state.History, month.AddMonths(1)).SingleOrDefault(i => i.Month == month);
                Assert.Equal(whole?.DueUsd ?? 0m, issued.Sum(i => i.DueUsd));

                var late = MonthClose.BecameLate(state, month).Select(s => s.Number);
                var expected = state.Terms.Tranches.Where(t => t.Start == month && state.History.DeliveredIn(t.Number) is null && !state.History.IsCancelled(t.Number))
                    .Select(t => t.Number);
                Assert.Equal(expected, late);
            }
        }, iter: 300);

    /// <summary>A contract with random terms and history, bought by "buyer" from "seller", part of it maybe assigned to "assignee".</summary>
    private static OfftakeState RandomContract(Random random)
    {
        var tranches = Enumerable.Range(1, random.Next(1, 4))
            .Select(n => new ContractTranche(n, "p1", random.Next(1, 500), s_jan.AddMonths(random.Next(0, 8)), random.Next(1, 20))).ToArray();
        PriceIndex? index = random.Next(2) == 0 ? null
            : new PriceIndex(IndexKind.Fixed, RatePerYear: random.Next(-5, 11) / 100m, ResetEveryMonths: random.Next(1, 13));
        var terms = new ContractTerms("GB300", s_jan.AddMonths(random.Next(-2, 3)), random.Next(1, 60_000) / 10_000m, random.Next(0, 41) / 100m, 99.9m,
            random.Next(0, 4), 0.1m, ServiceCredits.Default(99.9m), tranches, random.Next(2) == 0 ? BillingConvention.Hours730 : BillingConvention.Calendar,
            random.Next(0, 6), index, random.Next(0, 11), random.Next(0, 31));
        CalendarMonth? terminated = random.Next(4) == 0 ? s_jan.AddMonths(random.Next(0, 12)) : null;
        var deliveries = tranches.Where(_ => random.Next(4) > 0).Select(t => new Delivery(t.Number, t.Start.AddMonths(random.Next(-1, 5))))
            .Where(d => terminated is null || d.Month <= terminated).ToList();
        var sla = Enumerable.Range(0, random.Next(0, 5)).Select(_ => new SlaReport(s_jan.AddMonths(random.Next(0, 20)), random.Next(900, 1000) / 10m))
            .GroupBy(r => r.Month).Select(g => g.First()).ToList();
        var assigned = tranches.Select(t => new AssignedTranche(t.Number, random.Next(0, t.Gpus + 1))).Where(a => a.Gpus > 0 && random.Next(2) == 0).ToList();
        IReadOnlyList<Assignment> assignments = assigned.Count == 0 ? [] : [new Assignment("asg", "assignee", s_jan.AddMonths(random.Next(0, 12)), assigned)];
        var record = new OfftakeRecord("otc-random", null, null, "buyer", "seller", "GB300", "us-tx", ContractStatus.Active, terminated?.ToString(), 0, "{}");
        return new OfftakeState(record, terms, new ContractHistory(deliveries, sla, terminated, assignments));
    }
}
