using System.Net.Http.Json;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>
/// Snapshots are engine-neutral: a store written under one engine starts under another (<c>serve --engine</c>) with the
/// same book and the same matching.
/// </summary>
public sealed class EngineSwitchTests
{
    [Theory]
    [InlineData("indexed", "compact")]
    [InlineData("compact", "indexed")]
    public async Task A_store_written_under_one_engine_trades_on_under_another(string before, string after)
    {
        var first = await TestServer.StartAsync(options => options with { Engine = before, SnapshotEvery = 5 });
        var market = await Market.OpenAsync(first);
        for (var i = 0; i < 6; i++) await Market.AskAsync(market.Iren, 8, Market.Start + (i * 10), Market.Start + (i * 10) + 50, $"2.{10 + i}00");
        await Market.BidAsync(market.Meta, 4, Market.Start, Market.Start + 20, "1.5000");
        var book = await (await market.Meta.GetAsync("/api/v1/market/GB300/book")).Content.ReadAsStringAsync();
        var token = market.Meta.DefaultRequestHeaders.Authorization!.Parameter!;
        await first.StopAsync();

        // The first server's stop wrote a snapshot; the second starts from it under the other engine.
        await using var second = await first.StartAgainAsync(options => options with { Engine = after });
        using var meta = second.Client(token);
        Assert.Equal(book, await (await meta.GetAsync("/api/v1/market/GB300/book")).Content.ReadAsStringAsync());
        var placed = await Market.Created(await meta.PostAsJsonAsync("/api/v1/orders/bids", new { sku = "GB300", gpus = 8, start = Market.Start, end = Market.Start + 50, limit = "2.2000" }));
        Assert.Equal("2.1000", Assert.Single(placed.GetProperty("trades").EnumerateArray()).GetProperty("price").GetString());
    }
}
