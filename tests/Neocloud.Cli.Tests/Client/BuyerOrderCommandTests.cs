using System.Net.Http.Json;
using System.Text.Json;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Access;
using Neocloud.Testing;

namespace Neocloud.Cli.Tests.Client;

/// <summary><c>order bid --alt/--pool</c>, <c>order extend</c>, <c>order portfolio</c> and <c>order portfolios</c> against a real exchange.</summary>
public sealed class BuyerOrderCommandTests : IAsyncLifetime
{
    private static readonly int s_start = Hour.FromUtc(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero)).Value;

    private readonly TempDirectory _home = new("neocloud-cli-buyer-");
    private TestServer _server = null!;
    private string _buyer = "";

    private string Config => _home.File("config.json");

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        string[] seller = [Scopes.MarketRead, Scopes.MarketTrade, Scopes.PoolsWrite];
        using var iren = _server.Client(await _server.NewOrganizationAsync("cli-seller", seller));
        _buyer = await _server.NewOrganizationAsync("cli-buyer", Scopes.MarketRead, Scopes.MarketTrade);
        foreach (var (id, sku, region) in new[] { ("p300", "GB300", "us-tx"), ("p200", "GB200", "us-nj") })
        {
            var pool = await iren.PostAsJsonAsync("/api/v1/pools", new { id, sku, region, capacity = new[] { new { start = s_start, end = s_start + 2000, gpus = 64 } } });
            Assert.True(pool.IsSuccessStatusCode, await pool.Content.ReadAsStringAsync());
        }
        foreach (var (pool, price) in new[] { ("p300", "3.0000"), ("p200", "2.5000") })
        {
            var ask = await iren.PostAsJsonAsync("/api/v1/orders/asks", new { pool, gpus = 32, start = s_start, end = s_start + 2000, price });
            Assert.True(ask.IsSuccessStatusCode, await ask.Content.ReadAsStringAsync());
        }
        Assert.Equal(0, CliRun.WithConfig(Config, "login", "--url", _server.Address.ToString(), "--token", _buyer).ExitCode);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _home.Dispose();
    }

    private JsonElement Json(params string[] args)
    {
        var run = CliRun.WithConfig(Config, [.. args, "--json"]);
        Assert.True(run.ExitCode == 0, run.Error);
        return JsonDocument.Parse(run.Output).RootElement.Clone();
    }

    [Fact]
    public void A_bid_with_alternatives_then_an_extension_on_the_same_pool()
    {
        var bid = Json("order", "bid", "--alt", "GB300=3.80", "--alt", "GB200=3.00", "--gpus", "8", "--start", "2027-01-01", "--end", "2027-01-02", "--tif", "IOC");
        var trade = Assert.Single(bid.GetProperty("trades").EnumerateArray());
        Assert.Equal(("p300", "3.0000"), (trade.GetProperty("pool").GetString(), trade.GetProperty("price").GetString()));

        var extended = Json("order", "extend", $"c-{trade.GetProperty("id").GetInt64()}", "--hours", "168", "--limit", "3.20");
        var order = extended.GetProperty("order");
        Assert.Equal(("p300", 8L, s_start + 24L, s_start + 24L + 168), (order.GetProperty("pool").GetString(), order.GetProperty("gpus").GetInt64(),
            order.GetProperty("start").GetInt64(), order.GetProperty("end").GetInt64()));
        Assert.Equal("p300", Assert.Single(extended.GetProperty("trades").EnumerateArray()).GetProperty("pool").GetString());
    }

    [Fact]
    public void A_portfolio_from_leg_texts_fills_and_lists_with_times()
    {
        var run = CliRun.WithConfig(Config, "order", "portfolio",
            "--leg", "GB300 us-tx 16 2027-01-03 2027-01-04 3.10",
            "--leg", "GB300/GB200 pool:p200 16 2027-01-03T00:00Z 2027-01-04T00:00Z 3.10/2.60");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("filled, every leg traded", run.Output);
        Assert.Contains("2027-01-03 00:00Z", run.Output);
        Assert.Contains("GB300/GB200", run.Output);

        var listed = Json("order", "portfolios");
        var portfolio = Assert.Single(listed.GetProperty("items").EnumerateArray());
        Assert.Equal(["p300", "p200"], portfolio.GetProperty("legs").EnumerateArray().Select(l => l.GetProperty("trade").GetProperty("pool").GetString()));

        // Asking for more than the pools have left: nothing trades and the leg is named.
        var none = CliRun.WithConfig(Config, "order", "portfolio", "--leg", "GB300 * 8 2027-01-03 2027-01-04 3.10", "--leg", "GB200 * 64 2027-01-03 2027-01-04 3.10");
        Assert.Contains("cancelled, leg 1 found no ask; nothing traded", none.Output);
    }

    [Fact]
    public void A_portfolio_file_hour_that_is_not_a_whole_hour_names_the_leg_and_field()
    {
        var file = _home.File("bad-legs.json");
        File.WriteAllText(file, $$"""[{"sku":"GB300","limit":"3.10","gpus":4,"start":{{s_start}},"end":{{s_start + 10}}},{"sku":"GB200","limit":"2.60","gpus":4,"start":"2027-01-05T00:30:00Z","end":"2027-01-05T10:00:00Z"}]""");

        var run = CliRun.WithConfig(Config, "order", "portfolio", "--file", file);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: --file: legs[1].start: ", run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    [Fact]
    public void A_portfolio_from_a_file_is_the_apis_body()
    {
        var file = _home.File("legs.json");
        File.WriteAllText(file, $$"""[{"sku":"GB300","limit":"3.10","gpus":4,"start":{{s_start + 100}},"end":{{s_start + 110}}},{"sku":"GB200","limit":"2.60","gpus":4,"start":"2027-01-05T00:00:00Z","end":"2027-01-05T10:00:00Z"}]""");
        var placed = Json("order", "portfolio", "--file", file);
        Assert.Equal("filled", placed.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("error: --leg 1: must be \"SKU REGION GPUS START END LIMIT\"", "order", "portfolio", "--leg", "GB300 us-tx 4 2027-01-01", "--leg", "GB300 us-tx 4 2027-01-01 2027-01-02 3.10")]
    [InlineData("error: --leg 2 end: must be", "order", "portfolio", "--leg", "GB300 * 4 2027-01-01 2027-01-02 3.10", "--leg", "GB300 * 4 2027-01-01 soon 3.10")]
    [InlineData("legs[1].end: must be after start", "order", "portfolio", "--leg", "GB300 * 4 2027-01-01 2027-01-02 3.10", "--leg", "GB300 * 4 2027-01-02 2027-01-01 3.10")]
    [InlineData("legs: must have 2 to 16 legs", "order", "portfolio", "--leg", "GB300 * 4 2027-01-01 2027-01-02 3.10")]
    [InlineData("alternatives[1].sku: H100 trades in market group hopper", "order", "bid", "--alt", "GB300=3.1", "--alt", "H100=2", "--gpus", "1", "--start", "2027-01-01", "--end", "2027-01-02")]
    [InlineData("error: --alt: must be SKU=LIMIT", "order", "bid", "--alt", "GB300", "--gpus", "1", "--start", "2027-01-01", "--end", "2027-01-02")]
    [InlineData("error: --alt: give either --sku and --limit or --alt, not both", "order", "bid", "--sku", "GB300", "--alt", "GB300=3", "--gpus", "1", "--start", "2027-01-01", "--end", "2027-01-02")]
    [InlineData("pool: pool p200 holds GB200", "order", "bid", "--sku", "GB300", "--limit", "3", "--pool", "p200", "--gpus", "1", "--start", "2027-01-01", "--end", "2027-01-02")]
    [InlineData("error: --hours: must be between 1", "order", "extend", "c-1", "--hours", "0", "--limit", "3")]
    public void Bad_input_is_one_line_and_exit_2(string message, params string[] args)
    {
        var run = CliRun.WithConfig(Config, args);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.Empty(Json("order", "portfolios").GetProperty("items").EnumerateArray());
    }
}
