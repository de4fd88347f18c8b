using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Access;
using Neocloud.Server.Hosting;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>
/// Margin from the marks over real HTTP: the buyer's contract (100 GB300 for three months from M+1 at 2.50) is marked
/// to a curve that falls to about 1.00, so its margin exceeds the buyer's $100,000 limit: one <c>account.margin_call</c>,
/// bids refused naming <c>credit</c>, and accepted again once collateral arrives. The server's clock stands on the
/// 15th of a month M; the event sweep (which re-marks) runs every 100 ms.
/// </summary>
public abstract class MarginCallContract : IAsyncLifetime
{
    private readonly TestClock _clock = new();
    private TestServer _server = null!;
    private HttpClient _seller = null!, _buyer = null!, _meta = null!, _admin = null!;
    private CalendarMonth _m;

    protected abstract ServerOptions Configure(ServerOptions options);

    public async Task InitializeAsync()
    {
        var now = _clock.GetUtcNow();
        _m = CalendarMonth.Of(now).AddMonths(1);
        _clock.Advance(_m.FirstHour.StartUtc.AddDays(14).AddHours(10) - now);
        _server = await TestServer.StartAsync(options => Configure(options with { Clock = _clock, EventSweepInterval = TimeSpan.FromMilliseconds(100) }));
        _admin = _server.Admin();
        _seller = _server.Client(await _server.NewOrganizationAsync("nscale", Scopes.MarketRead, Scopes.MarketTrade, Scopes.PoolsWrite));
        _buyer = _server.Client(await _server.NewOrganizationAsync("openai", Scopes.MarketRead, Scopes.MarketTrade));
        _meta = _server.Client(await _server.NewOrganizationAsync("meta", Scopes.MarketRead, Scopes.MarketTrade));
        await Market.Created(await _seller.PostAsJsonAsync("/api/v1/pools", new
        {
            id = "c1", sku = "GB300", region = "us-tx", capacity = new[] { new { start = Hour(0), end = Hour(24), gpus = 1000 } },
        }));
        var rfq = (await Market.Created(await _buyer.PostAsJsonAsync("/api/v1/rfqs", new
        {
            skus = new[] { "GB300" }, gpus = 100, regions = new[] { "us-tx" }, earliestStart = _m.AddMonths(1).ToString(), latestStart = _m.AddMonths(3).ToString(),
            termMonths = 3, maxPricePerGpuHour = "4.00", closesAt = _clock.GetUtcNow().AddMinutes(5).ToString("O"),
        }))).GetProperty("id").GetString()!;
        var offer = (await Market.Created(await _seller.PostAsJsonAsync($"/api/v1/rfqs/{rfq}/offers", new
        {
            sku = "GB300", pricePerGpuHour = "2.50", availabilityPercent = 99.9m,
            tranches = new[] { new { pool = "c1", gpus = 100, start = _m.AddMonths(1).ToString(), termMonths = 3 } },
        }))).GetProperty("id").GetString()!;
        _clock.Advance(TimeSpan.FromMinutes(6));
        await Market.Created(await _buyer.PostAsJsonAsync($"/api/v1/rfqs/{rfq}/award", new { awards = new[] { new { offer } } }));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private int Hour(int months) => _m.AddMonths(months).FirstHour.Value;

    private async Task<JsonElement> AccountAsync() => await (await _buyer.GetAsync("/api/v1/account")).JsonAsync();

    private async Task<List<JsonElement>> CallsAsync() =>
        [.. (await (await _buyer.GetAsync("/api/v1/events?types=account.margin_call&limit=100")).JsonAsync()).GetProperty("events").EnumerateArray()];

    private static long Cents(JsonElement money) => (long)(decimal.Parse(money.GetString()!, CultureInfo.InvariantCulture) * 100m);

    [Fact]
    public async Task A_fall_in_the_marks_calls_margin_once_and_new_bids_wait_for_collateral()
    {
        var limited = await (await _admin.PutAsync("/api/v1/admin/organizations/openai/credit", JsonContent.Create(new { limitUsd = "100000.00" }))).JsonAsync();
        Assert.Equal("0.00", limited.GetProperty("marginUsd").GetString());
        Assert.True(Cents(limited.GetProperty("availableUsd")) > 0, limited.ToString());

        // The curve falls to 1.00 over the contract's months: a trade at 1.00 in M+1, and a 0.90–1.10 market beyond.
        await Market.AskAsync(_seller, 10, Hour(1), Hour(2), "1.0000", pool: "c1");
        await Market.BidAsync(_meta, 10, Hour(1), Hour(2), "1.0000");
        await Market.AskAsync(_seller, 10, Hour(2), Hour(4), "1.1000", pool: "c1");
        await Market.BidAsync(_meta, 5, Hour(2), Hour(4), "0.9000");
        // A re-mark that only trades cause waits a minute after the last marking (the award's, which may have come first).
        _clock.Advance(Exchange.Accounts.MarginSweep.TradeRemark);

        var call = Assert.Single(await Eventually.UntilAsync(CallsAsync, calls => calls.Count > 0, "a margin call"));
        var data = call.GetProperty("data");
        Assert.Equal("openai", data.GetProperty("organization").GetString());
        Assert.True(Cents(data.GetProperty("availableUsd")) < 0, data.ToString());
        var account = await AccountAsync();
        Assert.True(Cents(account.GetProperty("marginUsd")) > 10_000_000, account.ToString());
        // The call carries the account as it fell (a later marking may have moved the margin since): its own figures add up.
        Assert.Equal(Cents(data.GetProperty("availableUsd")), Cents(data.GetProperty("limitUsd")) + Cents(data.GetProperty("collateralUsd"))
            + Cents(data.GetProperty("balanceUsd")) - Cents(data.GetProperty("committedUsd")) - Cents(data.GetProperty("marginUsd")));
        Assert.True(Cents(data.GetProperty("marginUsd")) > 0, data.ToString());

        // Nothing new that adds exposure while available is below zero, however small.
        var refused = await _buyer.PostAsJsonAsync("/api/v1/orders/bids", new { sku = "GB300", gpus = 1, start = Hour(1), end = Hour(1) + 1, limit = "0.0100" });
        Assert.Equal(["credit"], (await refused.ProblemAsync(HttpStatusCode.UnprocessableEntity)).ErrorFields());

        // The curve falls further (a trade 10% lower re-marks once a minute has passed): the margin grows, but it is the
        // same fall, so no second call.
        var before = Cents(account.GetProperty("marginUsd"));
        _clock.Advance(Exchange.Accounts.MarginSweep.TradeRemark);
        await Market.AskAsync(_seller, 10, Hour(1), Hour(2), "0.9000", pool: "c1");
        await Market.BidAsync(_meta, 10, Hour(1), Hour(2), "0.9000");
        await Eventually.UntilAsync(AccountAsync, a => Cents(a.GetProperty("marginUsd")) > before, "the margin re-marked after the trade");
        Assert.Single(await CallsAsync());

        // Collateral brings it back above zero: bids are accepted again.
        var needed = -Cents((await AccountAsync()).GetProperty("availableUsd")) + 100_000;
        await Market.Created(await _admin.PostAsJsonAsync("/api/v1/admin/organizations/openai/ledger",
            new { kind = "collateral", amountUsd = (needed / 100m).ToString("0.00", CultureInfo.InvariantCulture), reference = "margin call" }));
        var recovered = await AccountAsync();
        Assert.Equal(1000m, decimal.Parse(recovered.GetProperty("availableUsd").GetString()!, CultureInfo.InvariantCulture));
        await Market.BidAsync(_buyer, 1, Hour(1), Hour(1) + 10, "1.0000");
    }
}

public sealed class SqliteMarginCallTests : MarginCallContract
{
    protected override ServerOptions Configure(ServerOptions options) => options;
}

public sealed class PostgresMarginCallTests : MarginCallContract
{
    protected override ServerOptions Configure(ServerOptions options) =>
        options with { PostgresConnectionString = PostgresServer.CreateDatabase("margin") };
}
