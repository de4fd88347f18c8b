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

        await using var rebuilt = await ExchangeStore.OpenAsync(StoreOptions.SqliteFile(_target.File("exchange.db")));
        RebuildSummary summary;
        await using (var source = new SqliteConnection($"Data Source={rig.DatabaseFile};Mode=ReadOnly;Pooling=False"))
        {
            await source.OpenAsync();
            summary = await JournalRebuild.RunAsync(source, null, rebuilt, CancellationToken.None);
        }

        Assert.True(summary.Verification.Ok);
        Assert.Equal(10, summary.Lines); // nine commands and the refusal's fact
        Assert.Equal(["organizations"], summary.CarriedOver.Select(c => c.Table));
        foreach (var table in s_tables) Assert.Equal(await DumpAsync(rig.DatabaseFile, table), await DumpAsync(_target.File("exchange.db"), table));
        Assert.Equal("iren-childress", (await rebuilt.GetPoolAsync("p1"))!.SiteId);
        Assert.Contains(await EventTypesAsync(_target.File("exchange.db"), "iren"), t => t == "order.rejected");
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

    [Fact]
    public async Task A_journal_with_a_gap_is_refused_naming_the_sequence()
    {
        await using var rig = await ShardRig.StartAsync();
        await rig.AcceptAsync(ShardRig.Pool("p1", "iren", 576));
        await rig.AcceptAsync(ShardRig.Ask("a1", "iren", "p1", 72, "2.4500"));
        await rig.AcceptAsync(ShardRig.Bid("b1", "microsoft", 64, "3.1000"));
        await rig.Shard.DisposeAsync();
        await using (var connection = new SqliteConnection($"Data Source={rig.DatabaseFile};Pooling=False"))
            await connection.ExecuteAsync("DELETE FROM journal WHERE sequence = 2");
        await using var rebuilt = await ExchangeStore.OpenAsync(StoreOptions.SqliteFile(_target.File("exchange.db")));
        await using var source = new SqliteConnection($"Data Source={rig.DatabaseFile};Mode=ReadOnly;Pooling=False");
        await source.OpenAsync();

        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => JournalRebuild.RunAsync(source, null, rebuilt, CancellationToken.None));

        Assert.Equal("journal: sequence 3 follows 1; a journal with a gap cannot be rebuilt", refused.Message);
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
