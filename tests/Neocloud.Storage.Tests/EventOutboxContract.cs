using Neocloud.Testing;

namespace Neocloud.Storage.Tests;

/// <summary>
/// The event outbox on a real SQLite file and a real PostgreSQL server: each organization's events numbered 1, 2, 3 …
/// across group commits and the desks' own transactions, a rolled-back commit leaving no hole, concurrent writers for
/// one organization taking turns, a marked publication written once, and reads by sequence, type and limit.
/// </summary>
public abstract class EventOutboxContract : StoreContractBase
{
    private static EventRecord Event(string organization, string type, int n) => new(organization, $"evt_{organization}_{type}_{n}", type, 1_000 + n, $$"""{"n":{{n}}}""");

    [Fact]
    public async Task Events_are_numbered_per_organization_in_order_across_commits_and_paths()
    {
        var told = new List<string>();
        Store.EventsCommitted += organizations => { lock (told) told.AddRange(organizations); };
        var batch = new CommitBatch();
        batch.Events.AddRange([Event("b", "order.rested", 1), Event("a", "order.rested", 1), Event("b", "order.filled", 2), Event("a", "order.filled", 2)]);
        await Store.CommitAsync(batch);
        await Store.PublishAsync([Event("a", "invoice.issued", 3)], mark: null);
        await CommitFactAsync(new RfqOpened(new RfqRecord("rfq-1", "a", Domain.Offtake.RfqStatus.Open, 5_000, 1, "{}")) { Events = [Event("a", "rfq.opened", 4)] });

        var a = await Store.EventsAsync("a", 0, null, 100);
        Assert.Equal([1L, 2, 3, 4], a.Select(e => e.Seq));
        Assert.Equal(["order.rested", "order.filled", "invoice.issued", "rfq.opened"], a.Select(e => e.Type));
        Assert.Equal("""{"n":2}""", a[1].Data);
        Assert.Equal(1_002, a[1].AtMs);
        Assert.Equal([1L, 2], (await Store.EventsAsync("b", 0, null, 100)).Select(e => e.Seq));
        Assert.Equal(4, await Store.LastEventSeqAsync("a"));
        Assert.Equal(0, await Store.LastEventSeqAsync("nobody"));
        // After each commit the store said whose events it wrote: the batch's two organizations, then "a" twice.
        Assert.Equal(4, told.Count);
        Assert.Equal(["a", "b"], told.Take(2).Order(StringComparer.Ordinal));
        Assert.Equal(["a", "a"], told.Skip(2));

        Assert.Equal([3L], (await Store.EventsAsync("a", 2, ["invoice.issued", "order.rested"], 100)).Select(e => e.Seq));
        Assert.Equal([2L, 3], (await Store.EventsAsync("a", 1, null, 2)).Select(e => e.Seq));
        Assert.Equal([4L, 3], (await Store.LatestEventsAsync("a", 2)).Select(e => e.Seq));
    }

    [Fact]
    public async Task A_rolled_back_commit_takes_no_numbers_and_writes_no_events()
    {
        var first = new CommitBatch();
        first.Journal.Add(new JournalEntry(1, 1, "a", """{"op":"cancel","id":"x"}"""));
        first.Events.Add(Event("a", "order.cancelled", 1));
        await Store.CommitAsync(first);

        // The same journal sequence again: the commit fails, its events and counter moves with it.
        var failing = new CommitBatch();
        failing.Journal.Add(new JournalEntry(1, 2, "a", """{"op":"cancel","id":"y"}"""));
        failing.Events.AddRange([Event("a", "order.cancelled", 2), Event("a", "order.cancelled", 3)]);
        await Assert.ThrowsAnyAsync<Exception>(() => Store.CommitAsync(failing));

        var next = new CommitBatch();
        next.Journal.Add(new JournalEntry(2, 3, "a", """{"op":"cancel","id":"z"}"""));
        next.Events.Add(Event("a", "order.cancelled", 4));
        await Store.CommitAsync(next);

        var events = await Store.EventsAsync("a", 0, null, 100);
        Assert.Equal([1L, 2], events.Select(e => e.Seq));
        Assert.Equal(["""{"n":1}""", """{"n":4}"""], events.Select(e => e.Data));
        Assert.Equal(2, await Store.LastEventSeqAsync("a"));
    }

    [Fact]
    public async Task Concurrent_writers_for_one_organization_take_turns_without_a_gap_or_a_repeat()
    {
        var writers = Enumerable.Range(0, 12).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 4; i++)
            {
                if (i % 2 == 0)
                {
                    await Store.PublishAsync([Event("a", $"w{w}", i * 10), Event("a", $"w{w}", i * 10 + 1)], mark: null);
                }
                else
                {
                    var batch = new CommitBatch();
                    batch.Events.AddRange([Event("a", $"w{w}", i * 10), Event("z", $"w{w}", i * 10), Event("a", $"w{w}", i * 10 + 1)]);
                    await Store.CommitAsync(batch);
                }
            }
        })).ToList();
        await Task.WhenAll(writers);

        var events = await Store.EventsAsync("a", 0, null, 1000);
        Assert.Equal(Enumerable.Range(1, 12 * 4 * 2).Select(i => (long)i), events.Select(e => e.Seq));
        // Each commit's two events are neighbours, in the order given.
        for (var i = 0; i < events.Count; i += 2)
        {
            Assert.Equal(events[i].Type, events[i + 1].Type);
            Assert.Equal(events[i].AtMs + 1, events[i + 1].AtMs);
        }
        Assert.Equal(12 * 2, (await Store.EventsAsync("z", 0, null, 1000)).Count);
    }

    [Fact]
    public async Task A_marked_publication_is_written_once()
    {
        Assert.True(await Store.PublishAsync([Event("a", "rfq.closed", 1), Event("b", "rfq.closed", 1)], "rfq-closed:rfq-1"));
        Assert.False(await Store.PublishAsync([Event("a", "rfq.closed", 2)], "rfq-closed:rfq-1"));

        Assert.Single(await Store.EventsAsync("a", 0, null, 100));
        Assert.Equal(["rfq-closed:rfq-1"], await Store.MarkedAsync(["rfq-closed:rfq-1", "rfq-closed:rfq-2"]));
    }
}

public sealed class SqliteEventOutboxTests : EventOutboxContract, IDisposable
{
    private readonly TempDirectory _directory = new("neocloud-events-");

    protected override StoreOptions CreateOptions() => StoreOptions.SqliteFile(_directory.File("exchange.db"));

    public void Dispose() => _directory.Dispose();
}

public sealed class PostgresEventOutboxTests : EventOutboxContract
{
    protected override StoreOptions CreateOptions() => StoreOptions.Postgres(PostgresServer.CreateDatabase("outbox"));
}
