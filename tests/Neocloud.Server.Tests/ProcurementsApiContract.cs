using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Access;
using Neocloud.Server.Hosting;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>
/// <c>/api/v1/procurements</c> over real HTTP, with the exchange's own background runner doing the buying, on a real
/// SQLite file and a real PostgreSQL server.
/// </summary>
public abstract class ProcurementsApiContract : IAsyncLifetime
{
    private readonly TestClock _clock = new();
    private TestServer _server = null!;
    private Market _market = null!;
    private int _now;

    /// <summary>Chooses the store.</summary>
    protected abstract ServerOptions Configure(ServerOptions options);

    public async Task InitializeAsync()
    {
        // One minute past the next hour, so the current hour stays put unless the test moves the clock.
        var now = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromTicks(now.UtcTicks % TimeSpan.TicksPerHour) + TimeSpan.FromMinutes(1));
        _now = Hour.FromUtc(_clock.GetUtcNow()).Value;
        _server = await TestServer.StartAsync(options => Configure(options with { Clock = _clock }));
        _market = await Market.OpenAsync(_server);
        await Market.Created(await _market.Iren.PostAsJsonAsync("/api/v1/pools", new
        {
            id = "p-now", sku = "GB300", region = "us-tx", capacity = new[] { new { start = _now - 48, end = _now + 20_000, gpus = 576 } },
        }));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_procurement_buys_its_blocks_in_the_background_and_stops_keeping_them()
    {
        await Market.AskAsync(_market.Iren, 72, _now - 24, _now + 5_000, "2.4500", pool: "p-now");
        var body = """{"sku":"GB300","gpus":8,"horizonHours":336,"blockHours":168,"maxPrice":"3.10"}""";

        var created = await _market.Microsoft.PostJsonAsync("/api/v1/procurements", body, idempotencyKey: "proc-1");
        var retried = await _market.Microsoft.PostJsonAsync("/api/v1/procurements", body, idempotencyKey: "proc-1");

        var started = await Market.Created(created);
        var id = started.GetProperty("id").GetString()!;
        Assert.Equal("active", started.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.Equal("true", retried.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(id, (await retried.JsonAsync()).GetProperty("id").GetString());

        var covered = await EventuallyAsync(id, p => p.GetProperty("covered").GetBoolean());
        var bought = covered.GetProperty("bought").EnumerateArray().ToList();
        Assert.Equal([(_now, _now + 168, "2.4500", "p-now"), (_now + 168, _now + 336, "2.4500", "p-now")],
            bought.Select(b => (b.GetProperty("start").GetInt32(), b.GetProperty("end").GetInt32(), b.GetProperty("price").GetString(), b.GetProperty("pool").GetString())));
        Assert.Equal(_now + 336, covered.GetProperty("coveredThrough").GetInt32());
        var trades = (await (await _market.Microsoft.GetAsync("/api/v1/trades")).JsonAsync()).GetProperty("items").EnumerateArray();
        Assert.Equal(bought.Select(b => b.GetProperty("tradeId").GetInt64()), trades.Select(t => t.GetProperty("id").GetInt64()));

        // An hour on, the horizon reaches past the second block: the runner buys a third.
        _clock.Advance(TimeSpan.FromHours(1));
        var topped = await EventuallyAsync(id, p => p.GetProperty("bought").GetArrayLength() == 3);
        Assert.Equal(_now + 504, topped.GetProperty("coveredThrough").GetInt32());

        var list = await (await _market.Microsoft.GetAsync("/api/v1/procurements")).JsonAsync();
        Assert.Equal([id], list.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetString()));

        var stopped = await (await _market.Microsoft.DeleteAsync($"/api/v1/procurements/{id}")).JsonAsync();
        Assert.Equal("stopped", stopped.GetProperty("status").GetString());
        Assert.Equal(3, stopped.GetProperty("bought").GetArrayLength());
        await (await _market.Microsoft.DeleteAsync($"/api/v1/procurements/{id}")).ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_block_no_ask_can_fill_under_the_maximum_is_reported_with_the_reason()
    {
        await Market.AskAsync(_market.Iren, 72, _now - 24, _now + 5_000, "3.5000", pool: "p-now");

        var id = (await Market.Created(await _market.Microsoft.PostJsonAsync("/api/v1/procurements",
            """{"sku":"GB300","region":"us-tx","gpus":8,"horizonHours":168,"blockHours":168,"maxPrice":"3.1"}"""))).GetProperty("id").GetString()!;

        var missed = await EventuallyAsync(id, p => p.GetProperty("misses").GetArrayLength() > 0);
        var miss = missed.GetProperty("misses")[0];
        Assert.StartsWith($"no ask under 3.1000 for [{_now}, {_now + 168})", miss.GetProperty("reason").GetString());
        Assert.Equal(0, missed.GetProperty("bought").GetArrayLength());
        Assert.False(missed.GetProperty("covered").GetBoolean());
    }

    [Fact]
    public async Task Bad_requests_name_their_fields()
    {
        var bad = await _market.Microsoft.PostJsonAsync("/api/v1/procurements",
            """{"sku":"GB999","gpus":0,"horizonHours":100,"blockHours":168,"maxPrice":"3.10001"}""");
        var badBlock = await _market.Microsoft.PostJsonAsync("/api/v1/procurements",
            """{"sku":"GB300","gpus":8,"horizonHours":1000000,"blockHours":0,"maxPrice":-1,"colour":"red"}""");
        var horizonShort = await _market.Microsoft.PostJsonAsync("/api/v1/procurements",
            """{"sku":"GB300","gpus":8,"horizonHours":100,"blockHours":168,"maxPrice":"3.10"}""");

        Assert.Equal(["gpus", "horizonHours", "maxPrice", "sku"], (await bad.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().Order());
        Assert.Equal(["blockHours", "colour", "horizonHours", "maxPrice"], (await badBlock.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().Order());
        var both = await _market.Microsoft.PostJsonAsync("/api/v1/procurements",
            """{"sku":"GB300","maxPrice":"3.10","alternatives":[{"sku":"GB200","limit":"2.60"}],"gpus":8,"horizonHours":168,"blockHours":168}""");
        var groups = await _market.Microsoft.PostJsonAsync("/api/v1/procurements",
            """{"alternatives":[{"sku":"GB300","limit":"3.10"},{"sku":"H100","limit":"2.00"}],"gpus":8,"horizonHours":168,"blockHours":168}""");
        Assert.Equal(["alternatives"], (await both.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(["alternatives[1].sku"], (await groups.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        var problem = await horizonShort.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("must be at least blockHours (168), got 100", problem.GetProperty("errors").GetProperty("horizonHours")[0].GetString());
        var list = await (await _market.Microsoft.GetAsync("/api/v1/procurements")).JsonAsync();
        Assert.Empty(list.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Another_organizations_procurement_is_not_found_and_a_read_token_cannot_start_one()
    {
        var id = (await Market.Created(await _market.Microsoft.PostJsonAsync("/api/v1/procurements",
            """{"sku":"GB300","gpus":8,"horizonHours":168,"blockHours":168,"maxPrice":"3.10"}"""))).GetProperty("id").GetString()!;
        using var reader = _server.Client(await _server.NewOrganizationAsync("openai", Scopes.MarketRead));

        await (await _market.Meta.GetAsync($"/api/v1/procurements/{id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await _market.Meta.DeleteAsync($"/api/v1/procurements/{id}")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Empty((await (await _market.Meta.GetAsync("/api/v1/procurements")).JsonAsync()).GetProperty("items").EnumerateArray());
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostJsonAsync("/api/v1/procurements",
            """{"sku":"GB300","gpus":8,"horizonHours":168,"blockHours":168,"maxPrice":"3.10"}""")).StatusCode);
        Assert.Equal("active", (await (await _market.Microsoft.GetAsync($"/api/v1/procurements/{id}")).JsonAsync()).GetProperty("status").GetString());
    }

    /// <summary>Reads the procurement until <paramref name="done"/> holds.</summary>
    private Task<JsonElement> EventuallyAsync(string id, Func<JsonElement, bool> done) =>
        Eventually.UntilAsync(async () => await (await _market.Microsoft.GetAsync($"/api/v1/procurements/{id}")).JsonAsync(), done, $"procurement {id}");
}

public sealed class SqliteProcurementsApiTests : ProcurementsApiContract
{
    protected override ServerOptions Configure(ServerOptions options) => options;
}

public sealed class PostgresProcurementsApiTests : ProcurementsApiContract
{
    protected override ServerOptions Configure(ServerOptions options) =>
        options with { PostgresConnectionString = PostgresServer.CreateDatabase("procure") };
}
