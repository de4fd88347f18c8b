using System.Net.Http.Json;
using System.Text.Json;
using Neocloud.Testing;

namespace Neocloud.Cli.Tests.Client;

/// <summary><c>neocloud alert …</c> against a real exchange on 127.0.0.1.</summary>
public sealed class AlertCommandTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private string _buyer = null!, _seller = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _buyer = await _server.NewOrganizationAsync("microsoft", "market:read", "market:trade");
        _seller = await _server.NewOrganizationAsync("iren", "market:read", "market:trade", "pools:write");
        using var seller = _server.Client(_seller);
        var pool = await seller.PostAsJsonAsync("/api/v1/pools", new { id = "cli-alerts", sku = "GB300", region = "us-tx", capacity = new[] { new { start = 490_000, end = 491_000, gpus = 64 } } });
        Assert.True(pool.IsSuccessStatusCode, await pool.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task An_alert_added_from_the_cli_is_listed_fires_when_an_ask_crosses_it_and_is_removed()
    {
        var add = As("alert", "add", "--sku", "GB300", "--kind", "best_ask_below", "--price", "3.00", "--json");
        Assert.True(add.ExitCode == 0, add.Error);
        var id = JsonDocument.Parse(add.Output).RootElement.GetProperty("alert").GetString()!;
        var curve = As("alert", "add", "--sku", "H100", "--kind", "curve_above", "--price", "9.00", "--month", DateTime.UtcNow.AddMonths(3).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(curve.ExitCode == 0, curve.Error);
        Assert.Contains("curve_above", curve.Output);

        using var seller = _server.Client(_seller);
        var ask = await seller.PostAsJsonAsync("/api/v1/orders/asks", new { pool = "cli-alerts", gpus = 8, start = 490_000, end = 490_010, price = "2.5000" });
        Assert.True(ask.IsSuccessStatusCode, await ask.Content.ReadAsStringAsync());
        var list = As("alert", "list");
        var events = As("events", "--types", "alert.triggered", "--json");
        var remove = As("alert", "remove", id);
        var after = As("alert", "list", "--json");

        Assert.Contains(id, list.Output);
        Assert.Contains("triggered", list.Output);
        Assert.Contains("2.5000", list.Output);
        Assert.Equal(id, JsonDocument.Parse(events.Output).RootElement.GetProperty("events")[0].GetProperty("data").GetProperty("alert").GetString());
        Assert.Equal($"removed {id}", remove.Output.Trim());
        Assert.DoesNotContain(id, after.Output);
        Assert.Single(JsonDocument.Parse(after.Output).RootElement.GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("error: 400 The request is not valid: month: is required for a curve alert", "alert", "add", "--sku", "GB300", "--kind", "curve_below", "--price", "3.00")]
    [InlineData("error: 400 The request is not valid: sku: unknown SKU 'Z9'", "alert", "add", "--sku", "Z9", "--kind", "best_ask_below", "--price", "3.00")]
    [InlineData("error: 400 The request is not valid: price: must be positive", "alert", "add", "--sku", "GB300", "--kind", "best_ask_below", "--price", "-3")]
    [InlineData("error: 404 Not found: no alert 'alr_nope'", "alert", "remove", "alr_nope")]
    public void Bad_input_is_one_line_and_exit_2(string error, params string[] args)
    {
        var run = As(args);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(error, run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    [Fact]
    public void An_unknown_kind_is_refused_before_any_call()
    {
        var run = As("alert", "add", "--sku", "GB300", "--kind", "best_ask_above", "--price", "3.00");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("best_ask_above", run.Error);
    }

    private CliRun As(params string[] args) => CliRun.Of([.. args, "--url", _server.Address.ToString(), "--token", _buyer]);
}
