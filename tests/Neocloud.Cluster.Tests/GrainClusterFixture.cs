using Microsoft.Extensions.DependencyInjection;
using Neocloud.Cluster.Hosting;
using Neocloud.Domain.Catalog;
using Neocloud.Storage;
using Neocloud.Testing;
using Orleans.TestingHost;

namespace Neocloud.Cluster.Tests;

/// <summary>
/// A two-silo Orleans test cluster whose silos host the market-group grains on a fresh PostgreSQL database (each silo
/// with its own <see cref="ExchangeStore"/>, as each node of a real cluster has), and a store of the tests' own on the
/// same database to read what the grains committed.
/// </summary>
public sealed class GrainClusterFixture : IAsyncLifetime
{
    /// <summary>The configuration key the silos find the database under.</summary>
    private const string ConnectionStringKey = "Neocloud:ConnectionString";

    public TestCluster Cluster { get; private set; } = null!;

    /// <summary>The tests' view of the database the silos write.</summary>
    public ExchangeStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var connectionString = PostgresServer.CreateDatabase("grains");
        Store = await ExchangeStore.OpenAsync(StoreOptions.Postgres(connectionString));
        var organizations = new CommitBatch();
        organizations.Facts.AddRange(ReferenceCatalog.Embedded.Organizations.Select(o => new OrganizationCreated(new OrganizationRecord(o.Id, o.Name, 0))));
        await Store.CommitAsync(organizations);
        var builder = new TestClusterBuilder(2);
        builder.Properties[ConnectionStringKey] = connectionString;
        builder.AddSiloBuilderConfigurator<SiloServices>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        await Store.DisposeAsync();
    }

    /// <summary>What a market-group grain needs from its silo, as a cluster node registers it (Orleans creates this per silo).</summary>
    private sealed class SiloServices : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            var connectionString = silo.Configuration[ConnectionStringKey]
                ?? throw new InvalidOperationException($"the test cluster has no {ConnectionStringKey}");
            // The container resolves synchronously, on the first grain activation, inside the grain's scheduler: opening the
            // store must not post its continuations there while that thread waits (it would deadlock), hence the thread pool.
            // The schema exists already (the fixture made it), so this is one round trip.
            silo.Services.AddSingleton(_ => Task.Run(() => ExchangeStore.OpenAsync(StoreOptions.Postgres(connectionString))).GetAwaiter().GetResult());
            silo.Services.AddSingleton(TimeProvider.System);
            silo.Services.AddSingleton(new ClusterSettings { ConnectionString = connectionString });
        }
    }
}
