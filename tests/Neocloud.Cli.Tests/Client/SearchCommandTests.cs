using System.Net.Http.Json;
using System.Text.Json;
using Neocloud.Testing;

namespace Neocloud.Cli.Tests.Client;

/// <summary><c>neocloud market search</c> against a real exchange on 127.0.0.1.</summary>
public sealed class SearchCommandTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private string _buyer = null!, _seller = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _buyer = await _server.NewOrganizationAsync("microsoft", "market:read", "market:trade");
        _seller = await _server.NewOrganizationAsync("iren", "market:read", "market:trade", "pools:write");
        using var iren = _server.Client(_seller);
        var pool = await iren.PostAsJsonAsync("/api/v1/pools", new
        {
            id = "iren-search", site = "iren-childress", sku = "GB300", region = "us-tx",
            capacity = new[] { new { start = 490_000, end = 491_000, gpus = 200 } },
        });
        Assert.True(pool.IsSuccessStatusCode, await pool.Content.ReadAsStringAsync());
        foreach (var (gpus, price) in new[] { (72, "2.9000"), (64, "2.4500") })
        {
            var ask = As(_seller, "order", "ask", "--pool", "iren-search", "--gpus", $"{gpus}", "--start", "490000", "--end", "490500", "--price", price);
            Assert.True(ask.ExitCode == 0, ask.Error);
        }
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private CliRun As(string token, params string[] args) => CliRun.Of([.. args, "--url", _server.Address.ToString(), "--token", token]);

    [Fact]
    public void Search_lists_the_offers_cheapest_first_as_a_table_and_as_json()
    {
        var table = As(_buyer, "market", "search", "GB300", "--gpus", "32", "--from", "490010", "--to", "490034", "--region", "us-tx",
            "--provider", "iren", "--site", "iren-childress");
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains("freeGpus", table.Output);
        Assert.True(table.Output.IndexOf("2.4500", StringComparison.Ordinal) < table.Output.IndexOf("2.9000", StringComparison.Ordinal), table.Output);

        var json = As(_buyer, "market", "search", "GB300", "--gpus", "32", "--from", "2025-11-25T02:00:00Z", "--to", "490034", "--max-price", "2.5", "--json");
        Assert.True(json.ExitCode == 0, json.Error);
        var offer = Assert.Single(JsonDocument.Parse(json.Output).RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal("2.4500", offer.GetProperty("price").GetString());
        Assert.Equal(64, offer.GetProperty("freeGpus").GetInt32());
        Assert.Equal("iren-childress", offer.GetProperty("site").GetString());
    }

    [Fact]
    public void A_seller_searching_finds_none_of_its_own_asks()
    {
        var run = As(_seller, "market", "search", "GB300", "--gpus", "8", "--from", "490010", "--to", "490034");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("no resting ask can fill this bid now", run.Output);
    }

    [Fact]
    public void A_bad_window_is_refused_with_the_field_named()
    {
        var run = As(_buyer, "market", "search", "GB300", "--gpus", "8", "--from", "490034", "--to", "490010");
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: 400 The request is not valid: to: must be an hour after from", run.Error);
    }
}
