using System.Text.Json;
using Neocloud.Testing;

namespace Neocloud.Cli.Tests.Client;

/// <summary><c>neocloud audit</c> against a real exchange on 127.0.0.1: the organization's journaled commands and who made each.</summary>
public sealed class AuditCommandTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private string _admin = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _admin = await _server.NewOrganizationAsync("meta", "admin", "market:read", "market:trade");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public void The_audit_shows_each_command_with_its_actor_kind_and_summary_and_pages_with_its_cursor()
    {
        foreach (var gpus in new[] { "8", "4", "2" })
            Assert.Equal(0, As("order", "bid", "--sku", "GB300", "--limit", "3.10", "--gpus", gpus, "--start", "2027-01-01", "--end", "2027-01-02").ExitCode);

        var json = As("audit", "--json");
        var table = As("audit");
        var first = As("audit", "--limit", "2", "--json");
        var next = JsonDocument.Parse(first.Output).RootElement.GetProperty("next").GetString()!;
        var rest = As("audit", "--after", next, "--json");

        Assert.True(json.ExitCode == 0, json.Error);
        var items = JsonDocument.Parse(json.Output).RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["bid 8 GB300 2027-01-01T00→2027-01-02T00 at 3.10", "bid 4 GB300 2027-01-01T00→2027-01-02T00 at 3.10",
            "bid 2 GB300 2027-01-01T00→2027-01-02T00 at 3.10"], items.Select(i => i.GetProperty("summary").GetString()));
        Assert.All(items, i => Assert.Equal(("token", "test"), (i.GetProperty("actor").GetProperty("kind").GetString(), i.GetProperty("actor").GetProperty("name").GetString())));
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains("bid 8 GB300", table.Output);
        Assert.Contains("token test (", table.Output);
        Assert.Equal([items[2].GetProperty("seq").GetInt64()],
            JsonDocument.Parse(rest.Output).RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("seq").GetInt64()));
        Assert.Contains($"more: --after {next}", As("audit", "--limit", "2").Output);
    }

    [Fact]
    public async Task A_token_without_the_admin_scope_is_refused_in_one_line()
    {
        var trader = await _server.NewOrganizationAsync("meta", "market:read");

        var run = CliRun.Of("audit", "--url", _server.Address.ToString(), "--token", trader);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error: 403", run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    private CliRun As(params string[] args) => CliRun.Of([.. args, "--url", _server.Address.ToString(), "--token", _admin]);
}
