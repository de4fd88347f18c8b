using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Storage;
using Neocloud.Testing;

namespace Neocloud.Exchange.Tests;

/// <summary>A fault no path of a batch expects costs that batch (or that query, or that handler), not the shard's loop.</summary>
public sealed class ShardFaultTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>A fact no part of the shard knows: what a defect looks like to the loop (the book refuses to decide it by throwing).</summary>
    private sealed record UnknownFact : BookFact;

    [Fact]
    public async Task A_change_handler_that_throws_does_not_stop_the_loop()
    {
        await using var rig = await ShardRig.StartAsync();
        var faults = 0;
        rig.Shard.MarketChanged += () =>
        {
            if (Interlocked.Increment(ref faults) == 1) throw new NotSupportedException("a handler's defect");
        };

        // Committed and answered before the handler ran; the handler's fault is logged.
        await rig.AcceptAsync(ShardRig.Pool("p1", "iren", 100)).WaitAsync(Patience);

        // The loop lives on.
        await rig.AcceptAsync(ShardRig.Ask("a1", "iren", "p1", 10, "2.00")).WaitAsync(Patience);
        var bid = await rig.AcceptAsync(ShardRig.Bid("b1", "microsoft", 10, "3.00")).WaitAsync(Patience);
        Assert.Equal("a1", Assert.Single(bid.Trades).AskId);
        Assert.Equal(3, Volatile.Read(ref faults));
        Assert.Equal(3, await rig.Store.LastSequenceAsync());
        Assert.Equal(1, await rig.Shard.QueryAsync(engine => engine.RestingOrders).WaitAsync(Patience));
    }

    [Fact]
    public async Task A_command_that_faults_the_batch_is_answered_503_and_the_market_rebuilt_goes_on()
    {
        await using var rig = await ShardRig.StartAsync();
        await rig.AcceptAsync(ShardRig.Pool("p1", "iren", 100)).WaitAsync(Patience);

        var faulted = await rig.Shard.SubmitAsync(new TransactionRequest("iren", [], new UnknownFact())).WaitAsync(Patience);
        Assert.Equal(FailureKind.Unavailable, faulted.Failure?.Kind);
        Assert.Equal(1, await rig.Store.LastSequenceAsync());

        await rig.AcceptAsync(ShardRig.Ask("a1", "iren", "p1", 10, "2.00")).WaitAsync(Patience);
        var bid = await rig.AcceptAsync(ShardRig.Bid("b1", "microsoft", 10, "3.00")).WaitAsync(Patience);
        Assert.Equal("a1", Assert.Single(bid.Trades).AskId);
        Assert.Equal(3, await rig.Store.LastSequenceAsync());
    }

    [Fact]
    public async Task While_the_store_is_away_commands_hear_503_at_once_and_once_it_is_back_the_market_goes_on()
    {
        await using var rig = await OnPostgresWithAnAskAsync();
        var database = rig.PostgresDatabase!;
        PostgresServer.SetReachable(database, reachable: false);
        try
        {
            await LoseAnAskAsync(rig);
            // The loop keeps answering while it tries again: commands hear 503, queries that the shard cannot serve.
            var refused = await rig.Shard.SubmitAsync(ShardRig.Ask("a3", "iren", "p1", 10, "1.50")).WaitAsync(Patience);
            Assert.Equal(FailureKind.Unavailable, refused.Failure?.Kind);
            await Assert.ThrowsAsync<ShardStoppedException>(() => rig.Shard.QueryAsync(engine => engine.RestingOrders).WaitAsync(Patience));
        }
        finally
        {
            PostgresServer.SetReachable(database, reachable: true);
        }

        // What a client does with a 503: the same ask again, until the shard has rebuilt the market and takes it.
        var deadline = DateTime.UtcNow + Patience;
        Outcome<Committed> again;
        while (true)
        {
            again = await rig.Shard.SubmitAsync(ShardRig.Ask("a2", "iren", "p1", 10, "1.50")).WaitAsync(Patience);
            if (again.Failure?.Kind != FailureKind.Unavailable || DateTime.UtcNow > deadline) break;
            await Task.Delay(50);
        }
        Assert.True(again.IsAccepted, $"the ask was not taken once the store was back: {again.Failure}");

        // The rebuilt market is the store's: a1 and a2 rest (the lost tries left nothing), and a bid takes the cheaper.
        Assert.Equal(3, await rig.Store.LastSequenceAsync());
        Assert.Equal(2, await rig.Shard.QueryAsync(engine => engine.RestingOrders).WaitAsync(Patience));
        var bid = await rig.AcceptAsync(ShardRig.Bid("b1", "microsoft", 10, "3.00")).WaitAsync(Patience);
        Assert.Equal("a2", Assert.Single(bid.Trades).AskId);
    }

    [Fact]
    public async Task A_shard_stopped_while_the_store_is_away_stops_and_the_next_start_has_the_stores_market()
    {
        await using var rig = await OnPostgresWithAnAskAsync();
        var database = rig.PostgresDatabase!;
        PostgresServer.SetReachable(database, reachable: false);
        try
        {
            await LoseAnAskAsync(rig);
            // The shard reports the last sequence the store holds, not the one its engine ran ahead to.
            Assert.Equal(2, rig.Shard.Sequence);
            // Stopping (a node shutting down) does not wait for the store to come back.
            await rig.Shard.DisposeAsync().AsTask().WaitAsync(Patience);
        }
        finally
        {
            PostgresServer.SetReachable(database, reachable: true);
        }

        // The next start reads the store's market: a2 was never kept.
        await rig.RestartAsync();
        Assert.Equal(2, await rig.Store.LastSequenceAsync());
        Assert.Equal(1, await rig.Shard.QueryAsync(engine => engine.RestingOrders).WaitAsync(Patience));
        var bid = await rig.AcceptAsync(ShardRig.Bid("b1", "microsoft", 10, "3.00")).WaitAsync(Patience);
        Assert.Equal("a1", Assert.Single(bid.Trades).AskId);
    }

    /// <summary>A shard on a PostgreSQL database of its own, with pool p1 and ask a1 at $2.00 (sequence 2).</summary>
    private static async Task<ShardRig> OnPostgresWithAnAskAsync()
    {
        var rig = await ShardRig.StartAsync();
        await rig.UsePostgresAsync();
        await rig.AcceptAsync(ShardRig.Pool("p1", "iren", 100)).WaitAsync(Patience);
        await rig.AcceptAsync(ShardRig.Ask("a1", "iren", "p1", 10, "2.00")).WaitAsync(Patience);
        return rig;
    }

    /// <summary>With the store away: ask a2 at $1.50 fails to commit, so does the rebuild after it, and the ask is not kept.</summary>
    private static async Task LoseAnAskAsync(ShardRig rig)
    {
        var lost = await rig.Shard.SubmitAsync(ShardRig.Ask("a2", "iren", "p1", 10, "1.50")).WaitAsync(Patience);
        Assert.Equal(FailureKind.Unavailable, lost.Failure?.Kind);
    }

    [Fact]
    public async Task A_query_that_throws_gets_its_fault_and_the_loop_answers_the_next()
    {
        await using var rig = await ShardRig.StartAsync();
        await rig.AcceptAsync(ShardRig.Pool("p1", "iren", 100)).WaitAsync(Patience);

        await Assert.ThrowsAsync<NullReferenceException>(() => rig.Shard.QueryAsync<int>(_ => throw new NullReferenceException("a query's defect")).WaitAsync(Patience));

        await rig.AcceptAsync(ShardRig.Ask("a1", "iren", "p1", 10, "2.00")).WaitAsync(Patience);
        Assert.Equal(1, await rig.Shard.QueryAsync(engine => engine.RestingOrders).WaitAsync(Patience));
    }
}
