using System.Net.Http.Json;
using System.Text.Json;
using Neocloud.Domain.Time;
using Neocloud.Testing;

namespace Neocloud.Cli.Tests.Client;

/// <summary><c>neocloud procure …</c> against a real exchange on 127.0.0.1, whose own runner does the buying.</summary>
public sealed class ProcureCommandTests : IAsyncLifetime
{
    private readonly TestClock _clock = new();
    private TestServer _server = null!;
    private string _buyer = null!;
    private int _now;

    public async Task InitializeAsync()
    {
        var now = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromTicks(now.UtcTicks % TimeSpan.TicksPerHour) + TimeSpan.FromMinutes(1));
        _now = Hour.FromUtc(_clock.GetUtcNow()).Value;
        _server = await TestServer.StartAsync(options => options with { Clock = _clock });
        _buyer = await _server.NewOrganizationAsync("microsoft", "market:read", "market:trade");
        using var iren = _server.Client(await _server.NewOrganizationAsync("iren", "market:read", "market:trade", "pools:write"));
        var pool = await iren.PostAsJsonAsync("/api/v1/pools", new
        {
            id = "iren-now", sku = "GB300", region = "us-tx", capacity = new[] { new { start = _now - 48, end = _now + 20_000, gpus = 576 } },
        });
        Assert.True(pool.IsSuccessStatusCode, await pool.Content.ReadAsStringAsync());
        var ask = await iren.PostAsJsonAsync("/api/v1/orders/asks", new { pool = "iren-now", gpus = 72, start = _now - 24, end = _now + 5_000, price = "2.4500" });
        Assert.True(ask.IsSuccessStatusCode, await ask.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_procurement_started_from_the_cli_buys_its_blocks_lists_shows_and_stops()
    {
        var start = As("procure", "start", "GB300", "--gpus", "8", "--horizon", "336", "--block", "168", "--max-price", "3.10", "--json");
        Assert.True(start.ExitCode == 0, start.Error);
        var id = JsonDocument.Parse(start.Output).RootElement.GetProperty("id").GetString()!;

        var shown = await Eventually.UntilAsync(() => Task.FromResult(As("procure", "show", id, "--json")),
            run => run.ExitCode == 0 && JsonDocument.Parse(run.Output).RootElement.GetProperty("bought").GetArrayLength() == 2, $"procurement {id} bought two blocks");
        var table = As("procure", "show", id);
        var list = As("procure", "list");
        var stop = As("procure", "stop", id);

        Assert.Equal(_now + 336, JsonDocument.Parse(shown.Output).RootElement.GetProperty("coveredThrough").GetInt32());
        Assert.Contains("iren-now", table.Output);
        Assert.Contains("2.4500", table.Output);
        Assert.Contains(id, list.Output);
        Assert.Equal(0, stop.ExitCode);
        Assert.Contains("stopped", stop.Output);
    }

    [Theory]
    [InlineData("error: --gpus: must be between 1 and 1000000, got 0", "procure", "start", "GB300", "--gpus", "0", "--max-price", "3.10")]
    [InlineData("error: --gpus: must be a whole number, got 'many'", "procure", "start", "GB300", "--gpus", "many", "--max-price", "3.10")]
    [InlineData("error: --horizon: must be at least blockHours (168), got 100", "procure", "start", "GB300", "--gpus", "8", "--horizon", "100", "--max-price", "3.10")]
    [InlineData("error: --max-price: must have at most 4 decimals, got 3.10001", "procure", "start", "GB300", "--gpus", "8", "--max-price", "3.10001")]
    [InlineData("error: <SKU>: unknown SKU 'GB999'", "procure", "start", "GB999", "--gpus", "8", "--max-price", "3.10")]
    [InlineData("error: --max-price: give one price per SKU (2 SKUs, 1 prices)", "procure", "start", "GB300/GB200", "--gpus", "8", "--max-price", "3.10")]
    [InlineData("alternatives[1].sku: H100 trades in market group hopper", "procure", "start", "GB300/H100", "--gpus", "8", "--max-price", "3.10/2.00")]
    [InlineData("error: 404 Not found: no procurement 'prc_nope'", "procure", "show", "prc_nope")]
    [InlineData("error: 404 Not found: no procurement 'prc_nope'", "procure", "stop", "prc_nope")]
    public void Bad_input_is_one_line_and_exit_2(string error, params string[] args)
    {
        var run = As(args);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: ", run.Error);
        Assert.Contains(error.StartsWith("error: ", StringComparison.Ordinal) ? error : $": {error}", run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    private CliRun As(params string[] args) => CliRun.Of([.. args, "--url", _server.Address.ToString(), "--token", _buyer]);
}
