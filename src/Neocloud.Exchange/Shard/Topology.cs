namespace Neocloud.Exchange.Shard;

/// <summary>Which nodes run the exchange and which node hosts each market group's shard now.</summary>
public interface ITopology
{
    Task<TopologyView> DescribeAsync(CancellationToken cancellationToken);
}

/// <summary>The nodes and the shards.</summary>
public sealed record TopologyView(IReadOnlyList<NodeView> Nodes, IReadOnlyList<ShardView> Shards);

/// <summary>A node: its id (the Orleans silo address, or <c>local</c>), its HTTP front end, and its status (active, joining, shutting-down, dead).</summary>
public sealed record NodeView(string Id, string Url, string Status);

/// <summary>A market group's shard: the node hosting it, its epoch and its journal sequence (<c>all</c> on one machine, where one shard holds every group).</summary>
public sealed record ShardView(string Group, string Node, long Epoch, long Sequence);
