using System.Net;
using CsCheck;
using System.Text.Json;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>
/// Capacity search over real HTTP, on a known book: iren's p1 (site iren-childress, us-tx) offers 100 GPUs at 2.5000
/// and 50 at 2.2000; nebius's n1 (no site, us-nj) offers 80 at 2.2000 (placed later) and 40 at 2.0000 for a shorter
/// window. The search window is hours [10, 60) of the test pools' window.
/// </summary>
public sealed class OfferSearchTests : IAsyncLifetime
{
    private const int From = Market.Start + 10, To = Market.Start + 60;

    private TestServer _server = null!;
    private Market _market = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _market = await Market.OpenAsync(_server);
        await Market.AskAsync(_market.Iren, 100, Market.Start, Market.Start + 100, "2.5000");
        await Market.AskAsync(_market.Iren, 50, Market.Start, Market.Start + 100, "2.2000");
        await Market.AskAsync(_market.Nebius, 80, Market.Start, Market.Start + 100, "2.2000", pool: "n1");
        await Market.AskAsync(_market.Nebius, 40, Market.Start, Market.Start + 50, "2.0000", pool: "n1");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Offers_run_cheapest_first_then_earliest_with_where_and_who()
    {
        var offers = await SearchAsync(_market.Meta, $"gpus=30&from={From}&to={To}");

        Assert.Equal(["p1 2.2000 50", "n1 2.2000 80", "p1 2.5000 100"], Lines(offers));
        var first = offers.GetProperty("items")[0];
        Assert.Equal("iren-childress", first.GetProperty("site").GetString());
        Assert.Equal("us-tx", first.GetProperty("region").GetString());
        Assert.Equal("iren", first.GetProperty("provider").GetString());
        Assert.Equal("GB300", first.GetProperty("sku").GetString());
        Assert.Equal(JsonValueKind.Null, offers.GetProperty("items")[1].GetProperty("site").ValueKind);
        // Public market data: nothing names the order behind an offer.
        Assert.False(first.TryGetProperty("id", out _));
        Assert.False(first.TryGetProperty("ask", out _));
    }

    [Fact]
    public async Task A_callers_own_asks_are_not_offered_to_it()
    {
        Assert.Equal(["p1 2.2000 50", "p1 2.5000 100"], Lines(await SearchAsync(_market.Nebius, $"gpus=30&from={From}&to={To}")));
        Assert.Equal(["n1 2.2000 80"], Lines(await SearchAsync(_market.Iren, $"gpus=30&from={From}&to={To}")));
    }

    [Theory]
    [InlineData("maxPrice=2.2000", "p1 2.2000 50|n1 2.2000 80")]
    [InlineData("maxPrice=2.1999", "")]
    [InlineData("region=us-nj", "n1 2.2000 80")]
    [InlineData("provider=iren", "p1 2.2000 50|p1 2.5000 100")]
    [InlineData("site=iren-childress", "p1 2.2000 50|p1 2.5000 100")]
    [InlineData("provider=nebius&site=iren-childress", "")]
    public async Task Filters_narrow_the_offers(string filter, string expected)
    {
        var offers = await SearchAsync(_market.Meta, $"gpus=30&from={From}&to={To}&{filter}");
        Assert.Equal(expected, string.Join('|', Lines(offers)));
    }

    [Fact]
    public async Task Free_gpus_are_what_an_ask_has_left_in_its_tightest_hour_after_a_partial_fill()
    {
        // Takes 30 of p1's 50 at 2.2000 for hours [20, 30): 20 are left there, 50 elsewhere.
        await Market.BidAsync(_market.Microsoft, 30, Market.Start + 20, Market.Start + 30, "2.2000", region: "us-tx");

        Assert.Equal(["n1 2.2000 80", "p1 2.5000 100"], Lines(await SearchAsync(_market.Meta, $"gpus=30&from={From}&to={To}")));
        Assert.Equal(["p1 2.2000 20", "n1 2.2000 80", "p1 2.5000 100"], Lines(await SearchAsync(_market.Meta, $"gpus=20&from={From}&to={To}")));
        Assert.Equal(["n1 2.0000 40", "p1 2.2000 50", "n1 2.2000 80", "p1 2.5000 100"],
            Lines(await SearchAsync(_market.Meta, $"gpus=30&from={Market.Start + 30}&to={Market.Start + 40}")));
    }

    [Fact]
    public async Task Pages_follow_next_and_times_may_be_written_in_rfc_3339()
    {
        var from = DateTimeOffset.FromUnixTimeSeconds(From * 3600L).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var first = await SearchAsync(_market.Meta, $"gpus=30&from={from}&to={To}&limit=2");
        Assert.Equal(["p1 2.2000 50", "n1 2.2000 80"], Lines(first));
        var next = first.GetProperty("next").GetString()!;
        var second = await SearchAsync(_market.Meta, $"gpus=30&from={From}&to={To}&limit=2&after={Uri.EscapeDataString(next)}");
        Assert.Equal(["p1 2.5000 100"], Lines(second));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);
    }

    [Theory]
    [InlineData("gpus=-1&from=490010&to=490060", "gpus")]
    [InlineData("from=490010&to=490060", "gpus")]
    [InlineData("gpus=8&to=490060", "from")]
    [InlineData("gpus=8&from=-5&to=490060", "from")]
    [InlineData("gpus=8&from=2027-01-01T00:30:00Z&to=490060", "from")]
    [InlineData("gpus=8&from=490010&to=490010", "to")]
    [InlineData("gpus=8&from=490010&to=490000", "to")]
    [InlineData("gpus=8&from=490010&to=600000", "to")]
    [InlineData("gpus=8&from=490010&to=490060&maxPrice=abc", "maxPrice")]
    [InlineData("gpus=8&from=490010&to=490060&maxPrice=2.00001", "maxPrice")]
    [InlineData("gpus=8&from=490010&to=490060&maxPrice=-1", "maxPrice")]
    [InlineData("gpus=8&from=490010&to=490060&after=nope", "after")]
    [InlineData("gpus=8&from=490010&to=490060&limit=0", "limit")]
    public async Task Bad_input_gets_400_naming_the_field(string query, string field)
    {
        var problem = await (await _market.Meta.GetAsync($"/api/v1/market/GB300/offers?{query}")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.ErrorFields());
    }

    [Fact]
    public async Task Random_queries_never_get_a_5xx()
    {
        string[] values = ["", "0", "-1", "1", "30", "490010", "490060", "2147483647", "2147483648", "99999999999999999999", "2.2000", "2.00001",
            "abc", "2027-01-01T00:00:00Z", "2027-01-01T00:30:00+00:00", "9999-12-31T23:00:00Z", "0001-01-01T00:00:00Z", "1.1", "%00", "24500.3"];
        string[] names = ["gpus", "from", "to", "maxPrice", "limit", "after", "region", "provider", "site"];
        var gen = Gen.Int[0, values.Length - 1].Array[names.Length];
        await gen.SampleAsync(async picks =>
        {
            var query = string.Join('&', names.Select((name, i) => $"{name}={Uri.EscapeDataString(values[picks[i]])}"));
            using var response = await _market.Meta.GetAsync($"/api/v1/market/GB300/offers?{query}");
            return (int)response.StatusCode < 500;
        }, iter: 300);
    }

    [Fact]
    public async Task An_unknown_sku_is_not_found() =>
        await (await _market.Meta.GetAsync($"/api/v1/market/XYZ/offers?gpus=8&from={From}&to={To}")).ProblemAsync(HttpStatusCode.NotFound);

    private static async Task<JsonElement> SearchAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync($"/api/v1/market/GB300/offers?{query}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Each offer as "pool price freeGpus", in order.</summary>
    private static List<string> Lines(JsonElement page) =>
        page.GetProperty("items").EnumerateArray()
            .Select(o => $"{o.GetProperty("pool").GetString()} {o.GetProperty("price").GetString()} {o.GetProperty("freeGpus").GetInt32()}").ToList();
}
