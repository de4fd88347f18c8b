namespace Neocloud.Exchange.Shard;

/// <summary>One machine: this node (its front end at <paramref name="url"/>), and one shard (<c>all</c>) holding every market group.</summary>
public sealed class LocalTopology(MarketShard shard, string url) : ITopology
{
    public Task<TopologyView> DescribeAsync(CancellationToken cancellationToken) => Task.FromResult(new TopologyView(
        [new NodeView("local", url, "active")],
        [new ShardView("all", "local", shard.Epoch, shard.Sequence)]));
}
