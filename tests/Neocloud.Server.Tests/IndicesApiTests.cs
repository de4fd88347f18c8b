using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Neocloud.Domain.Time;
using Neocloud.Economics.Escalation;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Indices;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary><c>/api/v1/indices</c> over real HTTP: uploads are the admin's, reads everyone's, and exchange:{sku} is the trades' monthly VWAP.</summary>
public sealed class IndicesApiTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private HttpClient _admin = null!;
    private HttpClient _reader = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _admin = _server.Admin();
        _reader = _server.Client(await _server.NewOrganizationAsync("meta", Scopes.MarketRead, Scopes.MarketTrade));
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        _reader.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Only_the_admin_uploads_a_series()
    {
        var response = await _reader.PostJsonAsync("/api/v1/indices/cpi.us", """{"values":[{"month":"2026-01","value":"100"}]}""");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _reader.GetAsync("/api/v1/indices/cpi.us")).StatusCode);
    }

    [Fact]
    public async Task An_uploaded_series_reads_back_exactly_merged_with_earlier_months_and_is_listed()
    {
        await (await _admin.PostJsonAsync("/api/v1/indices/cpi.us", """{"values":[{"month":"2026-02","value":"101.5"},{"month":"2026-01","value":100}]}""")).JsonAsync();
        var after = await (await _admin.PostJsonAsync("/api/v1/indices/cpi.us", """{"values":[{"month":"2026-02","value":"101.25"},{"month":"2026-03","value":"102.123456789"}]}""")).JsonAsync();

        var read = await (await _reader.GetAsync("/api/v1/indices/cpi.us")).JsonAsync();
        var list = await (await _reader.GetAsync("/api/v1/indices")).JsonAsync();

        Assert.Equal(after.GetRawText(), read.GetRawText());
        Assert.Equal("series", read.GetProperty("kind").GetString());
        Assert.Equal([("2026-01", "100"), ("2026-02", "101.25"), ("2026-03", "102.123456789")], Months(read));
        var listed = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal(("cpi.us", "2026-01", "2026-03", 3),
            (listed.GetProperty("name").GetString(), listed.GetProperty("firstMonth").GetString(), listed.GetProperty("lastMonth").GetString(), listed.GetProperty("months").GetInt32()));
    }

    [Theory]
    [InlineData("cpi.us", """{"values":[{"month":"2026-13","value":"1"}]}""", "values[0].month")]
    [InlineData("cpi.us", """{"values":[{"month":"2026-01","value":"0"}]}""", "values[0].value")]
    [InlineData("cpi.us", """{"values":[{"month":"2026-01","value":-3}]}""", "values[0].value")]
    [InlineData("cpi.us", """{"values":[{"month":"2026-01","value":true}]}""", "values[0].value")]
    [InlineData("cpi.us", """{"values":[{"month":"2026-01","value":"1"},{"month":"2026-01","value":"2"}]}""", "values[1].month")]
    [InlineData("cpi.us", """{"values":"2026-01=1"}""", "values")]
    [InlineData("cpi.us", """{"values":[{"month":"2026-01","value":"1"}],"unit":"pct"}""", "unit")]
    [InlineData("CPI", """{"values":[{"month":"2026-01","value":"1"}]}""", "name")]
    [InlineData("exchange:GB300", """{"values":[{"month":"2026-01","value":"1"}]}""", "name")]
    public async Task A_bad_upload_is_a_400_naming_the_field(string name, string body, string field)
    {
        var problem = await (await _admin.PostJsonAsync($"/api/v1/indices/{Uri.EscapeDataString(name)}", body)).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal([field], problem.ErrorFields());
    }

    [Fact]
    public async Task More_than_1200_values_are_refused()
    {
        var values = Enumerable.Range(0, 1201).Select(i => new { month = CalendarMonth.FromIndex(600 + i).ToString(), value = "1" });
        var body = JsonSerializer.Serialize(new { values });

        var problem = await (await _admin.PostJsonAsync("/api/v1/indices/long", body)).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(["values"], problem.ErrorFields());
    }

    [Fact]
    public async Task The_exchange_index_is_the_monthly_vwap_of_the_skus_trades_over_all_regions()
    {
        var market = await Market.OpenAsync(_server);
        var before = CalendarMonth.Of(DateTimeOffset.UtcNow);
        // 10 GPUs × 10 h at 2.0000 in us-tx, then 10 GPUs × 30 h at 3.0000 in us-nj: (200 + 900) / 400 = 2.75.
        await Market.AskAsync(market.Iren, 10, Market.Start, Market.Start + 10, "2.0000");
        await Market.BidAsync(market.Microsoft, 10, Market.Start, Market.Start + 10, "2.0000");
        await Market.AskAsync(market.Nebius, 10, Market.Start, Market.Start + 30, "3.0000", pool: "n1");
        await Market.BidAsync(market.Meta, 10, Market.Start, Market.Start + 30, "3.0000");
        var after = CalendarMonth.Of(DateTimeOffset.UtcNow);

        var index = await Eventually.UntilAsync(
            async () => await (await _reader.GetAsync("/api/v1/indices/exchange:GB300")).JsonAsync(),
            json => json.GetProperty("values").GetArrayLength() > 0 && json.GetProperty("values")[0].GetProperty("trades").GetInt32() == 2,
            "both trades in the exchange index");

        Assert.Equal("exchange:GB300", index.GetProperty("name").GetString());
        Assert.Equal("exchange", index.GetProperty("kind").GetString());
        var month = Assert.Single(index.GetProperty("values").EnumerateArray());
        Assert.Contains(month.GetProperty("month").GetString(), new[] { before.ToString(), after.ToString() });
        Assert.Equal("2.75", month.GetProperty("value").GetString());
        Assert.Equal(400, month.GetProperty("gpuHours").GetInt64());
        Assert.Equal(HttpStatusCode.NotFound, (await _reader.GetAsync("/api/v1/indices/exchange:NOPE")).StatusCode);
        Assert.Empty((await (await _reader.GetAsync("/api/v1/indices/exchange:H100")).JsonAsync()).GetProperty("values").EnumerateArray());
    }

    [Fact]
    public async Task The_index_book_gives_a_series_its_stored_values_the_exchange_kind_its_vwap_and_a_fixed_rate_none()
    {
        var market = await Market.OpenAsync(_server);
        await (await _admin.PostJsonAsync("/api/v1/indices/cpi.us", """{"values":[{"month":"2026-01","value":"100"},{"month":"2026-07","value":"103.2"}]}""")).JsonAsync();
        await Market.AskAsync(market.Iren, 10, Market.Start, Market.Start + 10, "2.5000");
        await Market.BidAsync(market.Microsoft, 10, Market.Start, Market.Start + 10, "2.5000");
        var book = _server.Services.GetRequiredService<IndexBook>();

        var series = await book.ValuesAsync(new PriceIndex(IndexKind.Series, Series: "cpi.us"), CancellationToken.None);
        var exchange = await Eventually.UntilAsync(() => book.ValuesAsync(new PriceIndex(IndexKind.Exchange, Sku: "GB300"), CancellationToken.None),
            values => values.Count > 0, "the trade in the exchange index");
        var fixedRate = await book.ValuesAsync(new PriceIndex(IndexKind.Fixed, RatePerYear: 0.03m), CancellationToken.None);

        Assert.Equal(new Dictionary<CalendarMonth, decimal> { [new(2026, 1)] = 100m, [new(2026, 7)] = 103.2m }, series);
        Assert.Equal(2.5m, Assert.Single(exchange).Value);
        Assert.Empty(fixedRate);
        Assert.Empty(await book.ValuesAsync(new PriceIndex(IndexKind.Series, Series: "nope"), CancellationToken.None));
    }

    private static List<(string, string)> Months(JsonElement index) =>
        index.GetProperty("values").EnumerateArray().Select(v => (v.GetProperty("month").GetString()!, v.GetProperty("value").GetString()!)).ToList();
}
