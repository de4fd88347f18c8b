using Dapper;
using Neocloud.Server.Hosting;
using Neocloud.Storage;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>
/// A cluster node's store ends its sessions left idle in a transaction (a node frozen mid-commit must not keep its
/// shard's fence row locked); a one-machine server's store, the only writer of its database, sets no such limit.
/// </summary>
public sealed class ClusterStoreOptionsTests
{
    [Theory]
    [InlineData(true, "10s")]
    [InlineData(false, "0")]
    public async Task A_cluster_node_s_store_bounds_idle_transactions_and_a_single_server_s_does_not(bool cluster, string limit)
    {
        var options = new ServerOptions { Cluster = cluster, PostgresConnectionString = PostgresServer.CreateDatabase("idleopts") };
        await using var store = await ExchangeStore.OpenAsync(options.Store);
        await using var connection = await store.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        Assert.Equal(limit, await connection.ExecuteScalarAsync<string>("SHOW idle_in_transaction_session_timeout", transaction: transaction));
    }
}
