using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Access;
using Neocloud.Server.Hosting;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>
/// The event feed over real HTTP on a real store: what each party hears about its orders, trades and RFQs, in gap-free
/// sequence, nothing of anyone else's; the long-poll that answers when an event is committed; the Server-Sent Events
/// stream resumed with Last-Event-ID; and the events time causes (an RFQ closing) published once.
/// </summary>
public abstract class EventsContract : IAsyncLifetime
{
    private const int Start = 490_000, End = 499_000;
    private readonly TestClock _clock = new();
    private TestServer _server = null!;
    private HttpClient _seller = null!, _buyer = null!, _other = null!;

    /// <summary>Chooses the store.</summary>
    protected abstract ServerOptions Configure(ServerOptions options);

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(options => Configure(options) with { Clock = _clock, EventSweepInterval = TimeSpan.FromMilliseconds(200) });
        _seller = _server.Client(await _server.NewOrganizationAsync("ev-seller", Scopes.MarketRead, Scopes.MarketTrade, Scopes.PoolsWrite));
        _buyer = _server.Client(await _server.NewOrganizationAsync("ev-buyer", Scopes.MarketRead, Scopes.MarketTrade));
        _other = _server.Client(await _server.NewOrganizationAsync("ev-other", Scopes.MarketRead, Scopes.MarketTrade));
        await Market.Created(await _seller.PostAsJsonAsync("/api/v1/pools", new
        {
            id = "ev-pool", sku = "GB300", region = "us-tx", capacity = new[] { new { start = Start, end = End, gpus = 100 } },
        }));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Each_party_hears_of_its_own_orders_and_trades_in_gap_free_sequence_and_nobody_else_does()
    {
        var ask = await Market.Created(await _seller.PostAsJsonAsync("/api/v1/orders/asks", new { pool = "ev-pool", gpus = 40, start = Start, end = Start + 100, price = "2.5000" }));
        var askId = ask.GetProperty("order").GetProperty("id").GetString();
        var bid = await Market.BidAsync(_buyer, 16, Start, Start + 10, "3.0000");
        var bidId = bid.GetProperty("order").GetProperty("id").GetString();
        var resting = await Market.BidAsync(_buyer, 8, Start, Start + 10, "1.0000");
        var restingId = resting.GetProperty("order").GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await _buyer.DeleteAsync($"/api/v1/orders/{restingId}")).StatusCode);
        await (await _seller.PostAsJsonAsync("/api/v1/orders/asks", new { pool = "ev-pool", gpus = 101, start = Start, end = Start + 10, price = "2.5000" }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity);

        var seller = await EventsAsync(_seller);
        Assert.Equal(["order.rested", "order.filled", "trade.executed", "order.rejected"], seller.Select(Type));
        Assert.Equal([1L, 2, 3, 4], seller.Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Equal(askId, seller[0].GetProperty("data").GetProperty("id").GetString());
        Assert.Equal(askId, seller[1].GetProperty("data").GetProperty("orderId").GetString());
        Assert.Equal("open", seller[1].GetProperty("data").GetProperty("status").GetString());
        Assert.Equal("sell", seller[2].GetProperty("data").GetProperty("side").GetString());
        Assert.Equal("2.5000", seller[2].GetProperty("data").GetProperty("price").GetString());
        Assert.Contains("capacity", seller[3].GetProperty("data").GetProperty("reason").GetString());

        var buyer = await EventsAsync(_buyer);
        Assert.Equal(["order.filled", "trade.executed", "order.rested", "order.cancelled"], buyer.Select(Type));
        Assert.Equal([1L, 2, 3, 4], buyer.Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Equal(bidId, buyer[0].GetProperty("data").GetProperty("orderId").GetString());
        Assert.Equal("filled", buyer[0].GetProperty("data").GetProperty("status").GetString());
        Assert.Equal(16, buyer[0].GetProperty("data").GetProperty("trade").GetProperty("gpus").GetInt64());
        Assert.Equal("buy", buyer[1].GetProperty("data").GetProperty("side").GetString());
        Assert.Equal(restingId, buyer[3].GetProperty("data").GetProperty("orderId").GetString());
        Assert.All(buyer, e => Assert.Matches("^evt_[0-9a-f]{16}$", e.GetProperty("id").GetString()));
        Assert.Equal(buyer.Count, buyer.Select(e => e.GetProperty("id").GetString()).Distinct().Count());

        Assert.Empty(await EventsAsync(_other));
        // A page after a sequence number, and a filter by type.
        var page = await (await _buyer.GetAsync("/api/v1/events?after=2&limit=1")).JsonAsync();
        Assert.Equal(3, Assert.Single(page.GetProperty("events").EnumerateArray()).GetProperty("seq").GetInt64());
        Assert.Equal(3, page.GetProperty("last").GetInt64());
        var trades = await (await _buyer.GetAsync("/api/v1/events?types=trade.executed,order.cancelled")).JsonAsync();
        Assert.Equal([2L, 4], trades.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()));
    }

    [Fact]
    public async Task A_long_poll_answers_as_soon_as_an_event_is_committed_and_an_empty_page_when_none_comes()
    {
        var empty = await (await _buyer.GetAsync("/api/v1/events?wait=0")).JsonAsync();
        Assert.Empty(empty.GetProperty("events").EnumerateArray());
        Assert.Equal(0, empty.GetProperty("last").GetInt64());

        var waiting = _buyer.GetAsync("/api/v1/events?after=0&wait=30");
        await Market.BidAsync(_buyer, 8, Start, Start + 10, "1.0000");
        var page = await (await waiting).JsonAsync();
        Assert.Equal("order.rested", Type(Assert.Single(page.GetProperty("events").EnumerateArray())));

        var nothing = await (await _other.GetAsync("/api/v1/events?after=0&wait=1")).JsonAsync();
        Assert.Empty(nothing.GetProperty("events").EnumerateArray());
    }

    [Fact]
    public async Task The_stream_resumes_after_Last_Event_ID_without_a_gap_or_a_repeat()
    {
        for (var i = 0; i < 3; i++) await Market.BidAsync(_buyer, 1, Start, Start + 10, "1.0000");
        var first = await ReadStreamAsync(lastEventId: null, count: 2);
        Assert.Equal(["1", "2"], first.Select(e => e.Id));
        Assert.All(first, e => Assert.Equal("order.rested", e.Type));
        Assert.Equal(1, JsonDocument.Parse(first[0].Data).RootElement.GetProperty("seq").GetInt64());

        for (var i = 0; i < 2; i++) await Market.BidAsync(_buyer, 1, Start, Start + 10, "1.0000");
        var resumed = await ReadStreamAsync(lastEventId: "2", count: 3);
        Assert.Equal(["3", "4", "5"], resumed.Select(e => e.Id));

        // Events committed while a client listens arrive on the open stream.
        var live = ReadStreamAsync(lastEventId: "5", count: 1);
        await Market.BidAsync(_buyer, 1, Start, Start + 10, "1.0000");
        Assert.Equal("6", Assert.Single(await live).Id);
    }

    [Theory]
    [InlineData("after=-1", "after")]
    [InlineData("after=abc", "after")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("wait=31", "wait")]
    [InlineData("wait=soon", "wait")]
    [InlineData("types=order.filled,order.nope", "types")]
    public async Task Bad_feed_queries_get_400_naming_the_field(string query, string field)
    {
        var problem = await (await _buyer.GetAsync($"/api/v1/events?{query}")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal([field], problem.ErrorFields());
        // The stream takes the same after and types (it has no limit or wait).
        if (field is "after" or "types")
            Assert.Equal([field], (await (await _buyer.GetAsync($"/api/v1/events/stream?{query}")).ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        await (await _server.Client().GetAsync("/api/v1/events")).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_stream_resumed_after_a_bad_or_negative_Last_Event_ID_gets_400_naming_it()
    {
        foreach (var id in new[] { "seven", "-1" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events/stream");
            request.Headers.TryAddWithoutValidation("Last-Event-ID", id);
            var problem = await (await _buyer.SendAsync(request)).ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal(["Last-Event-ID"], problem.ErrorFields());
        }
    }

    [Fact]
    public async Task An_rfq_tells_its_buyer_of_offers_its_closing_and_the_award_and_each_seller_whether_it_won()
    {
        var (_, contractId, _, lost, loser) = await AwardedAsync();

        var buyer = await EventsAsync(_buyer);
        Assert.Equal(["rfq.opened", "rfq.offer_received", "rfq.offer_received", "rfq.closed", "rfq.awarded"], buyer.Select(Type));
        Assert.Equal([1, 2], buyer.Skip(1).Take(2).Select(e => e.GetProperty("data").GetProperty("offers").GetInt32()));
        Assert.Equal(2, buyer[3].GetProperty("data").GetProperty("offers").GetInt32());
        Assert.Equal(contractId, buyer[4].GetProperty("data").GetProperty("contracts")[0].GetString());
        var sellerAward = Assert.Single(await EventsAsync(_seller), e => Type(e) == "offer.awarded");
        Assert.Equal(contractId, sellerAward.GetProperty("data").GetProperty("contract").GetString());
        var loss = Assert.Single(await EventsAsync(loser));
        Assert.Equal("offer.lost", Type(loss));
        Assert.Equal(lost.GetProperty("id").GetString(), loss.GetProperty("data").GetProperty("offer").GetString());
        // The seller does not hear of the buyer's RFQ events, nor the buyer of the sellers' offers beyond their count.
        Assert.DoesNotContain(await EventsAsync(_seller), e => Type(e).StartsWith("rfq.", StringComparison.Ordinal));
        Assert.Empty(await EventsAsync(_other));

        // A later sweep publishes nothing more for the closed RFQ.
        var seen = (await EventsAsync(_buyer)).Count;
        _clock.Advance(TimeSpan.FromMinutes(1));
        await Market.BidAsync(_buyer, 1, Start, Start + 10, "1.0000");
        var after = await Eventually.UntilAsync(() => EventsAsync(_buyer), events => events.Count > seen, "the bid's event");
        Assert.Equal("order.rested", Type(after[seen]));
        Assert.Single(after, e => Type(e) == "rfq.closed");
    }

    [Fact]
    public async Task A_contract_tells_buyer_and_seller_of_a_late_tranche_its_delivery_an_invoice_and_a_credit_each_once_and_nobody_else()
    {
        var (_, contractId, month, _, loser) = await AwardedAsync();
        // Into the month after the tranche was due: it is late, which only time says.
        _clock.Advance(month.AddMonths(1).FirstHour.StartUtc - _clock.GetUtcNow() + TimeSpan.FromHours(1));
        await Eventually.UntilAsync(() => EventsAsync(_seller), events => events.Any(e => Type(e) == "tranche.late"), "tranche.late published");

        await Market.Created(await _seller.PostAsJsonAsync($"/api/v1/offtakes/{contractId}/deliveries", new { tranche = 1, month = month.ToString() }));
        await Market.Created(await _seller.PostAsJsonAsync($"/api/v1/offtakes/{contractId}/sla", new { month = month.ToString(), availabilityPercent = 90 }));
        // The delivery makes the tranche's month billable, and it is over: the sweep issues its invoice.
        await Eventually.UntilAsync(() => EventsAsync(_buyer), events => events.Any(e => Type(e) == "invoice.issued"), "invoice.issued published");

        foreach (var party in new[] { _buyer, _seller })
        {
            var contract = (await EventsAsync(party)).Where(e => e.GetProperty("data").TryGetProperty("contract", out var c) && c.GetString() == contractId
                && Type(e) is not "offer.awarded").ToList();
            Assert.Equal(["invoice.issued", "sla.credit", "tranche.delivered", "tranche.late"], contract.Select(Type).Order(StringComparer.Ordinal));
            var late = contract.Single(e => Type(e) == "tranche.late").GetProperty("data");
            Assert.Equal(1, late.GetProperty("tranche").GetInt32());
            Assert.Equal(month.ToString(), late.GetProperty("due").GetString());
            var invoice = contract.Single(e => Type(e) == "invoice.issued").GetProperty("data").GetProperty("invoice");
            Assert.Equal(month.ToString(), invoice.GetProperty("month").GetString());
            Assert.Equal(100m * 730 * 3.00m, invoice.GetProperty("serviceUsd").GetDecimal());
            var credit = contract.Single(e => Type(e) == "sla.credit").GetProperty("data").GetProperty("report");
            Assert.Equal(0.5m * 100 * 730 * 3.00m, credit.GetProperty("creditUsd").GetDecimal());
            Assert.StartsWith(contractId, contract.Single(e => Type(e) == "tranche.delivered").GetProperty("data").GetProperty("resalePool").GetString());
        }
        Assert.Equal(["offer.lost"], (await EventsAsync(loser)).Select(Type));
        Assert.Empty(await EventsAsync(_other));
    }

    /// <summary>
    /// An RFQ for 100 GB300 from two months ahead, an offer from the seller (won) and one from a new organization (lost),
    /// closed by the clock (once the sweep has published its closing) and awarded: the RFQ, the contract, the tranche's
    /// month, the losing offer and its seller.
    /// </summary>
    private async Task<(string Rfq, string Contract, CalendarMonth Month, JsonElement Lost, HttpClient Loser)> AwardedAsync()
    {
        var month = CalendarMonth.Of(_clock.GetUtcNow()).AddMonths(2);
        var loser = _server.Client(await _server.NewOrganizationAsync("ev-loser", Scopes.MarketRead, Scopes.MarketTrade, Scopes.PoolsWrite));
        foreach (var (owner, pool) in new[] { (_seller, "ev-rfq-pool"), (loser, "ev-loser-pool") })
        {
            await Market.Created(await owner.PostAsJsonAsync("/api/v1/pools", new
            {
                id = pool, sku = "GB300", region = "us-tx",
                capacity = new[] { new { start = month.FirstHour.Value, end = month.AddMonths(30).FirstHour.Value, gpus = 500 } },
            }));
        }
        var rfq = await Market.Created(await _buyer.PostAsJsonAsync("/api/v1/rfqs", new
        {
            skus = new[] { "GB300" }, gpus = 100, regions = new[] { "us-tx" }, earliestStart = month.ToString(), latestStart = month.AddMonths(3).ToString(),
            termMonths = 24, maxPricePerGpuHour = "4.00", prepaymentFraction = 0, minAvailabilityPercent = 99, graceMonths = 2,
            closesAt = _clock.GetUtcNow().AddMinutes(5).ToString("O"),
        }));
        var rfqId = rfq.GetProperty("id").GetString()!;
        object Offer(string pool, string price) => new
        {
            sku = "GB300", pricePerGpuHour = price, prepaymentFraction = 0, availabilityPercent = 99.9,
            tranches = new[] { new { pool, gpus = 100, start = month.ToString(), termMonths = 24 } },
        };
        var won = await Market.Created(await _seller.PostAsJsonAsync($"/api/v1/rfqs/{rfqId}/offers", Offer("ev-rfq-pool", "3.00")));
        var lost = await Market.Created(await loser.PostAsJsonAsync($"/api/v1/rfqs/{rfqId}/offers", Offer("ev-loser-pool", "3.50")));

        // Closing is time passing, not a command: the sweep publishes it, once.
        _clock.Advance(TimeSpan.FromMinutes(6));
        await Eventually.UntilAsync(() => EventsAsync(_buyer), events => events.Any(e => Type(e) == "rfq.closed"), "rfq.closed published");
        var contracts = await Market.Created(await _buyer.PostAsJsonAsync($"/api/v1/rfqs/{rfqId}/award", new { awards = new[] { new { offer = won.GetProperty("id").GetString() } } }));
        return (rfqId, contracts[0].GetProperty("id").GetString()!, month, lost, loser);
    }

    private static string Type(JsonElement e) => e.GetProperty("type").GetString()!;

    private static async Task<List<JsonElement>> EventsAsync(HttpClient client) =>
        (await (await client.GetAsync("/api/v1/events?limit=1000")).JsonAsync()).GetProperty("events").EnumerateArray().ToList();

    /// <summary>Opens the stream (resuming after <paramref name="lastEventId"/>), reads <paramref name="count"/> events, disconnects.</summary>
    private async Task<List<(string Id, string Type, string Data)>> ReadStreamAsync(string? lastEventId, int count)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events/stream");
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await _buyer.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
        var events = new List<(string, string, string)>();
        await foreach (var item in System.Net.ServerSentEvents.SseParser.Create(body).EnumerateAsync(timeout.Token))
        {
            events.Add((item.EventId!, item.EventType, item.Data));
            if (events.Count == count) break;
        }
        return events;
    }
}

public sealed class SqliteEventsTests : EventsContract
{
    protected override ServerOptions Configure(ServerOptions options) => options;
}

public sealed class PostgresEventsTests : EventsContract
{
    protected override ServerOptions Configure(ServerOptions options) =>
        options with { PostgresConnectionString = PostgresServer.CreateDatabase("events") };
}
