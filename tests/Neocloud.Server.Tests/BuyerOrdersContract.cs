using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Neocloud.Server.Hosting;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>Market v2 over real HTTP: bids with alternatives, pool-targeted bids and portfolio orders, on SQLite and PostgreSQL.</summary>
public abstract class BuyerOrdersContract : IAsyncLifetime
{
    private const int S = Market.Start;
    private TestServer _server = null!;
    private Market _market = null!;

    protected abstract ServerOptions Configure(ServerOptions options);

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(Configure);
        _market = await Market.OpenAsync(_server);
        // A GB200 pool (same market group as GB300) and an H100 pool (another group).
        await Market.Created(await _market.Nebius.PostAsJsonAsync("/api/v1/pools", new
        {
            id = "n200", sku = "GB200", region = "us-nj", capacity = new[] { new { start = Market.Start, end = Market.End, gpus = Market.Capacity } },
        }));
        await Market.Created(await _market.Nebius.PostAsJsonAsync("/api/v1/pools", new
        {
            id = "nh100", sku = "H100", region = "us-nj", capacity = new[] { new { start = Market.Start, end = Market.End, gpus = Market.Capacity } },
        }));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static async Task<JsonElement> BidAsync(HttpClient buyer, string json) => await Market.Created(await buyer.PostJsonAsync("/api/v1/orders/bids", json));

    [Fact]
    public async Task A_bid_with_alternatives_trades_the_largest_surplus_and_shows_its_alternatives()
    {
        await Market.AskAsync(_market.Iren, 16, S, S + 100, "3.0000");
        await Market.AskAsync(_market.Nebius, 16, S, S + 100, "2.5000", pool: "n200");

        var placed = await BidAsync(_market.Microsoft, $$"""
            {"alternatives":[{"sku":"GB300","limit":"3.8000"},{"sku":"gb200","limit":"3.0000"}],"gpus":8,"start":{{S + 10}},"end":{{S + 20}}}
            """);

        var trade = Assert.Single(placed.GetProperty("trades").EnumerateArray());
        Assert.Equal(("p1", "GB300", "3.0000"), (trade.GetProperty("pool").GetString(), trade.GetProperty("sku").GetString(), trade.GetProperty("price").GetString()));
        var order = placed.GetProperty("order");
        Assert.Equal("filled", order.GetProperty("status").GetString());
        Assert.Equal(["GB300:3.8000", "GB200:3.0000"],
            order.GetProperty("alternatives").EnumerateArray().Select(a => $"{a.GetProperty("sku").GetString()}:{a.GetProperty("limit").GetString()}"));
        var stored = await (await _market.Microsoft.GetAsync($"/api/v1/orders/{order.GetProperty("id").GetString()}")).JsonAsync();
        Assert.Equal(2, stored.GetProperty("alternatives").GetArrayLength());
    }

    [Fact]
    public async Task A_resting_bid_with_alternatives_is_in_both_books_at_its_limit_for_each()
    {
        await BidAsync(_market.Microsoft, $$"""
            {"alternatives":[{"sku":"GB300","limit":"3.8000"},{"sku":"GB200","limit":"2.6000"}],"gpus":8,"start":{{S + 10}},"end":{{S + 20}}}
            """);
        foreach (var (sku, limit) in new[] { ("GB300", "3.8000"), ("GB200", "2.6000") })
        {
            var book = await (await _market.Meta.GetAsync($"/api/v1/market/{sku}/book")).JsonAsync();
            Assert.Equal(limit, Assert.Single(book.GetProperty("bids").EnumerateArray()).GetProperty("price").GetString());
        }
        // An ask on the GB200 pool fills it at its GB200 limit; then it is gone from the GB300 book too.
        var ask = await Market.AskAsync(_market.Nebius, 8, S, S + 100, "2.5000", pool: "n200");
        Assert.Equal("2.6000", Assert.Single(ask.GetProperty("trades").EnumerateArray()).GetProperty("price").GetString());
        var gb300 = await (await _market.Meta.GetAsync("/api/v1/market/GB300/book")).JsonAsync();
        Assert.Empty(gb300.GetProperty("bids").EnumerateArray());
    }

    [Fact]
    public async Task A_pool_targeted_bid_takes_only_that_pools_asks()
    {
        await Market.AskAsync(_market.Iren, 16, S, S + 100, "2.0000");
        await Market.AskAsync(_market.Nebius, 16, S, S + 100, "2.9000", pool: "n1");

        var placed = await BidAsync(_market.Microsoft, $$"""
            {"sku":"GB300","limit":"3.0000","region":"us-tx","pool":"n1","gpus":8,"start":{{S + 10}},"end":{{S + 20}},"tif":"IOC"}
            """);

        Assert.Equal(("n1", "2.9000"), (Assert.Single(placed.GetProperty("trades").EnumerateArray()) is var t ? (t.GetProperty("pool").GetString(), t.GetProperty("price").GetString()) : default));
        Assert.Equal("n1", placed.GetProperty("order").GetProperty("pool").GetString());
    }

    [Fact]
    public async Task A_portfolio_fills_every_leg_or_names_the_leg_that_found_nothing()
    {
        await Market.AskAsync(_market.Iren, 16, S, S + 1000, "3.0000");
        await Market.AskAsync(_market.Nebius, 8, S, S + 1000, "2.5000", pool: "n200");

        var filled = await Market.Created(await _market.Microsoft.PostJsonAsync("/api/v1/orders/portfolios", $$"""
            {"legs":[{"sku":"GB300","limit":"3.1000","region":"us-tx","gpus":10,"start":{{S + 10}},"end":{{S + 20}}},
                     {"alternatives":[{"sku":"GB200","limit":"2.6000"}],"pool":"n200","gpus":8,"start":{{S + 10}},"end":{{S + 20}}}]}
            """));
        Assert.Equal("filled", filled.GetProperty("status").GetString());
        var id = filled.GetProperty("id").GetString()!;
        var legTrades = filled.GetProperty("legs").EnumerateArray().Select(l => l.GetProperty("trade")).ToList();
        Assert.Equal([$"{id}#0", $"{id}#1"], legTrades.Select(t => t.GetProperty("bid").GetString()));
        Assert.Equal(["p1", "n200"], legTrades.Select(t => t.GetProperty("pool").GetString()));

        // Leg 1 wants 8 more GB200 in the same hours: the n200 ask is sold out there, so nothing trades, not even leg 0.
        var cancelled = await Market.Created(await _market.Microsoft.PostJsonAsync("/api/v1/orders/portfolios", $$"""
            {"legs":[{"sku":"GB300","limit":"3.1000","gpus":6,"start":{{S + 10}},"end":{{S + 20}}},
                     {"sku":"GB200","limit":"2.6000","gpus":8,"start":{{S + 10}},"end":{{S + 20}}}]}
            """));
        Assert.Equal(("cancelled", 1), (cancelled.GetProperty("status").GetString(), cancelled.GetProperty("cancelledLeg").GetInt32()));
        Assert.All(cancelled.GetProperty("legs").EnumerateArray(), l => Assert.Equal(JsonValueKind.Null, l.GetProperty("trade").ValueKind));
        // The 6 GB300 GPUs leg 0 would have taken are still for sale.
        var rest = await Market.BidAsync(_market.Meta, 6, S + 10, S + 20, "3.1000", tif: "IOC");
        Assert.Equal("filled", rest.GetProperty("order").GetProperty("status").GetString());

        var read = await (await _market.Microsoft.GetAsync($"/api/v1/orders/portfolios/{id}")).JsonAsync();
        Assert.Equal(filled.GetProperty("legs").ToString(), read.GetProperty("legs").ToString());
        var list = await (await _market.Microsoft.GetAsync("/api/v1/orders/portfolios")).JsonAsync();
        Assert.Equal([id, cancelled.GetProperty("id").GetString()], list.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        await (await _market.Meta.GetAsync($"/api/v1/orders/portfolios/{id}")).ProblemAsync(HttpStatusCode.NotFound);
        // The buyer's trades list the legs' trades.
        var trades = (await (await _market.Microsoft.GetAsync("/api/v1/trades")).JsonAsync()).GetProperty("items").EnumerateArray();
        Assert.Equal([$"{id}#0", $"{id}#1"], trades.Select(t => t.GetProperty("bid").GetString()));
    }

    [Fact]
    public async Task Bad_v2_orders_get_400_naming_the_field_and_write_nothing()
    {
        static string Leg(int start, int end) => $$"""{"sku":"GB300","limit":"3.1000","gpus":1,"start":{{start}},"end":{{end}}}""";
        var cases = new (string Path, string Json, string Field)[]
        {
            ("bids", $$"""{"alternatives":[{"sku":"GB300","limit":"3.0000"},{"sku":"H100","limit":"2.0000"}],"gpus":1,"start":{{S}},"end":{{S + 5}}}""", "alternatives[1].sku"),
            ("bids", $$"""{"alternatives":[{"sku":"GB300","limit":"3.0000"},{"sku":"GB300","limit":"2.0000"}],"gpus":1,"start":{{S}},"end":{{S + 5}}}""", "alternatives[1].sku"),
            ("bids", $$"""{"sku":"GB300","limit":"3.0000","alternatives":[{"sku":"GB200","limit":"2.0000"}],"gpus":1,"start":{{S}},"end":{{S + 5}}}""", "alternatives"),
            ("bids", $$"""{"alternatives":[{"sku":"GB300","limit":"3.0000"},{"sku":"GB200","limit":"2.0000"},{"sku":"GB300","limit":"2.0000"},{"sku":"GB200","limit":"2.0000"},{"sku":"GB300","limit":"1.0000"}],"gpus":1,"start":{{S}},"end":{{S + 5}}}""", "alternatives"),
            ("bids", $$"""{"sku":"GB300","limit":"3.0000","pool":"nh100","gpus":1,"start":{{S}},"end":{{S + 5}}}""", "pool"),
            ("bids", $$"""{"sku":"GB300","limit":"3.0000","pool":"nowhere","gpus":1,"start":{{S}},"end":{{S + 5}}}""", "pool"),
            ("portfolios", $$"""{"legs":[{{string.Join(",", Enumerable.Repeat(Leg(S, S + 5), 17))}}]}""", "legs"),
            ("portfolios", $$"""{"legs":[{{Leg(S, S + 5)}}]}""", "legs"),
            ("portfolios", $$"""{"legs":[{{Leg(S, S + 5)}},{{Leg(S, S + 5)}},{{Leg(S, S + 5)}},{{Leg(S + 5, S)}}]}""", "legs[3].end"),
            ("portfolios", $$"""{"legs":[{{Leg(S, S + 5)}},{"sku":"H100","limit":"2.0000","gpus":1,"start":{{S}},"end":{{S + 5}}}]}""", "legs[1].sku"),
            ("portfolios", $$"""{"legs":[{{Leg(S, S + 5)}},{"sku":"GB300","limit":"2.0000","pool":"nh100","gpus":1,"start":{{S}},"end":{{S + 5}}}]}""", "legs[1].pool"),
            ("portfolios", $$"""{"legs":[{{Leg(S, S + 5)}},{"sku":"GB300","limit":"2.0000","tif":"GTC","gpus":1,"start":{{S}},"end":{{S + 5}}}]}""", "legs[1].tif"),
        };
        foreach (var (path, json, field) in cases)
        {
            var problem = await (await _market.Microsoft.PostJsonAsync($"/api/v1/orders/{path}", json)).ProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.ErrorFields().Contains(field), $"{json}: expected an error on {field}, got {string.Join(", ", problem.ErrorFields())}");
        }
        Assert.Empty((await (await _market.Microsoft.GetAsync("/api/v1/orders")).JsonAsync()).GetProperty("items").EnumerateArray());
        Assert.Empty((await (await _market.Microsoft.GetAsync("/api/v1/orders/portfolios")).JsonAsync()).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Portfolios_and_alternatives_survive_a_restart()
    {
        await Market.AskAsync(_market.Iren, 16, S, S + 1000, "3.0000");
        var resting = await BidAsync(_market.Microsoft, $$"""
            {"alternatives":[{"sku":"GB200","limit":"2.6000"},{"sku":"GB300","limit":"2.9000"}],"gpus":4,"start":{{S + 10}},"end":{{S + 20}}}
            """);
        var filled = await Market.Created(await _market.Microsoft.PostJsonAsync("/api/v1/orders/portfolios", $$"""
            {"legs":[{"sku":"GB300","limit":"3.1000","gpus":2,"start":{{S + 10}},"end":{{S + 20}}},{"sku":"GB300","limit":"3.1000","gpus":2,"start":{{S + 30}},"end":{{S + 40}}}]}
            """));

        _server = await _server.RestartAsync();
        using var microsoft = _server.Client(_market.Microsoft.DefaultRequestHeaders.Authorization!.Parameter);
        using var nebius = _server.Client(_market.Nebius.DefaultRequestHeaders.Authorization!.Parameter);

        // The resting bid with alternatives came back from the journal: a GB200 ask under 2.60 fills it.
        var ask = await Market.AskAsync(nebius, 4, S, S + 100, "2.5000", pool: "n200");
        Assert.Equal(resting.GetProperty("order").GetProperty("id").GetString(), Assert.Single(ask.GetProperty("trades").EnumerateArray()).GetProperty("bid").GetString());
        var read = await (await microsoft.GetAsync($"/api/v1/orders/portfolios/{filled.GetProperty("id").GetString()}")).JsonAsync();
        Assert.Equal(filled.GetProperty("legs").ToString(), read.GetProperty("legs").ToString());
    }
}

public sealed class SqliteBuyerOrdersTests : BuyerOrdersContract
{
    protected override ServerOptions Configure(ServerOptions options) => options;
}

public sealed class PostgresBuyerOrdersTests : BuyerOrdersContract
{
    protected override ServerOptions Configure(ServerOptions options) =>
        options with { PostgresConnectionString = PostgresServer.CreateDatabase("buyer") };
}
