using Dapper;
using Microsoft.Data.Sqlite;
using Neocloud.Exchange.Audit;
using Neocloud.Exchange.Shard;
using Neocloud.Market.Commands;
using Neocloud.Storage;
using Neocloud.Testing;

namespace Neocloud.Exchange.Tests;

/// <summary>
/// <c>journal rebuild</c> at the shard: a store written again from its journal holds the same journal rows (hashes
/// included), read models and events, row for row; a journal with a gap or a target that holds a store is refused.
/// </summary>
public sealed class JournalRebuildTests : IDisposable
{
    private static readonly string[] s_tables =
        ["journal", "pools", "pool_capacity", "orders", "portfolios", "trades", "events", "event_counters", "organizations"];

    private readonly TempDirectory _target = new("neocloud-rebuilt-");

    public void Dispose() => _target.Dispose();

    [Fact]
    public async Task A_rebuilt_store_holds_the_originals_journal_read_models_and_events_row_for_row()
    {
        await using var rig = await ShardRig.StartAsync();
        var pool = ShardRig.Pool("p1", "iren", 576);
        await rig.AcceptAsync(pool with { SiteId = "iren-childress" });
        await rig.AcceptAsync(ShardRig.Pool("p2", "crusoe", 64, sku: "H100"));
        await rig.AcceptAsync(ShardRig.Ask("a1", "iren", "p1", 72, "2.4500"));
        await rig.AcceptAsync(ShardRig.Ask("a2", "iren", "p1", 200, "2.9000"));
        await rig.AcceptAsync(ShardRig.Bid("b1", "microsoft", 64, "3.1000"));
        await rig.AcceptAsync(ShardRig.Bid("b2", "openai", 8, "2.0000"));
        await rig.AcceptAsync(ShardRig.Bid("b3", "openai", 8, "1.0000", ioc: true));
        Assert.False((await rig.Shard.SubmitAsync(ShardRig.Ask("a3", "iren", "p1", 5000, "2.4500"))).IsAccepted);
        await rig.AcceptAsync(new MarketRequest("openai", new CancelCommand("b2")));
        await rig.AcceptAsync(new MarketRequest("crusoe", new CapacityCommand("p2", new Segment(ShardRig.Start + 10_000, ShardRig.Start + 20_000, 8))));
        await rig.Shard.DisposeAsync();

        var (rebuilt, summary) = await RebuildAsync(rig.DatabaseFile);
        await using var _ = rebuilt;

        Assert.True(summary.Verification.Ok);
        Assert.Equal(10, summary.Lines); // nine commands and the refusal's fact
        Assert.DoesNotContain(summary.CarriedOver, c => c.Table == "organizations"); // on the journal: rebuilt, not carried over
        foreach (var table in s_tables) Assert.Equal(await DumpAsync(rig.DatabaseFile, table), await DumpAsync(_target.File("exchange.db"), table));
        Assert.Equal("iren-childress", (await rebuilt.GetPoolAsync("p1"))!.SiteId);
        Assert.Contains(await EventTypesAsync(_target.File("exchange.db"), "iren"), t => t == "order.rejected");
    }

    [Fact]
    public async Task A_clusters_journals_rebuild_merged_by_time_so_an_organizations_events_from_two_shards_keep_their_numbers()
    {
        await using var rig = await ShardRig.StartAsync();
        var clock = new TickingClock();
        await using (var blackwell = await GroupShardAsync(rig.Store, clock, "rack-blackwell"))
        await using (var hopper = await GroupShardAsync(rig.Store, clock, "hopper"))
        {
            await AcceptAsync(blackwell, ShardRig.Pool("g1", "iren", 100));
            await AcceptAsync(hopper, ShardRig.Pool("h1", "crusoe", 100, sku: "H100"));
            await AcceptAsync(blackwell, ShardRig.Ask("a1", "iren", "g1", 50, "2.00"));
            await AcceptAsync(hopper, ShardRig.Ask("a2", "crusoe", "h1", 50, "2.00"));
            await AcceptAsync(blackwell, ShardRig.Bid("b1", "microsoft", 10, "3.00"));
            await AcceptAsync(hopper, ShardRig.Bid("b2", "microsoft", 10, "3.00", sku: "H100"));
            await AcceptAsync(hopper, ShardRig.Bid("b3", "microsoft", 10, "0.50", sku: "H100", ioc: true));
            Assert.False((await hopper.SubmitAsync(ShardRig.Ask("a3", "crusoe", "h1", 5000, "2.00"))).IsAccepted);
            await AcceptAsync(blackwell, ShardRig.Bid("b4", "microsoft", 10, "3.00"));
        }

        var (rebuilt, summary) = await RebuildAsync(rig.DatabaseFile);
        await using var _ = rebuilt;

        Assert.True(summary.Verification.Ok);
        Assert.Equal(["hopper", "rack-blackwell"], summary.Journals);
        foreach (var table in s_tables.Concat(["shard_journal", "shard_fences"]))
            Assert.Equal(await DumpAsync(rig.DatabaseFile, table), await DumpAsync(_target.File("exchange.db"), table));
    }

    [Fact]
    public async Task A_target_that_holds_a_store_is_refused()
    {
        await using var rig = await ShardRig.StartAsync();
        await rig.AcceptAsync(ShardRig.Pool("p1", "iren", 576));
        await using var source = new SqliteConnection($"Data Source={rig.DatabaseFile};Mode=ReadOnly;Pooling=False");
        await source.OpenAsync();

        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => JournalRebuild.RunAsync(source, null, rig.Store, CancellationToken.None));

        Assert.Contains("already holds a store", refused.Message);
    }

    [Theory]
    [InlineData(false, "journal: sequence 3's hash does not follow the chain (a row edited, deleted or moved); 'journal verify' names them")]
    [InlineData(true, "journal: sequence 3 follows 1; a journal with a gap cannot be rebuilt")]
    public async Task A_journal_with_a_row_deleted_is_refused_naming_the_sequence(bool rechained, string problem)
    {
        await using var rig = await ShardRig.StartAsync();
        await rig.AcceptAsync(ShardRig.Pool("p1", "iren", 576));
        await rig.AcceptAsync(ShardRig.Ask("a1", "iren", "p1", 72, "2.4500"));
        await rig.AcceptAsync(ShardRig.Bid("b1", "microsoft", 64, "3.1000"));
        await rig.Shard.DisposeAsync();
        await using (var connection = new SqliteConnection($"Data Source={rig.DatabaseFile};Pooling=False"))
        {
            await connection.ExecuteAsync("DELETE FROM journal WHERE sequence = 2");
            if (rechained)
            {
                // Whoever deleted it also chained the next row to the one before: only the missing sequence shows.
                var first = await connection.QuerySingleAsync<byte[]>("SELECT hash FROM journal WHERE sequence = 1");
                var third = await connection.QuerySingleAsync<JournalEntry>(
                    "SELECT sequence AS Sequence, recorded_ms AS RecordedMs, organization_id AS OrganizationId, command AS Command, actor AS Actor FROM journal WHERE sequence = 3");
                await connection.ExecuteAsync("UPDATE journal SET hash = @hash WHERE sequence = 3", new { hash = JournalChain.Of(first, "", third) });
            }
        }
        await using var rebuilt = await ExchangeStore.OpenAsync(StoreOptions.SqliteFile(_target.File("exchange.db")));
        await using var source = new SqliteConnection($"Data Source={rig.DatabaseFile};Mode=ReadOnly;Pooling=False");
        await source.OpenAsync();

        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => JournalRebuild.RunAsync(source, null, rebuilt, CancellationToken.None));

        Assert.Equal(problem, refused.Message);
    }

    [Fact]
    public void A_pools_site_rides_in_its_journal_line_which_the_replay_format_reads_as_before()
    {
        var line = Market.Replay.ReplayCodec.Format(ShardRig.Pool("p1", "iren", 576).Command);

        var sited = PoolSite.With(line, "iren-\"childress\"");

        Assert.Equal("iren-\"childress\"", PoolSite.Of(sited));
        Assert.Null(PoolSite.Of(line));
        Assert.Equal(line, Market.Replay.ReplayCodec.Format(Market.Replay.ReplayCodec.Parse(sited).Command!));
    }

    /// <summary>Rebuilds the SQLite store at <paramref name="sourceFile"/> from its journal into a new store in the target folder.</summary>
    private async Task<(ExchangeStore Rebuilt, RebuildSummary Summary)> RebuildAsync(string sourceFile)
    {
        var rebuilt = await ExchangeStore.OpenAsync(StoreOptions.SqliteFile(_target.File("exchange.db")));
        await using var source = new SqliteConnection($"Data Source={sourceFile};Mode=ReadOnly;Pooling=False");
        await source.OpenAsync();
        return (rebuilt, await JournalRebuild.RunAsync(source, null, rebuilt, CancellationToken.None));
    }

    private static async Task<MarketShard> GroupShardAsync(ExchangeStore store, TimeProvider clock, string group)
    {
        var shard = new MarketShard(store, clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<MarketShard>.Instance, 10_000, group: group);
        await shard.StartAsync(CancellationToken.None);
        return shard;
    }

    private static async Task AcceptAsync(MarketShard shard, ShardRequest request) => Assert.True((await shard.SubmitAsync(request)).IsAccepted);

    /// <summary>A clock a millisecond later at every reading, so commits of two shards never share a time.</summary>
    private sealed class TickingClock : TimeProvider
    {
        private long _ms = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(Interlocked.Increment(ref _ms));
    }

    private static async Task<List<string>> DumpAsync(string file, string table)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        var rows = await connection.QueryAsync($"SELECT * FROM {table}");
        return rows.Select(row => string.Join("|", ((IDictionary<string, object?>)row).Select(c => c.Value is byte[] b ? Convert.ToHexString(b) : $"{c.Value}")))
            .Order(StringComparer.Ordinal).ToList();
    }

    private static async Task<List<string>> EventTypesAsync(string file, string organization)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        return (await connection.QueryAsync<string>("SELECT type FROM events WHERE organization_id = @organization ORDER BY seq", new { organization })).ToList();
    }
}
