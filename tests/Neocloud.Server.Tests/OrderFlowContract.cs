using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Neocloud.Server.Hosting;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>The order flow over real HTTP, run against a real SQLite file and a real PostgreSQL server.</summary>
public abstract class OrderFlowContract : IAsyncLifetime
{
    private TestServer _server = null!;
    private Market _market = null!;

    /// <summary>Chooses the store.</summary>
    protected abstract ServerOptions Configure(ServerOptions options);

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(Configure);
        _market = await Market.OpenAsync(_server);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_bid_trades_at_the_ask_price_and_both_sides_see_the_contract()
    {
        var ask = await Market.AskAsync(_market.Iren, 72, Market.Start, Market.Start + 1000, "2.4500");
        var bid = await Market.BidAsync(_market.Microsoft, 64, Market.Start + 100, Market.Start + 268, "3.1000");

        Assert.Equal("open", ask.GetProperty("order").GetProperty("status").GetString());
        Assert.Equal("filled", bid.GetProperty("order").GetProperty("status").GetString());
        var trade = Assert.Single(bid.GetProperty("trades").EnumerateArray());
        Assert.Equal("2.4500", trade.GetProperty("price").GetString());
        Assert.Equal(64m * 168m * 2.45m, trade.GetProperty("notionalUsd").GetDecimal());

        var buyerContracts = await (await _market.Microsoft.GetAsync("/api/v1/contracts")).JsonAsync();
        var sellerContracts = await (await _market.Iren.GetAsync("/api/v1/contracts")).JsonAsync();
        var contract = Assert.Single(buyerContracts.GetProperty("items").EnumerateArray());
        Assert.Equal("microsoft", contract.GetProperty("buyer").GetString());
        Assert.Equal("iren", contract.GetProperty("seller").GetString());
        Assert.Equal(contract.GetProperty("id").GetString(), Assert.Single(sellerContracts.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());
        var metaContracts = await (await _market.Meta.GetAsync("/api/v1/contracts")).JsonAsync();
        Assert.Empty(metaContracts.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task An_unfilled_bid_rests_and_cancel_removes_it_once()
    {
        var bid = await Market.BidAsync(_market.Microsoft, 8, Market.Start, Market.Start + 10, "1.0000");
        var id = bid.GetProperty("order").GetProperty("id").GetString();
        Assert.Equal("open", bid.GetProperty("order").GetProperty("status").GetString());

        var cancelled = await _market.Microsoft.DeleteAsync($"/api/v1/orders/{id}");
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("cancelled", (await (await _market.Microsoft.GetAsync($"/api/v1/orders/{id}")).JsonAsync()).GetProperty("status").GetString());
        await (await _market.Microsoft.DeleteAsync($"/api/v1/orders/{id}")).ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Order_ids_are_unguessable_and_sort_in_the_order_orders_were_placed()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await Market.BidAsync(_market.Microsoft, 8, Market.Start, Market.Start + 10, "1.0000")).GetProperty("order").GetProperty("id").GetString()!);
            await Task.Delay(3);
        }

        Assert.All(ids, id => Assert.Matches("^ord_[0-9a-f]{28}$", id));
        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
        Assert.Equal(5, ids.Select(id => id[^16..]).Distinct().Count());
    }

    [Fact]
    public async Task An_ioc_bid_that_cannot_fill_is_cancelled_at_once()
    {
        var bid = await Market.BidAsync(_market.Microsoft, 8, Market.Start, Market.Start + 10, "1.0000", tif: "IOC");
        Assert.Equal("cancelled", bid.GetProperty("order").GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_organization_cannot_see_or_cancel_another_organizations_order()
    {
        var bid = await Market.BidAsync(_market.Microsoft, 8, Market.Start, Market.Start + 10, "1.0000");
        var id = bid.GetProperty("order").GetProperty("id").GetString();

        await (await _market.Meta.GetAsync($"/api/v1/orders/{id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await _market.Meta.DeleteAsync($"/api/v1/orders/{id}")).ProblemAsync(HttpStatusCode.NotFound);
        var metaOrders = await (await _market.Meta.GetAsync("/api/v1/orders")).JsonAsync();
        Assert.Empty(metaOrders.GetProperty("items").EnumerateArray());
        Assert.Equal("open", (await (await _market.Microsoft.GetAsync($"/api/v1/orders/{id}")).JsonAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_provider_can_sell_only_from_its_own_pools()
    {
        var response = await _market.Nebius.PostAsJsonAsync("/api/v1/orders/asks", new { pool = "p1", gpus = 8, start = Market.Start, end = Market.Start + 10, price = "2.0000" });
        var problem = await response.ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("p1", problem.GetProperty("detail").GetString());

        var capacity = await _market.Nebius.PostAsJsonAsync("/api/v1/pools/p1/capacity", new { start = Market.End, end = Market.End + 10, gpus = 8 });
        await capacity.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_ask_beyond_the_pools_capacity_is_rejected_with_the_reason_and_nothing_written()
    {
        await Market.AskAsync(_market.Iren, 500, Market.Start, Market.End, "2.4500");
        var response = await _market.Iren.PostAsJsonAsync("/api/v1/orders/asks", new { pool = "p1", gpus = 100, start = Market.Start, end = Market.Start + 5, price = "2.4500" });

        var problem = await response.ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("capacity", problem.GetProperty("detail").GetString());
        var orders = await (await _market.Iren.GetAsync("/api/v1/orders")).JsonAsync();
        Assert.Single(orders.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_retried_bid_with_the_same_idempotency_key_is_applied_once()
    {
        const string body = """{"sku":"GB300","gpus":8,"start":490000,"end":490010,"limit":"1.0000"}""";
        var first = await _market.Microsoft.PostJsonAsync("/api/v1/orders/bids", body, "bid-retry-1");
        var second = await _market.Microsoft.PostJsonAsync("/api/v1/orders/bids", body, "bid-retry-1");

        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        var orders = await (await _market.Microsoft.GetAsync("/api/v1/orders")).JsonAsync();
        Assert.Single(orders.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Concurrent_retries_of_one_key_are_applied_once()
    {
        const string body = """{"sku":"GB300","gpus":8,"start":490000,"end":490010,"limit":"1.0000"}""";
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _market.Microsoft.PostJsonAsync("/api/v1/orders/bids", body, "same-key")));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Single(bodies.Distinct());
        var orders = await (await _market.Microsoft.GetAsync("/api/v1/orders")).JsonAsync();
        Assert.Single(orders.GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("""{"sku":"GB300","gpus":-5,"start":490000,"end":490010,"limit":"1.0"}""", "gpus")]
    [InlineData("""{"sku":"GB300","gpus":"many","start":490000,"end":490010,"limit":"1.0"}""", "gpus")]
    [InlineData("""{"sku":"GB300","gpus":8,"start":490010,"end":490000,"limit":"1.0"}""", "end")]
    [InlineData("""{"sku":"GB300","gpus":8,"start":490000,"end":590000,"limit":"1.0"}""", "end")]
    [InlineData("""{"sku":"GB300","gpus":8,"start":490000,"end":490010,"limit":"1.00001"}""", "limit")]
    [InlineData("""{"sku":"GB300","gpus":8,"start":490000,"end":490010,"limit":"-2"}""", "limit")]
    [InlineData("""{"sku":"ZZ9","gpus":8,"start":490000,"end":490010,"limit":"1.0"}""", "sku")]
    [InlineData("""{"sku":"GB300","gpus":8,"start":490000,"end":490010,"limit":"1.0","tif":"FOK"}""", "tif")]
    [InlineData("""{"sku":"GB300","gpus":8.5,"start":490000,"end":490010,"limit":"1.0"}""", "gpus")]
    [InlineData("""{"sku":"GB300","gpus":8,"start":490000,"end":490010,"limit":"1.0","colour":"red"}""", "colour")]
    [InlineData("""{"gpus":8,"start":490000,"end":490010,"limit":"1.0"}""", "sku")]
    public async Task Bad_bids_get_400_naming_the_field_and_nothing_is_written(string body, string field)
    {
        var problem = await (await _market.Microsoft.PostJsonAsync("/api/v1/orders/bids", body)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.ErrorFields());
        var orders = await (await _market.Microsoft.GetAsync("/api/v1/orders")).JsonAsync();
        Assert.Empty(orders.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Asks_of_an_unknown_pool_are_rejected_by_the_market()
    {
        var response = await _market.Iren.PostAsJsonAsync("/api/v1/orders/asks", new { pool = "nope", gpus = 8, start = Market.Start, end = Market.Start + 10, price = "2.0000" });
        await response.ProblemAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Market_data_is_aggregated_and_anonymous()
    {
        await Market.AskAsync(_market.Iren, 72, Market.Start, Market.Start + 1000, "2.4500");
        await Market.AskAsync(_market.Iren, 72, Market.Start, Market.Start + 1000, "2.4500");
        await Market.AskAsync(_market.Nebius, 144, Market.Start, Market.Start + 2000, "2.6000", pool: "n1");
        await Market.BidAsync(_market.Microsoft, 64, Market.Start + 10, Market.Start + 20, "3.0000");

        var book = await (await _market.Meta.GetAsync("/api/v1/market/GB300/book")).JsonAsync();
        var levels = book.GetProperty("asks").EnumerateArray().ToList();
        Assert.Equal(["2.4500", "2.6000"], levels.Select(l => l.GetProperty("price").GetString()));
        Assert.Equal(2, levels[0].GetProperty("orders").GetInt32());
        await Market.BidAsync(_market.Microsoft, 8, Market.Start, Market.Start + 10, "1.0000");
        var withBid = await (await _market.Meta.GetAsync("/api/v1/market/GB300/book")).JsonAsync();
        var bidLevel = Assert.Single(withBid.GetProperty("bids").EnumerateArray());
        Assert.Equal("1.0000", bidLevel.GetProperty("price").GetString());
        Assert.Equal(80, bidLevel.GetProperty("gpuHours").GetInt64());
        Assert.DoesNotContain("iren", book.GetRawText());

        var quote = await (await _market.Meta.GetAsync($"/api/v1/market/GB300/quote?gpus=100&start={Market.Start}&end={Market.Start + 10}")).JsonAsync();
        Assert.Equal("2.6000", quote.GetProperty("price").GetString());
        var none = await (await _market.Meta.GetAsync($"/api/v1/market/GB300/quote?gpus=500&start={Market.Start}&end={Market.Start + 10}")).JsonAsync();
        Assert.Equal(JsonValueKind.Null, none.GetProperty("price").ValueKind);

        var trades = await (await _market.Meta.GetAsync("/api/v1/market/GB300/trades")).JsonAsync();
        var trade = Assert.Single(trades.GetProperty("items").EnumerateArray());
        Assert.False(trade.TryGetProperty("buyer", out _));
        Assert.DoesNotContain("microsoft", trades.GetRawText());

        var index = await (await _market.Meta.GetAsync("/api/v1/market/GB300/index")).JsonAsync();
        var day = Assert.Single(index.GetProperty("days").EnumerateArray());
        Assert.Equal("2.4500", day.GetProperty("vwap").GetString());
        Assert.Equal(640, day.GetProperty("gpuHours").GetInt64());
    }

    [Fact]
    public async Task A_pool_shows_capacity_sold_offered_and_free_over_time()
    {
        await Market.AskAsync(_market.Iren, 100, Market.Start, Market.Start + 50, "2.4500");
        await Market.BidAsync(_market.Microsoft, 40, Market.Start + 10, Market.Start + 20, "3.0000");
        await Market.Created(await _market.Iren.PostAsJsonAsync("/api/v1/pools/p1/capacity", new { start = Market.End, end = Market.End + 100, gpus = 72 }));

        var pool = await (await _market.Meta.GetAsync($"/api/v1/pools/p1?from={Market.Start}&to={Market.End + 100}")).JsonAsync();
        var usage = pool.GetProperty("usage").EnumerateArray().ToList();
        var during = usage.Single(u => u.GetProperty("start").GetInt64() <= Market.Start + 10 && Market.Start + 10 < u.GetProperty("end").GetInt64());
        Assert.Equal(576, during.GetProperty("capacity").GetInt32());
        Assert.Equal(40, during.GetProperty("sold").GetInt32());
        Assert.Equal(60, during.GetProperty("offered").GetInt32());
        Assert.Equal(476, during.GetProperty("free").GetInt32());
        Assert.Contains(usage, u => u.GetProperty("start").GetInt64() >= Market.End && u.GetProperty("capacity").GetInt32() == 72);
        Assert.Equal(2, pool.GetProperty("capacity").GetArrayLength());
    }

    [Fact]
    public async Task A_restarted_server_has_every_order_trade_and_the_same_book()
    {
        await Market.AskAsync(_market.Iren, 100, Market.Start, Market.Start + 50, "2.4500");
        var bid = await Market.BidAsync(_market.Microsoft, 40, Market.Start + 10, Market.Start + 20, "3.0000");
        var resting = await Market.BidAsync(_market.Meta, 8, Market.Start, Market.Start + 5, "1.0000");
        var bookBefore = await (await _market.Meta.GetAsync("/api/v1/market/GB300/book")).Content.ReadAsStringAsync();

        _server = await _server.RestartAsync();
        using var microsoft = _server.Client(_market.Microsoft.DefaultRequestHeaders.Authorization!.Parameter);
        using var meta = _server.Client(_market.Meta.DefaultRequestHeaders.Authorization!.Parameter);

        Assert.Equal(bookBefore, await (await meta.GetAsync("/api/v1/market/GB300/book")).Content.ReadAsStringAsync());
        var order = await (await microsoft.GetAsync($"/api/v1/orders/{bid.GetProperty("order").GetProperty("id").GetString()}")).JsonAsync();
        Assert.Equal("filled", order.GetProperty("status").GetString());
        Assert.Single((await (await microsoft.GetAsync("/api/v1/trades")).JsonAsync()).GetProperty("items").EnumerateArray());
        // The resting bid still rests in the recovered engine: it can be cancelled.
        Assert.Equal(HttpStatusCode.OK, (await meta.DeleteAsync($"/api/v1/orders/{resting.GetProperty("order").GetProperty("id").GetString()}")).StatusCode);
    }
}

public sealed class SqliteOrderFlowTests : OrderFlowContract
{
    protected override ServerOptions Configure(ServerOptions options) => options;
}

public sealed class PostgresOrderFlowTests : OrderFlowContract
{
    protected override ServerOptions Configure(ServerOptions options) =>
        options with { PostgresConnectionString = PostgresServer.CreateDatabase("flow") };
}

/// <summary>The order flow on the compact matching engine (<c>serve --engine compact</c>).</summary>
public sealed class CompactEngineOrderFlowTests : OrderFlowContract
{
    protected override ServerOptions Configure(ServerOptions options) => options with { Engine = "compact" };
}
