using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Events;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>
/// The reads the event feed shares between an organization's readers (issue #29, finding 2): a reader asking from
/// random positions with long type lists, in an organization that never commits again, leaves a bounded cache.
/// </summary>
public sealed class EventCacheBoundsTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private EventFeed _feed = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(o => o with { RateLimitPerSecond = 1_000_000, RateLimitBurst = 1_000_000 });
        _feed = _server.Services.GetRequiredService<EventFeed>();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>About 6 KB of known types, repeated: a valid filter that makes a long cache key.</summary>
    private static string LongTypes(Random random) =>
        string.Join(',', Enumerable.Range(0, 300).Select(_ => EventTypes.All[random.Next(EventTypes.All.Count)]));

    private void AssertBounded()
    {
        Assert.InRange(_feed.CachedReads, 0, EventFeed.MaxSharedReads);
        Assert.InRange(_feed.CachedBytes, 0, EventFeed.MaxSharedBytes);
    }

    [Fact]
    public async Task Reads_after_random_sequence_numbers_with_long_type_lists_leave_the_cache_bounded()
    {
        using var reader = _server.Client(await _server.NewOrganizationAsync("idle-reader", Scopes.MarketRead));
        var random = new Random(29);
        for (var i = 0; i < 400; i++)
        {
            using var response = await reader.GetAsync($"/api/v1/events?after={random.Next(0, int.MaxValue)}&limit={random.Next(1, 1001)}&types={LongTypes(random)}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        AssertBounded();
    }

    [Fact]
    public async Task Pages_of_real_events_at_many_positions_leave_the_cache_bounded_in_bytes()
    {
        using var trader = _server.Client(await _server.NewOrganizationAsync("many-events", Scopes.MarketRead, Scopes.MarketTrade));
        for (var i = 0; i < 40; i++) await Market.BidAsync(trader, 1, 490_000, 490_010, "1.0000");
        var random = new Random(4);
        for (var i = 0; i < 400; i++)
        {
            // Each answer has events and is shorter than its limit: the kind a caught-up reader's read is.
            using var response = await trader.GetAsync($"/api/v1/events?after={random.Next(0, 40)}&limit={random.Next(41, 1001)}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        AssertBounded();
    }
}
