using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Neocloud.Domain.Time;
using Neocloud.Server.Hosting;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>
/// Price alerts over real HTTP on a real store: each kind fires <c>alert.triggered</c> once when its condition becomes
/// true and again only after it was false; an alert already true fires as it is set; the region narrows the book and
/// the trades watched; curve alerts fire from the sweep's curve; an organization hears only of its own alerts, and sees
/// and removes only its own.
/// </summary>
public abstract class AlertsContract : IAsyncLifetime
{
    private readonly TestClock _clock = new();
    private TestServer _server = null!;
    private Market _market = null!;

    /// <summary>Chooses the store.</summary>
    protected abstract ServerOptions Configure(ServerOptions options);

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(options => Configure(options) with
        {
            Clock = _clock, EventSweepInterval = TimeSpan.FromMilliseconds(200), CurveAlertInterval = TimeSpan.FromMilliseconds(200),
        });
        _market = await Market.OpenAsync(_server);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_best_ask_alert_fires_once_per_crossing_re_arms_and_only_for_its_own_organization_and_region()
    {
        var below = await SetAsync(_market.Microsoft, new { sku = "GB300", kind = "best_ask_below", price = "3.0000" });
        Assert.Equal("armed", below.GetProperty("state").GetString());
        var inNewJersey = await SetAsync(_market.Microsoft, new { sku = "GB300", kind = "best_ask_below", price = "3.0000", region = "us-nj" });
        var metas = await SetAsync(_market.Meta, new { sku = "GB300", kind = "best_ask_below", price = "2.0000" });

        await Market.AskAsync(_market.Iren, 8, Market.Start, Market.Start + 100, "3.5000");
        Assert.Empty(await TriggeredAsync(_market.Microsoft));
        var low = await Market.AskAsync(_market.Iren, 8, Market.Start, Market.Start + 100, "2.9000");
        var first = Assert.Single(await TriggeredAsync(_market.Microsoft));
        Assert.Equal(Id(below), first.GetProperty("alert").GetString());
        Assert.Equal("2.9000", first.GetProperty("value").GetString());
        Assert.Equal("triggered", first.GetProperty("state").GetString());

        // Still true: no second event. Then false (the low asks cancelled): re-armed. Then true again: a second event.
        var lower = await Market.AskAsync(_market.Iren, 8, Market.Start, Market.Start + 100, "2.8000");
        Assert.Single(await TriggeredAsync(_market.Microsoft));
        foreach (var ask in new[] { low, lower }) await CancelAsync(_market.Iren, ask);
        Assert.Equal("armed", (await GetAsync(_market.Microsoft, Id(below))).GetProperty("state").GetString());
        await Market.AskAsync(_market.Iren, 8, Market.Start, Market.Start + 100, "2.7000");
        var both = await TriggeredAsync(_market.Microsoft);
        Assert.Equal([Id(below), Id(below)], both.Select(e => e.GetProperty("alert").GetString()));
        Assert.Equal(2, (await GetAsync(_market.Microsoft, Id(below))).GetProperty("triggers").GetInt64());

        // The region's alert watched only New Jersey's asks; one there fires it.
        Assert.Equal("armed", (await GetAsync(_market.Microsoft, Id(inNewJersey))).GetProperty("state").GetString());
        await Market.AskAsync(_market.Nebius, 8, Market.Start, Market.Start + 100, "2.9500", pool: "n1");
        Assert.Equal(Id(inNewJersey), (await TriggeredAsync(_market.Microsoft))[^1].GetProperty("alert").GetString());

        // Meta's alert (below 2.00) never held, and Meta hears of none of Microsoft's.
        Assert.Empty(await TriggeredAsync(_market.Meta));
        Assert.Equal(0, (await GetAsync(_market.Meta, Id(metas))).GetProperty("triggers").GetInt64());
    }

    [Fact]
    public async Task A_best_bid_alert_fires_when_a_bid_rests_above_its_price_and_an_alert_set_while_true_fires_at_once()
    {
        var above = await SetAsync(_market.Iren, new { sku = "GB300", kind = "best_bid_above", price = "3.0000" });
        await Market.BidAsync(_market.Microsoft, 8, Market.Start, Market.Start + 10, "2.5000");
        Assert.Empty(await TriggeredAsync(_market.Iren));
        var high = await Market.BidAsync(_market.Microsoft, 8, Market.Start, Market.Start + 10, "3.2500");
        Assert.Equal("3.2500", Assert.Single(await TriggeredAsync(_market.Iren)).GetProperty("value").GetString());

        // Set now, while a bid rests at 3.25: it fires as it is set.
        var already = await SetAsync(_market.Nebius, new { sku = "GB300", kind = "best_bid_above", price = "3.1000" });
        Assert.Equal("triggered", already.GetProperty("state").GetString());
        Assert.Equal("3.2500", already.GetProperty("value").GetString());
        Assert.Equal(Id(already), Assert.Single(await TriggeredAsync(_market.Nebius)).GetProperty("alert").GetString());

        // The high bid cancelled: both re-arm; resting again: both fire again.
        await CancelAsync(_market.Microsoft, high);
        Assert.Equal("armed", (await GetAsync(_market.Iren, Id(above))).GetProperty("state").GetString());
        await Market.BidAsync(_market.Microsoft, 8, Market.Start, Market.Start + 10, "3.5000");
        Assert.Equal(2, (await TriggeredAsync(_market.Iren)).Count);
        Assert.Equal(2, (await TriggeredAsync(_market.Nebius)).Count);
        Assert.Empty(await TriggeredAsync(_market.Microsoft));
    }

    [Fact]
    public async Task Trade_alerts_fire_on_each_crossing_print_in_the_order_trades_happen()
    {
        var below = await SetAsync(_market.Microsoft, new { sku = "GB300", kind = "last_trade_below", price = "3.0000" });
        var above = await SetAsync(_market.Meta, new { sku = "GB300", kind = "last_trade_above", price = "3.0000" });
        var elsewhere = await SetAsync(_market.Meta, new { sku = "GB300", kind = "last_trade_below", price = "3.0000", region = "us-nj" });

        // Prints at 3.50 (above fires), 2.50 (below fires, above re-arms), 2.60 (nothing), 3.10 (above fires, below re-arms), 2.90 (below fires).
        foreach (var price in new[] { "3.5000", "2.5000", "2.6000", "3.1000", "2.9000" }) await TradeAsync(price);

        Assert.Equal(["2.5000", "2.9000"], (await TriggeredAsync(_market.Microsoft)).Select(e => e.GetProperty("value").GetString()));
        var metas = await TriggeredAsync(_market.Meta);
        Assert.Equal(["3.5000", "3.1000"], metas.Select(e => e.GetProperty("value").GetString()));
        Assert.All(metas, e => Assert.Equal(Id(above), e.GetProperty("alert").GetString()));
        var stored = await GetAsync(_market.Microsoft, Id(below));
        Assert.Equal(("triggered", 2L, "2.9000"), (stored.GetProperty("state").GetString(), stored.GetProperty("triggers").GetInt64(), stored.GetProperty("value").GetString()));
        // Every print was in Texas: the New Jersey alert never held.
        Assert.Equal(0, (await GetAsync(_market.Meta, Id(elsewhere))).GetProperty("triggers").GetInt64());

        // Set after the last print at 2.90: a last_trade_below 3.00 already holds, and fires as it is set.
        var late = await SetAsync(_market.Nebius, new { sku = "GB300", kind = "last_trade_below", price = "3.0000" });
        Assert.Equal("triggered", late.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Curve_alerts_fire_from_the_curve_the_sweep_observes_and_re_arm_when_it_moves_back()
    {
        var month = CalendarMonth.Of(_clock.GetUtcNow()).AddMonths(2);
        await Market.Created(await _market.Iren.PostAsJsonAsync("/api/v1/pools", new
        {
            id = "curve-pool", sku = "GB300", region = "us-tx",
            capacity = new[] { new { start = month.FirstHour.Value, end = month.AddMonths(1).FirstHour.Value, gpus = 1000 } },
        }));
        var below = await SetAsync(_market.Microsoft, new { sku = "GB300", kind = "curve_below", price = "2.0000", month = month.ToString() });
        Assert.Equal(month.ToString(), below.GetProperty("month").GetString());

        // A small print at 1.50 in the month: the curve's month is 1.50, below 2.00.
        await TradeAsync("1.5000", "curve-pool", 1, month.FirstHour.Value, month.FirstHour.Value + 10);
        var fired = await Eventually.UntilAsync(() => TriggeredAsync(_market.Microsoft), events => events.Count > 0, "the curve alert fired");
        Assert.Equal("1.5000", Assert.Single(fired).GetProperty("value").GetString());

        // A large print at 4.00 lifts the month's VWAP above 2.00: the alert re-arms; a larger one at 0.50 brings it below again.
        await TradeAsync("4.0000", "curve-pool", 100, month.FirstHour.Value + 10, month.FirstHour.Value + 110);
        await Eventually.UntilAsync(() => GetAsync(_market.Microsoft, Id(below)), a => a.GetProperty("state").GetString() == "armed", "the curve alert re-armed");
        await TradeAsync("0.5000", "curve-pool", 200, month.FirstHour.Value + 110, month.FirstHour.Value + 210);
        var again = await Eventually.UntilAsync(() => TriggeredAsync(_market.Microsoft), events => events.Count > 1, "the curve alert fired again");
        Assert.Equal(2, again.Count);
        // Sweeps after that (seen when a new alert above the curve fires) fire nothing more for the first.
        var marker = await SetAsync(_market.Microsoft, new { sku = "GB300", kind = "curve_above", price = "0.0100", month = month.ToString() });
        Assert.Equal("triggered", marker.GetProperty("state").GetString());
        await Eventually.UntilAsync(() => GetAsync(_market.Microsoft, Id(marker)), a => a.GetProperty("triggers").GetInt64() == 1, "the marker alert");
        Assert.Equal(2, (await TriggeredAsync(_market.Microsoft)).Count(e => e.GetProperty("alert").GetString() == Id(below)));
        Assert.Empty(await TriggeredAsync(_market.Meta));
    }

    [Fact]
    public async Task An_alert_keeps_its_state_across_a_restart_and_fires_again_only_after_it_re_armed()
    {
        var sellerToken = await _server.NewOrganizationAsync("rs-seller", Exchange.Access.Scopes.MarketRead, Exchange.Access.Scopes.MarketTrade, Exchange.Access.Scopes.PoolsWrite);
        var buyerToken = await _server.NewOrganizationAsync("rs-buyer", Exchange.Access.Scopes.MarketRead, Exchange.Access.Scopes.MarketTrade);
        async Task PrintAsync(string price)
        {
            await Market.AskAsync(_server.Client(sellerToken), 1, Market.Start, Market.Start + 10, price, "rs-pool");
            await Market.Created(await _server.Client(buyerToken).PostAsJsonAsync("/api/v1/orders/bids",
                new { sku = "H100", gpus = 1, start = Market.Start, end = Market.Start + 10, limit = price, tif = "IOC" }));
        }
        await Market.Created(await _server.Client(sellerToken).PostAsJsonAsync("/api/v1/pools", new
        {
            id = "rs-pool", sku = "H100", region = "us-tx", capacity = new[] { new { start = Market.Start, end = Market.End, gpus = 64 } },
        }));
        var alert = await SetAsync(_server.Client(buyerToken), new { sku = "H100", kind = "last_trade_below", price = "2.0000" });
        await PrintAsync("1.5000");
        Assert.Single(await TriggeredAsync(_server.Client(buyerToken)));

        // The shard's alert book is read back from the store: the alert is still triggered, so a print still below fires nothing.
        _server = await _server.RestartAsync();
        Assert.Equal("triggered", (await GetAsync(_server.Client(buyerToken), Id(alert))).GetProperty("state").GetString());
        await PrintAsync("1.6000");
        Assert.Single(await TriggeredAsync(_server.Client(buyerToken)));
        await PrintAsync("2.5000");
        await PrintAsync("1.7000");
        Assert.Equal(["1.5000", "1.7000"], (await TriggeredAsync(_server.Client(buyerToken))).Select(e => e.GetProperty("value").GetString()));
    }

    [Fact]
    public async Task An_organization_lists_and_removes_only_its_own_alerts_and_a_removed_alert_fires_no_more()
    {
        var mine = await SetAsync(_market.Microsoft, new { sku = "GB300", kind = "best_ask_below", price = "3.0000" });
        var theirs = await SetAsync(_market.Meta, new { sku = "H100", kind = "last_trade_above", price = "1.0000", region = "us-tx" });

        var listed = (await (await _market.Microsoft.GetAsync("/api/v1/alerts")).JsonAsync()).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([Id(mine)], listed.Select(Id));
        await (await _market.Microsoft.GetAsync($"/api/v1/alerts/{Id(theirs)}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await _market.Microsoft.DeleteAsync($"/api/v1/alerts/{Id(theirs)}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await _market.Microsoft.DeleteAsync("/api/v1/alerts/alr_nope")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await _market.Meta.GetAsync($"/api/v1/alerts/{Id(theirs)}")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await _market.Microsoft.DeleteAsync($"/api/v1/alerts/{Id(mine)}")).StatusCode);
        await Market.AskAsync(_market.Iren, 8, Market.Start, Market.Start + 100, "2.0000");
        Assert.Empty(await TriggeredAsync(_market.Microsoft));
        Assert.Empty((await (await _market.Microsoft.GetAsync("/api/v1/alerts")).JsonAsync()).GetProperty("items").EnumerateArray());
        await (await _server.Client().GetAsync("/api/v1/alerts")).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("""{"kind":"best_ask_below","price":"3.00"}""", "sku")]
    [InlineData("""{"sku":"Z9000","kind":"best_ask_below","price":"3.00"}""", "sku")]
    [InlineData("""{"sku":"GB300","kind":"best_ask_above","price":"3.00"}""", "kind")]
    [InlineData("""{"sku":"GB300","kind":"best_ask_below","price":"-1"}""", "price")]
    [InlineData("""{"sku":"GB300","kind":"best_ask_below","price":"3.00001"}""", "price")]
    [InlineData("""{"sku":"GB300","kind":"curve_below","price":"3.00"}""", "month")]
    [InlineData("""{"sku":"GB300","kind":"curve_below","price":"3.00","month":"2027-13"}""", "month")]
    [InlineData("""{"sku":"GB300","kind":"curve_below","price":"3.00","month":"1999-01"}""", "month")]
    [InlineData("""{"sku":"GB300","kind":"curve_below","price":"3.00","month":"2027-01","region":"us-tx"}""", "region")]
    [InlineData("""{"sku":"GB300","kind":"best_bid_above","price":"3.00","month":"2027-01"}""", "month")]
    [InlineData("""{"sku":"GB300","kind":"best_bid_above","price":"3.00","colour":"red"}""", "colour")]
    public async Task Bad_alerts_get_400_naming_the_field_and_nothing_is_set(string json, string field)
    {
        var problem = await (await _market.Microsoft.PostJsonAsync("/api/v1/alerts", json)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.ErrorFields());
        Assert.Empty((await (await _market.Microsoft.GetAsync("/api/v1/alerts")).JsonAsync()).GetProperty("items").EnumerateArray());
    }

    /// <summary>One GPU of <paramref name="pool"/> printed at <paramref name="price"/>: Iren asks, Microsoft takes it with an IOC bid.</summary>
    private async Task TradeAsync(string price, string pool = "p1", int gpus = 1, int start = Market.Start, int end = Market.Start + 10)
    {
        await Market.AskAsync(_market.Iren, gpus, start, end, price, pool);
        var bid = await Market.Created(await _market.Microsoft.PostAsJsonAsync("/api/v1/orders/bids", new { sku = "GB300", gpus, start, end, limit = price, tif = "IOC" }));
        Assert.Equal("filled", bid.GetProperty("order").GetProperty("status").GetString());
    }

    private static async Task<JsonElement> SetAsync(HttpClient client, object alert) =>
        await Market.Created(await client.PostAsJsonAsync("/api/v1/alerts", alert));

    private static async Task<JsonElement> GetAsync(HttpClient client, string id) => await (await client.GetAsync($"/api/v1/alerts/{id}")).JsonAsync();

    private static async Task CancelAsync(HttpClient owner, JsonElement placed) =>
        Assert.Equal(HttpStatusCode.OK, (await owner.DeleteAsync($"/api/v1/orders/{placed.GetProperty("order").GetProperty("id").GetString()}")).StatusCode);

    private static string Id(JsonElement alert) => alert.GetProperty("alert").GetString()!;

    /// <summary>The data of the organization's <c>alert.triggered</c> events, oldest first.</summary>
    private static async Task<List<JsonElement>> TriggeredAsync(HttpClient client) =>
        (await (await client.GetAsync("/api/v1/events?types=alert.triggered&limit=1000")).JsonAsync()).GetProperty("events").EnumerateArray()
            .Select(e => e.GetProperty("data").Clone()).ToList();
}

public sealed class SqliteAlertsTests : AlertsContract
{
    protected override ServerOptions Configure(ServerOptions options) => options;
}

public sealed class PostgresAlertsTests : AlertsContract
{
    protected override ServerOptions Configure(ServerOptions options) =>
        options with { PostgresConnectionString = PostgresServer.CreateDatabase("alerts") };
}
