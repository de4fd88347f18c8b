using Microsoft.Extensions.DependencyInjection;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Events;
using Neocloud.Exchange.Offtake;
using Neocloud.Exchange.Seed;
using Neocloud.Exchange.Shard;
using Neocloud.Server.Hosting;
using Neocloud.Storage;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>
/// Month ends are journaled ticks: as the clock passes into new months, each contract's months close once each, in
/// order (the seeded contract first catches up on every month since it was signed), even with a second sweep running
/// beside the host's; each issued invoice is told to its payer once; and <c>journal verify</c> finds the ticks' rows to
/// be what the journal wrote (SQLite and PostgreSQL).
/// </summary>
public abstract class MonthTicksContract : IAsyncLifetime
{
    private readonly TestClock _clock = new();
    private TestServer _server = null!;

    /// <summary>Chooses the store.</summary>
    protected abstract ServerOptions Configure(ServerOptions options);

    private CalendarMonth Now => CalendarMonth.Of(_clock.GetUtcNow());

    private ExchangeStore Store => _server.Services.GetRequiredService<ExchangeStore>();

    public async Task InitializeAsync() =>
        _server = await TestServer.StartAsync(options => Configure(options) with { Clock = _clock, EventSweepInterval = TimeSpan.FromMilliseconds(200) });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Each_month_end_journals_one_close_per_contract_and_month_in_order_whoever_sweeps()
    {
        var microsoft = _server.Client(await _server.NewOrganizationAsync("microsoft", Scopes.MarketRead));
        await ClosedThroughAsync(Now.AddMonths(-1));
        // A second sweep, as another node's, runs beside the host's through the next two month ends.
        var other = new TimedEvents(Store, _server.Services.GetRequiredService<IMarket>(), _clock);
        for (var i = 0; i < 2; i++)
        {
            var ended = Now;
            _clock.Advance(ended.AddMonths(1).FirstHour.StartUtc - _clock.GetUtcNow() + TimeSpan.FromHours(1));
            await Task.WhenAll(other.SweepAsync(CancellationToken.None), ClosedThroughAsync(ended));
        }

        var journaled = new List<ContractMonthClosed>();
        var actors = new HashSet<string>();
        await foreach (var entry in Store.ReadJournalAsync(0))
        {
            if (!BookFacts.IsFact(entry.Command) || BookFacts.Parse(entry.Command) is not ContractMonthClosed closed) continue;
            journaled.Add(closed);
            actors.Add(entry.OrganizationId);
        }
        var expected = MonthClose.Due(OfftakeSeed.Terms, null, Now).Select(m => m.ToString()).ToList();
        Assert.Equal(expected, journaled.Where(c => c.ContractId == OfftakeSeed.ContractId).Select(c => c.Month));
        Assert.Equal(expected, (await Store.ClosedMonthsAsync(OfftakeSeed.ContractId)).Select(m => m.Month));
        Assert.Equal([TimedEvents.Actor], actors);
        // Every invoice issued was told to its payer once, with the month and amount the journal holds.
        var issued = await Store.IssuedInvoicesAsync(OfftakeSeed.ContractId);
        var told = (await (await microsoft.GetAsync("/api/v1/events?types=invoice.issued&limit=1000")).JsonAsync()).GetProperty("events").EnumerateArray()
            .Select(e => e.GetProperty("data").GetProperty("invoice")).ToList();
        Assert.Equal(issued.Select(i => i.Month), told.Select(t => t.GetProperty("month").GetString()));
        Assert.Equal(issued.Select(i => Neocloud.Offtake.OfftakeJson.Read<Neocloud.Offtake.Contracts.Invoice>(i.Invoice).DueUsd),
            told.Select(t => t.GetProperty("dueUsd").GetDecimal()));
        await using var connection = await Store.OpenConnectionAsync();
        var verified = await Exchange.Audit.JournalVerifier.VerifyAsync(connection, null);
        Assert.True(verified.Ok, string.Join("\n", verified.ReadModels.Select(p => $"{p.Table} {p.Key} {p.Column}: {p.Problem}")));
    }

    /// <summary>Waits until the seeded contract's months are closed through <paramref name="month"/>.</summary>
    private Task ClosedThroughAsync(CalendarMonth month) =>
        Eventually.UntilAsync(() => Store.LastClosedMonthsAsync(), last => last.GetValueOrDefault(OfftakeSeed.ContractId) == month.ToString(),
            $"the seeded contract closed through {month}");
}

public sealed class SqliteMonthTicksTests : MonthTicksContract
{
    protected override ServerOptions Configure(ServerOptions options) => options;
}

public sealed class PostgresMonthTicksTests : MonthTicksContract
{
    protected override ServerOptions Configure(ServerOptions options) =>
        options with { PostgresConnectionString = PostgresServer.CreateDatabase("ticks") };
}
