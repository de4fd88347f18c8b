using System.Diagnostics;
using System.Text.Json;
using Neocloud.Exchange.Access;
using Neocloud.Testing;

namespace Neocloud.Cli.Tests.Client;

/// <summary><c>neocloud events</c> against a real server: a page of the organization's events, and <c>--follow</c> with the real binary.</summary>
public sealed class EventsCommandTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private string _token = null!;

    private string Url => _server.Address.ToString();

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _token = await _server.NewOrganizationAsync("cli-events", Scopes.MarketRead, Scopes.MarketTrade);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private void Bid(string limit)
    {
        var run = CliRun.Of("order", "bid", "--url", Url, "--token", _token, "--sku", "GB300", "--gpus", "1", "--start", "490000", "--end", "490010",
            "--limit", limit, "--json");
        Assert.True(run.ExitCode == 0, run.Error);
    }

    [Fact]
    public void Events_lists_the_organizations_events_as_a_table_or_json_and_filters_by_type()
    {
        Bid("1.00");
        Bid("1.10");

        var table = CliRun.Of("events", "--url", Url, "--token", _token);
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("order.rested", table.Output);
        var json = JsonDocument.Parse(CliRun.Of("events", "--url", Url, "--token", _token, "--json", "--after", "1").Output).RootElement;
        var only = Assert.Single(json.GetProperty("events").EnumerateArray());
        Assert.Equal(2, only.GetProperty("seq").GetInt64());
        Assert.Equal("1.1000", only.GetProperty("data").GetProperty("price").GetString());

        var bad = CliRun.Of("events", "--url", Url, "--token", _token, "--types", "order.nope");
        Assert.Equal(2, bad.ExitCode);
        Assert.StartsWith("error: 400", bad.Error);
        Assert.Contains("types", bad.Error);
    }

    [Fact]
    public async Task Follow_prints_each_event_as_it_is_committed_one_json_line_each()
    {
        Bid("1.00");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { ServerProcess.CliAssembly(), "events", "--follow", "--json", "--url", Url, "--token", _token }) start.ArgumentList.Add(argument);
        using var follow = Process.Start(start)!;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var first = await follow.StandardOutput.ReadLineAsync(timeout.Token);
            Assert.Equal(1, JsonDocument.Parse(first!).RootElement.GetProperty("seq").GetInt64());
            // A bid placed while it follows appears without asking again.
            Bid("1.20");
            var second = JsonDocument.Parse((await follow.StandardOutput.ReadLineAsync(timeout.Token))!).RootElement;
            Assert.Equal(2, second.GetProperty("seq").GetInt64());
            Assert.Equal("order.rested", second.GetProperty("type").GetString());
            Assert.Equal("1.2000", second.GetProperty("data").GetProperty("price").GetString());
        }
        finally
        {
            follow.Kill(entireProcessTree: true);
            await follow.WaitForExitAsync();
        }
    }
}
