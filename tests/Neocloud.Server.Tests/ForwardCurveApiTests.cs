using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Neocloud.Domain.Time;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>
/// <c>GET /market/{sku}/curve</c> over real HTTP, with the server's clock set to the 15th of a month M: iren's pool c1
/// offers 100 GB300 over months M to M+5 at 3.0000; microsoft bids 2.0000 over M+1..M+2, meta 2.4000 for GB300 (or
/// 2.6000 for GB200) over M+1, and microsoft buys 10 GPUs for all of M+4 at 3.0000.
/// </summary>
public sealed class ForwardCurveApiTests : IAsyncLifetime
{
    private readonly TestClock _clock = new();
    private TestServer _server = null!;
    private Market _market = null!;
    private CalendarMonth _m;

    public async Task InitializeAsync()
    {
        // Mid-month, so that nothing here straddles a month's end.
        var now = _clock.GetUtcNow();
        _m = CalendarMonth.Of(now).AddMonths(1);
        _clock.Advance(_m.FirstHour.StartUtc.AddDays(14).AddHours(10) - now);
        _server = await TestServer.StartAsync(options => options with { Clock = _clock });
        _market = await Market.OpenAsync(_server);
        await Market.Created(await _market.Iren.PostAsJsonAsync("/api/v1/pools", new
        {
            id = "c1", sku = "GB300", region = "us-tx", capacity = new[] { new { start = Hour(0), end = Hour(12), gpus = 576 } },
        }));
        await Market.AskAsync(_market.Iren, 100, Hour(0), Hour(6), "3.0000", pool: "c1");
        await Market.BidAsync(_market.Microsoft, 8, Hour(1), Hour(3), "2.0000");
        await Market.Created(await _market.Meta.PostAsJsonAsync("/api/v1/orders/bids", new
        {
            alternatives = new[] { new { sku = "GB200", limit = "2.6000" }, new { sku = "GB300", limit = "2.4000" } },
            gpus = 8, start = Hour(1), end = Hour(2), tif = "GTC",
        }));
        var trade = await Market.BidAsync(_market.Microsoft, 10, Hour(4), Hour(5), "3.5000");
        Assert.Equal("filled", trade.GetProperty("order").GetProperty("status").GetString());
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private int Hour(int months) => _m.AddMonths(months).FirstHour.Value;

    private async Task<JsonElement> CurveAsync(string sku = "GB300")
    {
        var response = await _market.Meta.GetAsync($"/api/v1/market/{sku}/curve");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static List<string> Lines(JsonElement curve) =>
        curve.GetProperty("months").EnumerateArray()
            .Select(m => $"{m.GetProperty("month").GetString()} {m.GetProperty("price").GetString() ?? "null"} {m.GetProperty("source").GetString()}")
            .ToList();

    [Fact]
    public async Task Curve_takes_trades_then_the_books_mid_then_interpolates_and_holds_flat()
    {
        var curve = await CurveAsync();

        Assert.Equal("GB300", curve.GetProperty("sku").GetString());
        Assert.Equal(_clock.GetUtcNow().Date, curve.GetProperty("asOf").GetDateTimeOffset().UtcDateTime.Date);
        var lines = Lines(curve);
        Assert.Equal(36, lines.Count);
        Assert.Equal(
        [
            $"{_m} 2.7000 flat",                    // the ask covers M, no bid does
            $"{_m.AddMonths(1)} 2.7000 book",       // (meta's 2.4000 for GB300 + 3.0000) / 2
            $"{_m.AddMonths(2)} 2.5000 book",       // (2.0000 + 3.0000) / 2
            $"{_m.AddMonths(3)} 2.7500 interpolated",
            $"{_m.AddMonths(4)} 3.0000 trades",
            $"{_m.AddMonths(5)} 3.0000 flat",
        ], lines.Take(6));
        Assert.Equal($"{_m.AddMonths(35)} 3.0000 flat", lines[35]);
    }

    [Fact]
    public async Task Trades_older_than_30_days_leave_the_curve_to_the_book()
    {
        _clock.Advance(TimeSpan.FromDays(31));

        var lines = Lines(await CurveAsync());

        Assert.Equal([$"{_m.AddMonths(1)} 2.7000 book", $"{_m.AddMonths(2)} 2.5000 book", $"{_m.AddMonths(3)} 2.5000 flat"], lines.Take(3));
    }

    [Fact]
    public async Task A_sku_without_trades_or_a_two_sided_book_has_null_prices()
    {
        var curve = await CurveAsync("H100");

        Assert.All(curve.GetProperty("months").EnumerateArray(), m =>
        {
            Assert.Equal(JsonValueKind.Null, m.GetProperty("price").ValueKind);
            Assert.Equal("none", m.GetProperty("source").GetString());
        });
    }

    [Fact]
    public async Task An_unknown_sku_is_404()
    {
        var response = await _market.Meta.GetAsync("/api/v1/market/NOPE/curve");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
