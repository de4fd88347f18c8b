using Neocloud.Domain.Offtake;
using Neocloud.Testing;

namespace Neocloud.Storage.Tests;

/// <summary>
/// Time's ticks in the store: an RFQ's closing, a contract's months closed and the invoices issued are written by their
/// facts' commits and read back as a shard's book state and the sweep need them (SQLite and PostgreSQL alike).
/// </summary>
public abstract class ClockStoreContract : StoreContractBase
{
    [Fact]
    public async Task Ticks_write_their_rows_and_a_closed_rfq_is_no_longer_due()
    {
        foreach (var id in new[] { "rfq-a", "rfq-b" }) await CommitFactAsync(new RfqOpened(new RfqRecord(id, "msft", RfqStatus.Open, 100, 1, "{}")));
        Assert.Equal(["rfq-a", "rfq-b"], (await Store.RfqsToCloseAsync(100)).Select(r => r.Id));

        await CommitFactAsync(new RfqClosed("rfq-a", 100, 2) { Events = [new EventRecord("msft", "evt_1", "rfq.closed", 100, """{"rfq":"rfq-a","offers":2}""")] });
        await CommitFactAsync(new ContractMonthClosed("otc-1", "2026-10", 500, [2], [new IssuedInvoice("2026-10", "msft", """{"dueUsd":10.5}""")]));
        await CommitFactAsync(new ContractMonthClosed("otc-1", "2026-11", 600, [], [
            new IssuedInvoice("2026-11", "msft", """{"dueUsd":11}"""), new IssuedInvoice("2026-11", "lab", """{"dueUsd":1}"""),
        ]));
        await CommitFactAsync(new InvoicesIssued("otc-2", 700, [new IssuedInvoice("2026-09", "meta", """{"dueUsd":3}""")]));

        Assert.Equal(["rfq-b"], (await Store.RfqsToCloseAsync(100)).Select(r => r.Id));
        Assert.Single(await Store.EventsAsync("msft", 0, null, 10));
        Assert.Equal([new ClosedMonthRecord("otc-1", "2026-10", 500, "[2]"), new ClosedMonthRecord("otc-1", "2026-11", 600, "[]")],
            await Store.ClosedMonthsAsync("otc-1"));
        Assert.Equal(new Dictionary<string, string> { ["otc-1"] = "2026-11" }, await Store.LastClosedMonthsAsync());
        Assert.Equal([
            new IssuedInvoiceRecord("otc-1", "2026-10", "msft", 500, """{"dueUsd":10.5}"""),
            new IssuedInvoiceRecord("otc-1", "2026-11", "lab", 600, """{"dueUsd":1}"""),
            new IssuedInvoiceRecord("otc-1", "2026-11", "msft", 600, """{"dueUsd":11}"""),
        ], await Store.IssuedInvoicesAsync("otc-1"));
        var ticks = await Store.ClockTicksAsync();
        Assert.Equal(["rfq-a"], ticks.ClosedRfqs);
        Assert.Equal(4, ticks.Issued.Count);
        Assert.Contains(new IssuedInvoiceKey("otc-2", "2026-09", "meta"), ticks.Issued);
    }
}

public sealed class SqliteClockStoreTests : ClockStoreContract, IDisposable
{
    private readonly TempDirectory _directory = new("neocloud-clock-store-");

    protected override StoreOptions CreateOptions() => StoreOptions.SqliteFile(_directory.File("exchange.db"));

    public void Dispose() => _directory.Dispose();
}

public sealed class PostgresClockStoreTests : ClockStoreContract
{
    protected override StoreOptions CreateOptions() => StoreOptions.Postgres(PostgresServer.CreateDatabase("clock_store"));
}
