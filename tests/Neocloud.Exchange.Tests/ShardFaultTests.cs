namespace Neocloud.Exchange.Tests;

/// <summary>A fault no path of a batch expects costs that batch, not the shard's loop: the shard rebuilds and trades on.</summary>
public sealed class ShardFaultTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_change_handler_that_throws_does_not_stop_the_loop()
    {
        await using var rig = await ShardRig.StartAsync();
        var faults = 0;
        rig.Shard.MarketChanged += () =>
        {
            if (Interlocked.Increment(ref faults) == 1) throw new NotSupportedException("a handler's defect");
        };

        // Committed and answered before the handler ran; the handler's fault then ends the batch.
        await rig.AcceptAsync(ShardRig.Pool("p1", "iren", 100)).WaitAsync(Patience);

        // The loop lives on, on an engine rebuilt from the store, which holds the pool.
        await rig.AcceptAsync(ShardRig.Ask("a1", "iren", "p1", 10, "2.00")).WaitAsync(Patience);
        var bid = await rig.AcceptAsync(ShardRig.Bid("b1", "microsoft", 10, "3.00")).WaitAsync(Patience);
        Assert.Equal("a1", Assert.Single(bid.Trades).AskId);
        Assert.Equal(3, Volatile.Read(ref faults));
        Assert.Equal(3, await rig.Store.LastSequenceAsync());
        Assert.Equal(1, await rig.Shard.QueryAsync(engine => engine.RestingOrders).WaitAsync(Patience));
    }
}
