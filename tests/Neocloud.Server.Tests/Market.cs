using System.Net.Http.Json;
using System.Text.Json;
using Neocloud.Exchange.Access;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>A small market on a test server: a provider with a pool of known capacity, and two buyers.</summary>
public sealed class Market
{
    /// <summary>The test pool's window: [490000, 499000) with 576 GPUs.</summary>
    public const int Start = 490_000, End = 499_000, Capacity = 576;

    private Market(TestServer server, HttpClient iren, HttpClient microsoft, HttpClient meta, HttpClient nebius)
    {
        Server = server;
        Iren = iren;
        Microsoft = microsoft;
        Meta = meta;
        Nebius = nebius;
    }

    public TestServer Server { get; }

    /// <summary>A provider that owns <c>p1</c>.</summary>
    public HttpClient Iren { get; }

    /// <summary>Another provider, with a pool <c>n1</c>.</summary>
    public HttpClient Nebius { get; }

    /// <summary>A buyer.</summary>
    public HttpClient Microsoft { get; }

    /// <summary>Another buyer.</summary>
    public HttpClient Meta { get; }

    public static async Task<Market> OpenAsync(TestServer server)
    {
        string[] all = [Scopes.MarketRead, Scopes.MarketTrade, Scopes.PoolsWrite];
        var market = new Market(server,
            server.Client(await server.NewOrganizationAsync("iren", all)),
            server.Client(await server.NewOrganizationAsync("microsoft", Scopes.MarketRead, Scopes.MarketTrade)),
            server.Client(await server.NewOrganizationAsync("meta", Scopes.MarketRead, Scopes.MarketTrade)),
            server.Client(await server.NewOrganizationAsync("nebius", all)));
        await Created(await market.Iren.PostAsJsonAsync("/api/v1/pools", new
        {
            id = "p1", site = "iren-childress", sku = "GB300", region = "us-tx",
            capacity = new[] { new { start = Start, end = End, gpus = Capacity } },
        }));
        await Created(await market.Nebius.PostAsJsonAsync("/api/v1/pools", new
        {
            id = "n1", sku = "GB300", region = "us-nj", capacity = new[] { new { start = Start, end = End, gpus = Capacity } },
        }));
        return market;
    }

    /// <summary>Places an ask on <c>p1</c> (or another pool) and returns the created order's JSON.</summary>
    public static async Task<JsonElement> AskAsync(HttpClient seller, int gpus, int start, int end, string price, string pool = "p1") =>
        await Created(await seller.PostAsJsonAsync("/api/v1/orders/asks", new { pool, gpus, start, end, price }));

    /// <summary>Places a GTC bid for GB300 and returns the created order's JSON.</summary>
    public static async Task<JsonElement> BidAsync(HttpClient buyer, int gpus, int start, int end, string limit, string tif = "GTC", string? region = null) =>
        await Created(await buyer.PostAsJsonAsync("/api/v1/orders/bids", new { sku = "GB300", region, gpus, start, end, limit, tif }));

    /// <summary>Asserts 201 and returns the body.</summary>
    public static async Task<JsonElement> Created(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"expected 201, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
