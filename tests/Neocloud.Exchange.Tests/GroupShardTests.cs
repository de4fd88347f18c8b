using Microsoft.Extensions.Logging.Abstractions;
using Neocloud.Domain.Catalog;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;

namespace Neocloud.Exchange.Tests;

/// <summary>A shard holding one market group, as a cluster node runs it: its own journal, an epoch on its fence row, and the fence.</summary>
public sealed class GroupShardTests
{
    [Fact]
    public async Task A_group_shard_journals_under_its_group_and_numbers_trades_by_its_ordinal()
    {
        await using var rig = await ShardRig.StartAsync();
        await using var shard = await StartAsync(rig, "rack-blackwell");
        Assert.Equal(1, shard.Epoch);
        await AcceptAsync(shard, ShardRig.Pool("g1", "iren", 100));
        await AcceptAsync(shard, ShardRig.Ask("a1", "iren", "g1", 10, "2.00"));
        var bid = await AcceptAsync(shard, ShardRig.Bid("b1", "microsoft", 10, "3.00"));

        var trade = Assert.Single(bid.Trades);
        Assert.Equal(MarketGroups.OrdinalOf("rack-blackwell"), trade.TradeNo % MarketGroups.OrdinalSpace);
        var journal = await rig.Store.ReadShardJournalAsync("rack-blackwell", 0).ToListAsync();
        Assert.Equal([1L, 2L, 3L], journal.Select(j => j.Sequence));
        Assert.Equal(0, await rig.Store.LastSequenceAsync());
        Assert.Equal(3, Assert.Single(await rig.Store.ShardClaimsAsync()).LastSequence);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_newer_activation_fences_the_old_one_which_writes_nothing_more(bool postgres)
    {
        await using var rig = await ShardRig.StartAsync();
        if (postgres) await rig.UsePostgresAsync();
        var old = await StartAsync(rig, "rack-blackwell");
        await AcceptAsync(old, ShardRig.Pool("g1", "iren", 100));
        await AcceptAsync(old, ShardRig.Ask("a1", "iren", "g1", 10, "2.00"));

        // Another node activates the group (the old one was paused, not dead): it takes epoch 2 and the state so far.
        await using var newer = await StartAsync(rig, "rack-blackwell");
        Assert.Equal(2, newer.Epoch);
        var fenced = false;
        old.Fenced += () => fenced = true;

        var stale = await old.SubmitAsync(ShardRig.Bid("b-stale", "microsoft", 10, "3.00"));
        Assert.Equal(FailureKind.Unavailable, stale.Failure?.Kind);
        Assert.True(old.IsFenced);
        Assert.True(fenced);
        Assert.Equal(FailureKind.Unavailable, (await old.SubmitAsync(ShardRig.Bid("b-later", "microsoft", 10, "3.00"))).Failure?.Kind);
        Assert.Null(await rig.Store.GetOrderAsync("b-stale"));
        await old.DisposeAsync();

        // The ask placed before the fence is the newer activation's to sell.
        var bid = await AcceptAsync(newer, ShardRig.Bid("b1", "microsoft", 10, "3.00"));
        Assert.Equal("a1", Assert.Single(bid.Trades).AskId);
        Assert.Equal([1L, 2L, 3L], (await rig.Store.ReadShardJournalAsync("rack-blackwell", 0).ToListAsync()).Select(j => j.Sequence));
    }

    [Fact]
    public async Task Two_groups_keep_separate_journals_and_never_share_a_trade_number()
    {
        await using var rig = await ShardRig.StartAsync();
        await using var blackwell = await StartAsync(rig, "rack-blackwell");
        await using var hopper = await StartAsync(rig, "hopper");
        await AcceptAsync(blackwell, ShardRig.Pool("gb", "iren", 100));
        await AcceptAsync(hopper, ShardRig.Pool("h", "coreweave", 100, sku: "H100"));
        var trades = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            await AcceptAsync(blackwell, ShardRig.Ask($"gba{i}", "iren", "gb", 1, "2.00"));
            await AcceptAsync(hopper, ShardRig.Ask($"ha{i}", "coreweave", "h", 1, "2.00"));
            trades.AddRange((await AcceptAsync(blackwell, ShardRig.Bid($"gbb{i}", "microsoft", 1, "3.00"))).Trades.Select(t => t.TradeNo));
            trades.AddRange((await AcceptAsync(hopper, ShardRig.Bid($"hb{i}", "microsoft", 1, "3.00", sku: "H100"))).Trades.Select(t => t.TradeNo));
        }
        Assert.Equal(6, trades.Distinct().Count());
        Assert.Equal(7, (await rig.Store.ReadShardJournalAsync("rack-blackwell", 0).ToListAsync()).Count);
        Assert.Equal(7, (await rig.Store.ReadShardJournalAsync("hopper", 0).ToListAsync()).Count);

        // A restart of one group's shard recovers its book alone, at the next epoch.
        await hopper.DisposeAsync();
        await using var again = await StartAsync(rig, "hopper");
        Assert.Equal(2, again.Epoch);
        Assert.Equal(7, again.Sequence);
    }

    private static async Task<MarketShard> StartAsync(ShardRig rig, string group)
    {
        var shard = new MarketShard(rig.Store, TimeProvider.System, NullLogger<MarketShard>.Instance, 10_000, group: group);
        await shard.StartAsync(CancellationToken.None);
        return shard;
    }

    private static async Task<Committed> AcceptAsync(MarketShard shard, ShardRequest request)
    {
        var outcome = await shard.SubmitAsync(request);
        Assert.True(outcome.IsAccepted, $"expected {request} to be accepted, got {outcome.Failure}");
        return outcome.Value!;
    }
}
