using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Neocloud.Exchange.Shard;
using Orleans.Configuration;

namespace Neocloud.Cluster.Hosting;

/// <summary>Makes a host a cluster node: an Orleans silo on the shared PostgreSQL whose market is the grains of the market groups.</summary>
public static class ClusterHosting
{
    /// <summary>Creates Orleans' membership tables in the database if they are missing (safe when several nodes start at once; no DDL when they are current).</summary>
    public static Task PrepareDatabaseAsync(ClusterSettings settings, CancellationToken cancellationToken) =>
        Schema.OrleansSchema.EnsureAsync(settings.ConnectionString, cancellationToken);

    /// <summary>
    /// Adds the silo (ADO.NET clustering on the database, the node's silo and gateway ports, failure detection tuned
    /// for a LAN) and the cluster's <see cref="IMarket"/> and <see cref="ITopology"/>.
    /// </summary>
    public static IHostApplicationBuilder AddExchangeCluster(this IHostApplicationBuilder builder, ClusterSettings settings)
    {
        builder.UseOrleans(silo =>
        {
            silo.UseAdoNetClustering(clustering =>
            {
                clustering.Invariant = "Npgsql";
                clustering.ConnectionString = settings.ConnectionString;
            });
            silo.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = settings.ClusterId;
                cluster.ServiceId = settings.ClusterId;
            });
            silo.ConfigureEndpoints(IPAddress.Parse(settings.AdvertisedAddress), settings.SiloPort, settings.GatewayPort);
            // Probe every second, three misses and two votes declare a node dead: its shards move within seconds, not the default ten or more.
            silo.Configure<ClusterMembershipOptions>(membership =>
            {
                membership.ProbeTimeout = TimeSpan.FromSeconds(1);
                membership.NumMissedProbesLimit = 3;
                membership.NumVotesForDeathDeclaration = 2;
                membership.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(15);
                membership.TableRefreshTimeout = TimeSpan.FromSeconds(5);
            });
            silo.Configure<SiloMessagingOptions>(messaging => messaging.ResponseTimeout = settings.CallTimeout);
        });
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<ClusterMarket>();
        builder.Services.AddSingleton<IMarket>(services => services.GetRequiredService<ClusterMarket>());
        builder.Services.AddSingleton<ITopology, ClusterTopology>();
        builder.Services.AddHostedService<ShardKeeper>();
        return builder;
    }
}
