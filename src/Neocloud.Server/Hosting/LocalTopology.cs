using Neocloud.Exchange.Shard;

namespace Neocloud.Server.Hosting;

/// <summary>One machine: this node, and one shard (<c>all</c>) holding every market group.</summary>
public sealed class LocalTopology(MarketShard shard, ServerOptions options) : ITopology
{
    public Task<TopologyView> DescribeAsync(CancellationToken cancellationToken) => Task.FromResult(new TopologyView(
        [new NodeView("local", options.Urls.Split(';')[0], "active")],
        [new ShardView("all", "local", shard.Epoch, shard.Sequence)]));
}
