using Neocloud.Testing;

namespace Neocloud.Storage.Tests;

/// <summary>
/// The audit trail's reads on a real SQLite file and a real PostgreSQL server: an organization's journal rows only, oldest
/// first, a page at a time without gaps or repeats, on one machine (by sequence) and across a cluster's shards (by time,
/// shard and sequence, rows of two shards at one millisecond included).
/// </summary>
public abstract class AuditStoreContract : StoreContractBase
{
    private static readonly string s_actor = new JournalActor(JournalActor.TokenKind, "tok_1", "desk").Text;

    [Fact]
    public async Task On_one_machine_an_organizations_rows_page_by_sequence_with_their_actors()
    {
        await CommitJournalAsync(Store, Enumerable.Range(1, 9).Select(i => Row(i, i % 3 == 0 ? "meta" : "iren", 1_000 + i)));

        var pages = await PagesAsync(cluster: false, limit: 2);
        var all = (await Store.AuditRowsAsync("iren", null, 1000, cluster: false)).Items;

        Assert.Equal([1L, 2L, 4L, 5L, 7L, 8L], all.Select(r => r.Sequence));
        Assert.Equal(all, pages.SelectMany(p => p.Items));
        Assert.Equal(["2", "5", null], pages.Select(p => p.Next));
        Assert.All(all, r => Assert.Equal(("", s_actor), (r.Shard, r.Actor)));
        Assert.Empty((await Store.AuditRowsAsync("iren", "not a cursor", 10, cluster: false)).Items);
    }

    [Fact]
    public async Task In_a_cluster_every_shards_rows_page_by_time_shard_and_sequence_without_gaps_or_repeats()
    {
        // Two shards journal at the same milliseconds: the cursor must tell their rows apart.
        await CommitJournalAsync(Store, [Row(1, "iren", 5_000), Row(2, "iren", 5_000), Row(3, "meta", 5_000), Row(4, "iren", 7_000)], "hopper");
        await CommitJournalAsync(Store, [Row(1, "iren", 5_000), Row(2, "iren", 6_000), Row(3, "iren", 7_000)], "instinct");

        var pages = await PagesAsync(cluster: true, limit: 1);
        var rows = pages.SelectMany(p => p.Items).Select(r => (r.RecordedMs, r.Shard, r.Sequence)).ToList();

        Assert.Equal([(5_000L, "hopper", 1L), (5_000L, "hopper", 2L), (5_000L, "instinct", 1L), (6_000L, "instinct", 2L), (7_000L, "hopper", 4L),
            (7_000L, "instinct", 3L)], rows);
        Assert.Equal("5000.hopper.2", pages[1].Next);
        Assert.Empty((await Store.AuditRowsAsync("iren", "5000.hopper", 10, cluster: true)).Items);
    }

    /// <summary>Every page of iren's audit trail, following each page's cursor.</summary>
    private async Task<List<Domain.Paging.Page<AuditRow>>> PagesAsync(bool cluster, int limit)
    {
        var pages = new List<Domain.Paging.Page<AuditRow>>();
        string? after = null;
        do
        {
            var page = await Store.AuditRowsAsync("iren", after, limit, cluster);
            pages.Add(page);
            after = page.Next;
        }
        while (after is not null);
        return pages;
    }

    private static JournalEntry Row(long sequence, string organization, long ms) =>
        new(sequence, ms, organization, $$"""{"op":"cancel","id":"o{{sequence}}"}""", s_actor);
}

public sealed class SqliteAuditStoreTests : AuditStoreContract, IDisposable
{
    private readonly TempDirectory _directory = new("neocloud-audit-");

    protected override StoreOptions CreateOptions() => StoreOptions.SqliteFile(_directory.File("exchange.db"));

    public void Dispose() => _directory.Dispose();
}

public sealed class PostgresAuditStoreTests : AuditStoreContract
{
    protected override StoreOptions CreateOptions() => StoreOptions.Postgres(PostgresServer.CreateDatabase("audit"));
}
