namespace Neocloud.Cluster.Hosting;

/// <summary>How a node joins the cluster: the shared PostgreSQL, its Orleans ports and address, and its HTTP URL.</summary>
public sealed record ClusterSettings
{
    /// <summary>The PostgreSQL connection string every node shares (membership, journals, read models).</summary>
    public required string ConnectionString { get; init; }

    /// <summary>The port silos talk to each other on.</summary>
    public int SiloPort { get; init; } = 11111;

    /// <summary>The port Orleans clients connect to.</summary>
    public int GatewayPort { get; init; } = 30000;

    /// <summary>The address other nodes reach this one at.</summary>
    public string AdvertisedAddress { get; init; } = "127.0.0.1";

    /// <summary>This node's HTTP front end, as shown by <c>GET /api/v1/cluster</c>.</summary>
    public string Url { get; init; } = "";

    /// <summary>Accepted commands between two snapshots of a shard.</summary>
    public int SnapshotEvery { get; init; } = 10_000;

    /// <summary>An organization without a credit limit has limit 0 (<c>--require-credit</c>).</summary>
    public bool RequireCredit { get; init; }

    /// <summary>The matching engine the shards run (<c>--engine</c>).</summary>
    public string Engine { get; init; } = Market.Engine.MarketEngines.Default;

    /// <summary>How long a front end waits for a shard's answer before it answers 503.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The Orleans cluster and service ids (nodes with the same ids form one cluster).</summary>
    public string ClusterId { get; init; } = "neocloud";
}
