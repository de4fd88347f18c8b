using System.Net.Http.Json;
using System.Text.Json;
using Neocloud.Testing;

namespace Neocloud.Cli.Tests.Client;

/// <summary><c>neocloud webhook …</c> against a real exchange on 127.0.0.1 delivering to a real receiver.</summary>
public sealed class WebhookCommandTests : IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;
    private TestServer _server = null!;
    private string _token = null!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _server = await TestServer.StartAsync(options => options with { WebhookAllowHosts = ["127.0.0.1"] });
        _token = await _server.NewOrganizationAsync("microsoft", "market:read", "market:trade");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_webhook_added_from_the_cli_is_listed_pinged_delivers_shows_its_attempts_redelivers_and_is_removed()
    {
        var add = As("webhook", "add", "--url", _receiver.Url("/cli"), "--types", "order.rested", "--description", "from the cli", "--json");
        Assert.True(add.ExitCode == 0, add.Error);
        var created = JsonDocument.Parse(add.Output).RootElement;
        var id = created.GetProperty("id").GetString()!;
        var secret = created.GetProperty("secret").GetString()!;
        var table = As("webhook", "add", "--url", _receiver.Url("/other"));
        var list = As("webhook", "list");
        var test = As("webhook", "test", id);
        using var buyer = _server.Client(_token);
        var bid = await buyer.PostAsJsonAsync("/api/v1/orders/bids", new { sku = "GB300", gpus = 8, start = 490_000, end = 490_010, limit = "1.0000", tif = "GTC" });
        Assert.True(bid.IsSuccessStatusCode, await bid.Content.ReadAsStringAsync());
        var deliveries = await Eventually.UntilAsync(() => Task.FromResult(As("webhook", "deliveries", id, "--json")),
            run => run.ExitCode == 0 && JsonDocument.Parse(run.Output).RootElement.GetProperty("items").GetArrayLength() >= 1, $"a delivery to {id}");
        var shown = As("webhook", "deliveries", id, "--limit", "5");
        var redeliver = As("webhook", "redeliver", id, "--from", "1", "--json");
        var remove = As("webhook", "remove", id);
        var after = As("webhook", "list", "--json");

        Assert.StartsWith("whsec_", secret);
        Assert.Contains("secret (shown once", table.Output);
        Assert.Contains(id, list.Output);
        Assert.DoesNotContain("whsec_", list.Output);
        Assert.True(test.ExitCode == 0, test.Error);
        Assert.Contains("delivered: 200", test.Output);
        Assert.Equal(200, JsonDocument.Parse(deliveries.Output).RootElement.GetProperty("items")[0].GetProperty("statusCode").GetInt32());
        Assert.Contains("order.rested", shown.Output);
        Assert.Contains(_receiver.On("/cli"), d => d.Type == "order.rested" && WebhookReceiver.Verifies(d, secret));
        Assert.Equal("active", JsonDocument.Parse(redeliver.Output).RootElement.GetProperty("status").GetString());
        Assert.Equal($"removed {id}", remove.Output.Trim());
        Assert.DoesNotContain(id, after.Output);
    }

    [Theory]
    [InlineData("error: 422 Webhook URL refused: url: must be https", "webhook", "add", "--url", "http://example.com/hook")]
    [InlineData("error: 422 Webhook URL refused: url: the host '10.0.0.1' resolves to 10.0.0.1", "webhook", "add", "--url", "https://10.0.0.1/hook")]
    [InlineData("error: 400 The request is not valid: url: must be an absolute https URL", "webhook", "add", "--url", "nowhere")]
    [InlineData("types: unknown event type 'order.nope'", "webhook", "add", "--url", "http://127.0.0.1:1/x", "--types", "order.nope")]
    [InlineData("error: 404 Not found: no webhook 'wh_nope'", "webhook", "remove", "wh_nope")]
    [InlineData("error: 404 Not found: no webhook 'wh_nope'", "webhook", "test", "wh_nope")]
    [InlineData("error: 404 Not found: no webhook 'wh_nope'", "webhook", "deliveries", "wh_nope")]
    [InlineData("error: 404 Not found: no webhook 'wh_nope'", "webhook", "redeliver", "wh_nope", "--from", "1")]
    public void Bad_input_is_one_line_and_exit_2(string error, params string[] args)
    {
        var run = As(args);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: ", run.Error);
        Assert.Contains(error.StartsWith("error: ", StringComparison.Ordinal) ? error : $": {error}", run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("0s")]
    [InlineData("-5m")]
    public void Serve_refuses_a_retry_window_that_is_not_a_duration_in_one_line(string value)
    {
        var run = CliRun.Of("serve", "--webhook-retry-for", value);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"error: --webhook-retry-for: must be a duration such as 30s, 90m, 24h or 1d, got '{value}'", run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    private CliRun As(params string[] args) =>
        CliRun.Of([.. args, args[1] == "add" ? "--exchange-url" : "--url", _server.Address.ToString(), "--token", _token]);
}
