namespace Neocloud.Cli.Tests.Server;

/// <summary><c>neocloud serve</c> refuses a cluster it cannot form in one line, before it opens anything.</summary>
public sealed class ServeCommandTests
{
    [Theory]
    [InlineData(new[] { "serve", "--cluster" }, "--cluster: needs --db")]
    [InlineData(new[] { "serve", "--cluster", "--db", "Host=127.0.0.1", "--silo-port", "0" }, "--silo-port: must be a port from 1 to 65535, got 0")]
    [InlineData(new[] { "serve", "--cluster", "--db", "Host=127.0.0.1", "--gateway-port", "70000" }, "--gateway-port: must be a port from 1 to 65535, got 70000")]
    [InlineData(new[] { "serve", "--cluster", "--db", "Host=127.0.0.1", "--node-address", "node-a" }, "--node-address: 'node-a' is not an IP address")]
    public void A_cluster_node_without_what_it_needs_is_refused_in_one_line(string[] args, string message)
    {
        var run = CliRun.Of(args);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(message, run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    [Fact]
    public void Catalog_skus_show_each_sku_s_market_group()
    {
        var run = CliRun.Of("catalog", "skus");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("market group", run.Output);
        Assert.Contains(run.Output.Split('\n'), line => line.Contains("GB300") && line.Contains("rack-blackwell"));
        Assert.Contains(run.Output.Split('\n'), line => line.Contains("MI325X") && line.Contains("instinct"));
    }
}
