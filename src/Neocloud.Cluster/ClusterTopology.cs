using Neocloud.Cluster.Grains;
using Neocloud.Domain.Catalog;
using Neocloud.Exchange.Shard;
using Neocloud.Storage;

namespace Neocloud.Cluster;

/// <summary>The cluster as Orleans' membership and the shards see it now.</summary>
public sealed class ClusterTopology(IGrainFactory grains, ExchangeStore store) : ITopology
{
    public async Task<TopologyView> DescribeAsync(CancellationToken cancellationToken)
    {
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: false);
        var statuses = hosts.ToDictionary(h => h.Key.ToParsableString(), h => h.Value);
        var nodes = new List<NodeView>();
        foreach (var node in await store.ClusterNodesAsync(cancellationToken))
        {
            // A node's silo address changes at each start (it carries a generation): older rows of the same front end are past lives.
            if (!statuses.TryGetValue(node.Silo, out var status) && nodes.Any(n => n.Url == node.Url)) continue;
            nodes.Add(new NodeView(node.Silo, node.Url, Text(statuses.TryGetValue(node.Silo, out var s) ? s : SiloStatus.Dead)));
        }
        var shards = await Task.WhenAll(MarketGroups.All(ReferenceCatalog.Embedded).Select(async group =>
        {
            var status = await grains.GetGrain<IMarketGroupGrain>(group).StatusAsync().WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            return new ShardView(group, status.Silo, status.Epoch, status.Sequence);
        }));
        return new TopologyView(nodes, shards);
    }

    private static string Text(SiloStatus status) => status switch
    {
        SiloStatus.Active => "active",
        SiloStatus.Joining or SiloStatus.Created => "joining",
        SiloStatus.ShuttingDown or SiloStatus.Stopping => "leaving",
        _ => "dead",
    };
}
