using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Neocloud.Exchange.Access;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>
/// Input an attacker sends to find a 500 or a second reading, over real HTTP against a real SQLite file: strings that
/// are not Unicode text, fields given twice, numbers in the query string that are not numbers. Each is a 400 naming
/// the field, and nothing is applied.
/// </summary>
public sealed class StrictInputTests : IAsyncLifetime
{
    private const string Bid = "/api/v1/orders/bids";

    private TestServer _server = null!;
    private Market _market = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(o => o with { WebhookAllowHosts = ["127.0.0.1"] });
        _market = await Market.OpenAsync(_server);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static async Task<HttpResponseMessage> PostBytesAsync(HttpClient client, string path, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await client.PostAsync(path, content);
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static TheoryData<string, string, string> LoneSurrogates => new()
    {
        { Bid, """{"sku":"\ud800","gpus":8,"start":490000,"end":490010,"limit":"1.0000","tif":"GTC"}""", "sku" },
        { Bid, """{"sku":"GB300","gpus":8,"start":"\udc00","end":490010,"limit":"1.0000","tif":"GTC"}""", "start" },
        { "/api/v1/orders/portfolios", """{"legs":[{"sku":"GB300","limit":"1.0000","gpus":8,"start":490000,"end":490010},{"sku":"GB300","limit":"\ud83d","gpus":8,"start":490000,"end":490010}]}""", "legs[1].limit" },
        { "/api/v1/pools", """{"id":"x","sku":"GB300","region":"us-tx\ud800","capacity":[{"start":1,"end":2,"gpus":1}]}""", "region" },
        { "/api/v1/admin/organizations", """{"id":"fz","name":"\ud800"}""", "name" },
        { "/api/v1/webhooks", """{"url":"http://127.0.0.1:1/\ud800"}""", "url" },
        { "/api/v1/deals/analyze", """{"name":"\ud800"}""", "name" },
        { "/api/v1/plans/solve", """{"name":"\ud800"}""", "name" },
        { "/api/v1/indices/cpi", """{"values":[{"month":"\ud800","value":"1"}]}""", "values[0].month" },
        { "/api/v1/rfqs", """{"\ud800":1}""", "$" },
    };

    [Theory]
    [MemberData(nameof(LoneSurrogates))]
    public async Task A_lone_surrogate_escape_in_any_string_is_400_naming_the_field(string path, string json, string field)
    {
        using var admin = _server.Admin();

        var problem = await (await PostBytesAsync(admin, path, Utf8(json))).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal([field], problem.ErrorFields());
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC3, 0x28 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    public async Task Bytes_that_are_not_utf8_in_a_string_are_400_naming_the_field(byte[] bad)
    {
        byte[] body = [.. Utf8("""{"sku":"GB300","region":"us-"""), .. bad, .. Utf8("""tx","gpus":8,"start":490000,"end":490010,"limit":"1.0000","tif":"GTC"}""")];

        var problem = await (await PostBytesAsync(_market.Microsoft, Bid, body)).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(["region"], problem.ErrorFields());
    }

    [Fact]
    public async Task A_field_given_twice_is_400_naming_it_and_places_nothing()
    {
        var twice = await _market.Microsoft.PostJsonAsync(Bid, """{"sku":"GB300","gpus":1,"gpus":7,"start":490000,"end":490010,"limit":"1.0000","tif":"GTC"}""");
        var escaped = await _market.Microsoft.PostJsonAsync(Bid, """{"sku":"GB300","gpus":1,"start":490000,"end":490010,"limit":"1.0000","tif":"GTC","gp\u0075s":7}""");
        var nested = await _market.Iren.PostJsonAsync("/api/v1/pools", """{"id":"twice","sku":"GB300","region":"us-tx","capacity":[{"start":1,"end":2,"gpus":1,"gpus":9}]}""");

        Assert.Equal(["gpus"], (await twice.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(["gpus"], (await escaped.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(["capacity[0].gpus"], (await nested.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Empty((await _market.Microsoft.GetFromJsonAsync<JsonElement>("/api/v1/orders")).GetProperty("items").EnumerateArray());
        await (await _market.Iren.GetAsync("/api/v1/pools/twice")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("/api/v1/orders?limit=abc", "limit")]
    [InlineData("/api/v1/orders?limit=99999999999", "limit")]
    [InlineData("/api/v1/orders/portfolios?limit=1.5", "limit")]
    [InlineData("/api/v1/trades?limit=x", "limit")]
    [InlineData("/api/v1/contracts?limit=x", "limit")]
    [InlineData("/api/v1/pools?limit=x", "limit")]
    [InlineData("/api/v1/catalog/skus?limit=x", "limit")]
    [InlineData("/api/v1/admin/organizations?limit=x", "limit")]
    [InlineData("/api/v1/procurements?limit=x", "limit")]
    [InlineData("/api/v1/deals/presets?limit=x", "limit")]
    [InlineData("/api/v1/events?limit=x", "limit")]
    [InlineData("/api/v1/market/GB300/trades?limit=x", "limit")]
    [InlineData("/api/v1/market/GB300/quote?gpus=eight&start=490000&end=490010", "gpus")]
    [InlineData("/api/v1/market/GB300/offers?gpus=8&from=490000&to=490010&limit=ten", "limit")]
    [InlineData("/api/v1/market/GB300/offers?gpus=1e3&from=490000&to=490010", "gpus")]
    public async Task A_query_number_that_is_not_one_is_400_naming_it(string path, string field)
    {
        using var admin = _server.Admin();

        var problem = await (await admin.GetAsync(path)).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal([field], problem.ErrorFields());
    }

    [Theory]
    [InlineData("gap=x", "gap")]
    [InlineData("timeLimit=soon", "timeLimit")]
    [InlineData("timeLimit=3000000000", "timeLimit")]
    public async Task A_planning_query_number_that_is_not_one_is_400_naming_it(string query, string field)
    {
        var problem = await (await _market.Microsoft.PostJsonAsync($"/api/v1/plans/solve?{query}", "{}")).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal([field], problem.ErrorFields());
    }

    [Fact]
    public async Task A_webhooks_deliveries_limit_that_is_not_a_number_is_400_naming_it()
    {
        using var microsoft = _server.Client(await _server.NewOrganizationAsync("hooks-org", Scopes.MarketRead));
        var created = await Market.Created(await microsoft.PostAsJsonAsync("/api/v1/webhooks", new { url = "http://127.0.0.1:1/a" }));

        var problem = await (await microsoft.GetAsync($"/api/v1/webhooks/{created.GetProperty("id").GetString()}/deliveries?limit=all")).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(["limit"], problem.ErrorFields());
    }

    [Fact]
    public async Task An_event_stream_with_nothing_to_send_sends_its_headers_at_once()
    {
        using var reader = _server.Client(await _server.NewOrganizationAsync("quiet-org", Scopes.MarketRead));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));

        using var response = await reader.GetAsync("/api/v1/events/stream", HttpCompletionOption.ResponseHeadersRead, timeout.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
    }
}
