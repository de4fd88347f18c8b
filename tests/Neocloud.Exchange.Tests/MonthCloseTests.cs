using Dapper;
using Neocloud.Domain.Offtake;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Audit;
using Neocloud.Exchange.Events;
using Neocloud.Exchange.Offtake;
using Neocloud.Exchange.Seed;
using Neocloud.Exchange.Shard;
using Neocloud.Offtake;
using Neocloud.Offtake.Contracts;
using Neocloud.Storage;

namespace Neocloud.Exchange.Tests;

/// <summary>
/// Time's transitions are journaled ticks: the seeded contract (signed in 2025-11, its months since unclosed) closes
/// each ended month once, oldest first, with the invoices the ledger function gives for it; two sweeps at once journal
/// each tick once; events an older build published under marks are not published again.
/// </summary>
public sealed class MonthCloseTests
{
    private static CalendarMonth ThisMonth => CalendarMonth.Of(TimeProvider.System.GetUtcNow());

    [Fact]
    public async Task A_contract_that_missed_months_closes_each_once_oldest_first_with_the_ledgers_invoices()
    {
        await using var rig = await SeededAsync();
        var sweep = new TimedEvents(rig.Store, rig.Market, TimeProvider.System);

        var written = await sweep.SweepAsync(CancellationToken.None);
        var again = await new TimedEvents(rig.Store, rig.Market, TimeProvider.System).SweepAsync(CancellationToken.None);

        var expected = MonthClose.Due(OfftakeSeed.Terms, null, ThisMonth).Select(m => m.ToString()).ToList();
        Assert.Equal(CalendarMonth.Parse("2025-11"), MonthClose.First(OfftakeSeed.Terms));
        Assert.Equal(expected, (await rig.Store.ClosedMonthsAsync(OfftakeSeed.ContractId)).Select(m => m.Month));
        Assert.Equal(expected, await JournaledMonthsAsync(rig));
        Assert.True(written > 0);
        Assert.Equal(0, again);

        // What was issued is the ledger's invoice of each month as of the month after it, to the cent.
        var state = await OfftakeState.LoadAsync(rig.Store, (await rig.Store.GetOfftakeAsync(OfftakeSeed.ContractId))!, CancellationToken.None);
        var issued = await rig.Store.IssuedInvoicesAsync(OfftakeSeed.ContractId);
        var ledger = expected.Select(CalendarMonth.Parse)
            .SelectMany(m => ContractLedger.InvoicesByHolder(state.Terms, state.History, m.AddMonths(1)).Where(i => i.Month == m && i.DueUsd != 0m))
            .Select(i => i with { BilledTo = i.BilledTo ?? "microsoft" }).ToList();
        Assert.NotEmpty(issued);
        Assert.Equal(ledger.Select(i => (i.Month.ToString(), i.BilledTo!)), issued.Select(i => (i.Month, i.Payer)));
        Assert.Equal(ledger, issued.Select(i => OfftakeJson.Read<Invoice>(i.Invoice)));
        // Each issued invoice was told to its payer and the seller once.
        Assert.Equal(issued.Count, await EventCountAsync(rig, "microsoft", EventTypes.InvoiceIssued));
        Assert.Equal(issued.Count, await EventCountAsync(rig, "iren", EventTypes.InvoiceIssued));
        await AssertVerifiedAsync(rig);
    }

    [Fact]
    public async Task The_award_and_each_issued_invoice_move_the_ledgers_money_between_the_parties_accounts()
    {
        await using var rig = await SeededAsync();
        await new TimedEvents(rig.Store, rig.Market, TimeProvider.System).SweepAsync(CancellationToken.None);

        var issued = (await rig.Store.IssuedInvoicesAsync(OfftakeSeed.ContractId)).Select(i => OfftakeJson.Read<Invoice>(i.Invoice)).ToList();
        await using var connection = await rig.Store.OpenConnectionAsync();
        var entries = (await connection.QueryAsync<(string Organization, string Counterparty, string Kind, long Cents)>(
            "SELECT organization_id, counterparty, kind, amount_cents FROM account_entries")).ToList();
        static long Cents(decimal usd) => (long)(usd * 100m);

        // The prepayment at the award, then each invoice's lines but its prepayment line: what the buyer pays net of it.
        Assert.Equal(-Cents(OfftakeSeed.Terms.PrepaymentUsd), entries.Where(e => e.Organization == "microsoft" && e.Kind == AccountKinds.Prepayment).Sum(e => e.Cents));
        Assert.Equal(-issued.Sum(i => Cents(i.DueUsd - i.PrepaymentUsd)), entries.Where(e => e.Organization == "microsoft" && e.Kind.StartsWith("invoice.", StringComparison.Ordinal)).Sum(e => e.Cents));
        Assert.Equal(issued.Sum(i => Cents(i.ServiceUsd)), entries.Where(e => e.Organization == "iren" && e.Kind == AccountKinds.Service).Sum(e => e.Cents));
        // Balanced between the two parties, and the accounts the shard holds are the same money.
        Assert.All(entries, e => Assert.Equal(e.Organization == "microsoft" ? "iren" : "microsoft", e.Counterparty));
        Assert.Equal(0, entries.Sum(e => e.Cents));
        var microsoft = await rig.Market.AccountAsync("microsoft");
        Assert.Equal(entries.Where(e => e.Organization == "microsoft").Sum(e => e.Cents), microsoft.BalanceCents);
        await AssertVerifiedAsync(rig);
    }

    [Fact]
    public async Task Two_sweeps_at_once_journal_each_tick_once()
    {
        await using var rig = await SeededAsync();
        var first = new TimedEvents(rig.Store, rig.Market, TimeProvider.System);
        var second = new TimedEvents(rig.Store, rig.Market, TimeProvider.System);

        var written = await Task.WhenAll(first.SweepAsync(CancellationToken.None), second.SweepAsync(CancellationToken.None));

        var months = MonthClose.Due(OfftakeSeed.Terms, null, ThisMonth).Select(m => m.ToString()).ToList();
        Assert.Equal(months, await JournaledMonthsAsync(rig));
        var issued = await rig.Store.IssuedInvoicesAsync(OfftakeSeed.ContractId);
        Assert.Equal(issued.Count, await EventCountAsync(rig, "microsoft", EventTypes.InvoiceIssued));
        // The events written, counted by the two sweeps together, are those of the ticks journaled: one each per party.
        Assert.Equal(2 * issued.Count, written.Sum());
        await AssertVerifiedAsync(rig);
    }

    [Fact]
    public async Task Events_an_older_build_published_under_marks_are_not_published_again_but_the_ticks_are_journaled()
    {
        await using var rig = await SeededAsync();
        var closes = TimeProvider.System.GetUtcNow().AddDays(-40).ToUnixTimeMilliseconds();
        const string Terms = """{"skus":["GB300"],"gpus":100,"regions":["us-tx"],"earliestStart":"2026-01","latestStart":"2026-02","termMonths":12}""";
        foreach (var id in new[] { "rfq-marked", "rfq-unmarked" })
        {
            var opened = await rig.Market.SubmitAsync(new TransactionRequest("microsoft", [], new RfqOpened(new RfqRecord(id, "microsoft", RfqStatus.Open, closes, closes - 1, Terms)),
                "GB300"));
            Assert.True(opened.IsAccepted, opened.Failure?.Detail);
        }
        // As an older build left them: the RFQ's closing and the signing month's invoice published under their marks.
        await rig.Store.PublishAsync([], "rfq-closed:rfq-marked");
        await rig.Store.PublishAsync([], $"invoice:{OfftakeSeed.ContractId}:2025-11");

        await new TimedEvents(rig.Store, rig.Market, TimeProvider.System).SweepAsync(CancellationToken.None);

        await using var connection = await rig.Store.OpenConnectionAsync();
        Assert.Equal(["rfq-marked", "rfq-unmarked"], await connection.QueryAsync<string>("SELECT rfq_id FROM rfq_closings ORDER BY rfq_id"));
        var closed = (await rig.Store.EventsAsync("microsoft", 0, [EventTypes.RfqClosed], 100)).Select(e => e.Data).ToList();
        Assert.Contains("rfq-unmarked", Assert.Single(closed));
        // The November invoice is recorded (what was billed), but not told again; the later months' are.
        var issued = await rig.Store.IssuedInvoicesAsync(OfftakeSeed.ContractId);
        Assert.Contains(issued, i => i.Month == "2025-11");
        var told = (await rig.Store.EventsAsync("microsoft", 0, [EventTypes.InvoiceIssued], 100)).Select(e => e.Data).ToList();
        Assert.Equal(issued.Count - 1, told.Count);
        Assert.DoesNotContain(told, data => data.Contains("\"month\":\"2025-11\"", StringComparison.Ordinal));
        await AssertVerifiedAsync(rig);
    }

    [Fact]
    public async Task The_book_state_refuses_a_tick_journaled_already_and_a_month_not_over_or_out_of_order()
    {
        await using var rig = await SeededAsync();
        var now = ThisMonth;
        Task<Outcomes.Outcome<Committed>> Close(CalendarMonth month) =>
            rig.Market.SubmitAsync(new TransactionRequest(TimedEvents.Actor, [], new ContractMonthClosed(OfftakeSeed.ContractId, month.ToString(), 1, [], []), "GB300"));

        var notOver = await Close(now);
        var first = await Close(CalendarMonth.Parse("2025-11"));
        var twice = await Close(CalendarMonth.Parse("2025-11"));
        var skipping = await Close(CalendarMonth.Parse("2026-01"));

        Assert.Equal("Month not over", notOver.Failure?.Title);
        Assert.True(first.IsAccepted);
        Assert.Equal("Month closed", twice.Failure?.Title);
        Assert.Equal("Months close in order", skipping.Failure?.Title);
        // The state a restarted shard starts from remembers it.
        await rig.RestartAsync();
        Assert.Equal("Month closed", (await Close(CalendarMonth.Parse("2025-11"))).Failure?.Title);
    }

    private static async Task<ShardRig> SeededAsync()
    {
        var rig = await ShardRig.StartAsync();
        await FirstStart.SeedIfNewAsync(rig.Market, rig.Store, rig.Desk(), TimeProvider.System, CancellationToken.None);
        return rig;
    }

    private static async Task<List<string>> JournaledMonthsAsync(ShardRig rig)
    {
        var months = new List<string>();
        await foreach (var entry in rig.Store.ReadJournalAsync(0))
        {
            if (BookFacts.IsFact(entry.Command) && BookFacts.Parse(entry.Command) is ContractMonthClosed { ContractId: OfftakeSeed.ContractId } closed) months.Add(closed.Month);
        }
        return months;
    }

    private static async Task<int> EventCountAsync(ShardRig rig, string organization, string type) =>
        (await rig.Store.EventsAsync(organization, 0, [type], 1000)).Count;

    private static async Task AssertVerifiedAsync(ShardRig rig)
    {
        await using var connection = await rig.Store.OpenConnectionAsync();
        var verified = await JournalVerifier.VerifyAsync(connection, null);
        Assert.True(verified.Ok, string.Join("\n", verified.ReadModels.Select(p => $"{p.Table} {p.Key} {p.Column}: {p.Problem}")));
    }
}
