using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Seed;
using Neocloud.Server.Hosting;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>
/// The long-term capacity workflow end to end over real HTTP: open an RFQ, three sellers offer, the buyer awards a
/// split, the tranches' capacity is reserved so a spot ask on those hours is rejected, milestones, SLA credit,
/// invoices, termination for a late tranche, and resale of a delivered tranche on the spot market.
/// </summary>
public abstract class OfftakeFlowContract : IAsyncLifetime
{
    private static readonly CalendarMonth s_from = CalendarMonth.Parse("2026-01");
    private static readonly int s_poolStart = s_from.FirstHour.Value, s_poolEnd = s_from.AddMonths(60).FirstHour.Value;

    private readonly TestClock _clock = new();
    private TestServer _server = null!;
    private HttpClient _iren = null!, _nebius = null!, _crusoe = null!, _microsoft = null!, _meta = null!;

    /// <summary>Chooses the store.</summary>
    protected abstract ServerOptions Configure(ServerOptions options);

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(options => Configure(options) with { Clock = _clock });
        string[] seller = [Scopes.MarketRead, Scopes.MarketTrade, Scopes.PoolsWrite];
        _iren = _server.Client(await _server.NewOrganizationAsync("iren", seller));
        _nebius = _server.Client(await _server.NewOrganizationAsync("nebius", seller));
        _crusoe = _server.Client(await _server.NewOrganizationAsync("crusoe", seller));
        _microsoft = _server.Client(await _server.NewOrganizationAsync("microsoft", Scopes.MarketRead, Scopes.MarketTrade));
        _meta = _server.Client(await _server.NewOrganizationAsync("meta", Scopes.MarketRead, Scopes.MarketTrade));
        await Pool(_iren, "iren-rfq", "us-tx");
        await Pool(_nebius, "nebius-rfq", "us-nj");
        await Pool(_crusoe, "crusoe-rfq", "us-tx");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static async Task Pool(HttpClient owner, string id, string region) =>
        await Market.Created(await owner.PostAsJsonAsync("/api/v1/pools", new
        {
            id, sku = "GB300", region, capacity = new[] { new { start = s_poolStart, end = s_poolEnd, gpus = 1000 } },
        }));

    private static object Tranche(string pool, int gpus, string start) => new { pool, gpus, start, termMonths = 24 };

    private static object Offer(string price, decimal prepayment, decimal availability, params object[] tranches) =>
        new { sku = "GB300", pricePerGpuHour = price, prepaymentFraction = prepayment, availabilityPercent = availability, tranches };

    private static int Hour(string month) => CalendarMonth.Parse(month).FirstHour.Value;

    [Fact]
    public async Task Rfq_offers_split_award_reservation_milestones_invoices_sla_termination_and_resale()
    {
        // The buyer opens a sealed RFQ that closes in a few seconds.
        var rfq = await OpenRfqAsync(gpus: 1200, prepayment: 0.2m);
        var rfqId = rfq.GetProperty("id").GetString()!;
        Assert.Equal("open", rfq.GetProperty("status").GetString());

        // Sellers see the open RFQ; three of them offer; offers the seller cannot back are refused with the reason.
        var visible = await (await _nebius.GetAsync("/api/v1/rfqs")).JsonAsync();
        var seen = Assert.Single(visible.EnumerateArray(), r => r.GetProperty("id").GetString() == rfqId);
        Assert.Equal(JsonValueKind.Null, seen.GetProperty("offers").ValueKind);
        var iren = await Market.Created(await _iren.PostAsJsonAsync($"/api/v1/rfqs/{rfqId}/offers",
            Offer("3.00", 0.2m, 99.9m, Tranche("iren-rfq", 400, "2026-02"), Tranche("iren-rfq", 400, "2026-04"))));
        var nebius = await Market.Created(await _nebius.PostAsJsonAsync($"/api/v1/rfqs/{rfqId}/offers", Offer("3.20", 0m, 99.5m, Tranche("nebius-rfq", 1000, "2026-03"))));
        var tooMuch = await (await _crusoe.PostAsJsonAsync($"/api/v1/rfqs/{rfqId}/offers", Offer("2.80", 0m, 99m, Tranche("crusoe-rfq", 1100, "2026-06"))))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("pool crusoe-rfq has 1000 GPUs free", tooMuch.GetProperty("detail").GetString());
        Assert.Equal(["tranches[0].gpus"], tooMuch.ErrorFields());
        var notOurs = await (await _crusoe.PostAsJsonAsync($"/api/v1/rfqs/{rfqId}/offers", Offer("2.80", 0m, 99m, Tranche("iren-rfq", 100, "2026-06"))))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["tranches[0].pool"], notOurs.ErrorFields());
        var crusoe = await Market.Created(await _crusoe.PostAsJsonAsync($"/api/v1/rfqs/{rfqId}/offers", Offer("2.80", 0m, 99m, Tranche("crusoe-rfq", 600, "2026-06"))));

        // Sealed: before closing the buyer cannot read offers, and a seller sees only its own.
        await (await _microsoft.GetAsync($"/api/v1/rfqs/{rfqId}/offers")).ProblemAsync(HttpStatusCode.Conflict);
        var own = await (await _nebius.GetAsync($"/api/v1/rfqs/{rfqId}/offers")).JsonAsync();
        Assert.Equal([nebius.GetProperty("id").GetString()], own.EnumerateArray().Select(o => o.GetProperty("id").GetString()));
        await (await _microsoft.PostAsJsonAsync($"/api/v1/rfqs/{rfqId}/award", new { awards = new[] { new { offer = iren.GetProperty("id").GetString() } } }))
            .ProblemAsync(HttpStatusCode.Conflict);

        await CloseAsync(rfqId);
        var ranked = (await (await _microsoft.GetAsync($"/api/v1/rfqs/{rfqId}/offers?rank=effective-price")).JsonAsync()).EnumerateArray().ToList();
        Assert.Equal(3, ranked.Count);
        var prices = ranked.Select(r => r.GetProperty("score").GetProperty("effectivePricePerGpuHour").GetDecimal()).ToList();
        Assert.Equal(prices.Order(), prices);
        Assert.All(ranked, r => Assert.True(r.GetProperty("score").GetProperty("buildNpvCostUsd").GetDecimal() > 0));
        var byDelivery = (await (await _microsoft.GetAsync($"/api/v1/rfqs/{rfqId}/offers?rank=delivery")).JsonAsync()).EnumerateArray()
            .Select(r => r.GetProperty("offer").GetProperty("seller").GetString());
        Assert.Equal(["iren", "nebius", "crusoe"], byDelivery);

        // Award split: all of IREN's offer and 40% of Nebius's, 1,200 GPUs in all.
        var tooMany = await (await _microsoft.PostAsJsonAsync($"/api/v1/rfqs/{rfqId}/award", new
        {
            awards = new object[] { new { offer = iren.GetProperty("id").GetString() }, new { offer = nebius.GetProperty("id").GetString() } },
        })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["awards"], tooMany.ErrorFields());
        var contracts = (await Market.Created(await _microsoft.PostAsJsonAsync($"/api/v1/rfqs/{rfqId}/award", new
        {
            awards = new object[] { new { offer = iren.GetProperty("id").GetString() }, new { offer = nebius.GetProperty("id").GetString(), share = 0.4 } },
        }))).EnumerateArray().ToList();
        Assert.Equal(["iren", "nebius"], contracts.Select(c => c.GetProperty("seller").GetString()));
        Assert.Equal(400, contracts[1].GetProperty("tranches")[0].GetProperty("gpus").GetInt32());
        var contractId = contracts[0].GetProperty("id").GetString()!;
        Assert.Equal("not-awarded", (await (await _crusoe.GetAsync($"/api/v1/rfqs/{rfqId}/offers")).JsonAsync())[0].GetProperty("status").GetString());
        await (await _meta.GetAsync($"/api/v1/offtakes/{contractId}")).ProblemAsync(HttpStatusCode.NotFound);

        // The tranches hold the pool's capacity in the market's ledger: a spot ask on those hours cannot oversell.
        var may = (Hour("2026-05"), Hour("2026-06"));
        var pool = await (await _iren.GetAsync($"/api/v1/pools/iren-rfq?from={may.Item1}&to={may.Item2}")).JsonAsync();
        Assert.Equal(800, pool.GetProperty("usage")[0].GetProperty("sold").GetInt32());
        var oversold = await (await _iren.PostAsJsonAsync("/api/v1/orders/asks", new { pool = "iren-rfq", gpus = 201, start = may.Item1, end = may.Item2, price = "3.5000" }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("exceeds pool iren-rfq's capacity", oversold.GetProperty("detail").GetString());

        // Milestones: tranche 1 on time, tranche 2 never delivered; SLA credit for a bad month.
        var delivered = await Market.Created(await _iren.PostAsJsonAsync($"/api/v1/offtakes/{contractId}/deliveries", new { tranche = 1, month = "2026-02" }));
        Assert.Equal("delivered", delivered.GetProperty("tranches")[0].GetProperty("state").GetString());
        Assert.Equal("late", delivered.GetProperty("tranches")[1].GetProperty("state").GetString());
        await (await _microsoft.PostAsJsonAsync($"/api/v1/offtakes/{contractId}/deliveries", new { tranche = 2, month = "2026-04" })).ProblemAsync(HttpStatusCode.Forbidden);
        var sla = await Market.Created(await _iren.PostAsJsonAsync($"/api/v1/offtakes/{contractId}/sla", new { month = "2026-03", availabilityPercent = 98.5 }));
        Assert.Equal(0.25m, sla.GetProperty("creditFraction").GetDecimal());
        Assert.Equal(0.25m * 400 * 730 * 3.00m, sla.GetProperty("creditUsd").GetDecimal());
        await (await _iren.PostAsJsonAsync($"/api/v1/offtakes/{contractId}/sla", new { month = "2026-03", availabilityPercent = 99.99 })).ProblemAsync(HttpStatusCode.Conflict);

        var invoices = (await (await _microsoft.GetAsync($"/api/v1/offtakes/{contractId}/invoices")).JsonAsync()).EnumerateArray().ToList();
        var march = invoices.Single(i => i.GetProperty("month").GetString() == "2026-03");
        Assert.Equal(400 * 730 * 3.00m, march.GetProperty("serviceUsd").GetDecimal());
        Assert.Equal(0.25m * 400 * 730 * 3.00m, march.GetProperty("slaCreditUsd").GetDecimal());
        Assert.Equal(0.2m * 800 * 24 * 730 * 3.00m, invoices.Sum(i => i.GetProperty("prepaymentUsd").GetDecimal()));

        // Tranche 2 is later than the two-month grace period: the buyer terminates, and its reservation goes back to the pool.
        var view = await (await _microsoft.GetAsync($"/api/v1/offtakes/{contractId}")).JsonAsync();
        Assert.Equal([2], view.GetProperty("terminationRight").EnumerateArray().Select(t => t.GetInt32()));
        await (await _iren.PostAsync($"/api/v1/offtakes/{contractId}/terminate", null)).ProblemAsync(HttpStatusCode.Forbidden);
        var terminated = await (await _microsoft.PostAsync($"/api/v1/offtakes/{contractId}/terminate", null)).JsonAsync();
        Assert.Equal("terminated", terminated.GetProperty("status").GetString());
        Assert.Equal(["delivered", "cancelled"], terminated.GetProperty("tranches").EnumerateArray().Select(t => t.GetProperty("state").GetString()));
        await (await _microsoft.PostAsync($"/api/v1/offtakes/{contractId}/terminate", null)).ProblemAsync(HttpStatusCode.Conflict);
        // Both parties hear of it once (the refused attempts wrote nothing), with the tranche it cancelled; nobody else does.
        foreach (var party in new[] { _microsoft, _iren })
        {
            var events = (await (await party.GetAsync("/api/v1/events?types=contract.terminated&limit=1000")).JsonAsync()).GetProperty("events").EnumerateArray()
                .Where(e => e.GetProperty("data").GetProperty("contract").GetString() == contractId).ToList();
            Assert.Equal([2], Assert.Single(events).GetProperty("data").GetProperty("cancelledTranches").EnumerateArray().Select(t => t.GetInt32()));
        }
        Assert.DoesNotContain(contractId, (await (await _meta.GetAsync("/api/v1/events?limit=1000")).Content.ReadAsStringAsync()), StringComparison.Ordinal);
        pool = await (await _iren.GetAsync($"/api/v1/pools/iren-rfq?from={may.Item1}&to={may.Item2}")).JsonAsync();
        Assert.Equal(400, pool.GetProperty("usage")[0].GetProperty("sold").GetInt32());
        await Market.Created(await _iren.PostAsJsonAsync("/api/v1/orders/asks", new { pool = "iren-rfq", gpus = 600, start = may.Item1, end = may.Item2, price = "3.5000" }));

        // Resale: the buyer sells GPU-hours of its delivered tranche on the spot market, never more than it holds.
        var resalePool = terminated.GetProperty("tranches")[0].GetProperty("resalePool").GetString()!;
        var july = (Hour("2027-07"), Hour("2027-08"));
        await (await _microsoft.PostAsJsonAsync("/api/v1/orders/asks", new { pool = resalePool, gpus = 401, start = july.Item1, end = july.Item2, price = "3.9000" }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity);
        await Market.Created(await _microsoft.PostAsJsonAsync("/api/v1/orders/asks", new { pool = resalePool, gpus = 100, start = july.Item1, end = july.Item2, price = "3.9000" }));
        var bought = await Market.Created(await _meta.PostAsJsonAsync("/api/v1/orders/bids", new
        {
            sku = "GB300", region = "us-tx", gpus = 100, start = july.Item1, end = july.Item1 + 24, limit = "4.0000", tif = "IOC",
        }));
        var trade = Assert.Single(bought.GetProperty("trades").EnumerateArray());
        Assert.Equal(resalePool, trade.GetProperty("pool").GetString());
        Assert.Equal("microsoft", trade.GetProperty("counterparty").GetString());

        // After a restart the journal rebuilds the same reservations: the released hours stay free, the held ones held.
        _server = await _server.RestartAsync();
        var client = _server.Client(await _server.NewOrganizationAsync("iren", Scopes.MarketRead));
        pool = await (await client.GetAsync($"/api/v1/pools/iren-rfq?from={may.Item1}&to={may.Item2}")).JsonAsync();
        Assert.Equal(400, pool.GetProperty("usage")[0].GetProperty("sold").GetInt32());
        Assert.Equal(600, pool.GetProperty("usage")[0].GetProperty("offered").GetInt32());
    }

    [Fact]
    public async Task Bad_rfqs_get_400_naming_the_field_and_nothing_is_stored()
    {
        var bad = await (await _microsoft.PostAsJsonAsync("/api/v1/rfqs", new
        {
            skus = new[] { "GB999" }, gpus = -5, earliestStart = "2026-13", latestStart = "2026-01", termMonths = 0, maxPricePerGpuHour = "abc",
            closesAt = "yesterday",
        })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["closesAt", "earliestStart", "gpus", "maxPricePerGpuHour", "skus[0]", "termMonths"], bad.ErrorFields().Order(StringComparer.Ordinal));
        var backwards = await (await _microsoft.PostAsJsonAsync("/api/v1/rfqs", new
        {
            skus = new[] { "GB300" }, mw = 10, earliestStart = "2027-06", latestStart = "2027-01", termMonths = 12, maxPricePerGpuHour = "3.00",
            closesAt = DateTimeOffset.UtcNow.AddDays(-1).ToString("O"),
        })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["closesAt", "latestStart"], backwards.ErrorFields().Order(StringComparer.Ordinal));
        var mine = await (await _microsoft.GetAsync("/api/v1/rfqs")).JsonAsync();
        Assert.DoesNotContain(mine.EnumerateArray(), r => r.GetProperty("buyer").GetString() == "microsoft");
    }

    [Fact]
    public async Task The_microsoft_iren_offtake_is_seeded_with_its_four_childress_tranches()
    {
        var contracts = (await (await _microsoft.GetAsync("/api/v1/offtakes")).JsonAsync()).EnumerateArray().ToList();
        var seeded = Assert.Single(contracts, c => c.GetProperty("id").GetString() == OfftakeSeed.ContractId);
        Assert.InRange(seeded.GetProperty("tcvUsd").GetDecimal(), 9_699_000_000m, 9_701_000_000m); // $2.9140 × 76,000 GPUs × 60 × 730 h
        Assert.Equal(0.2m, seeded.GetProperty("prepaymentFraction").GetDecimal());
        Assert.Equal(["2026-03", "2026-06", "2026-09", "2026-12"], seeded.GetProperty("tranches").EnumerateArray().Select(t => t.GetProperty("due").GetString()));
        Assert.All(seeded.GetProperty("tranches").EnumerateArray(), t => Assert.Equal(19_000, t.GetProperty("gpus").GetInt32()));
        // The Horizon pool is fully reserved: IREN cannot offer a single GPU of it on the spot market.
        var hours = (CalendarMonth.Parse("2027-01").FirstHour.Value, CalendarMonth.Parse("2027-02").FirstHour.Value);
        await (await _iren.PostAsJsonAsync("/api/v1/orders/asks", new { pool = OfftakeSeed.PoolId, gpus = 1, start = hours.Item1, end = hours.Item2, price = "3.0000" }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity);
        await (await _meta.GetAsync($"/api/v1/offtakes/{OfftakeSeed.ContractId}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_offers_on_a_closed_rfq_are_options_for_the_buyers_capacity_plan()
    {
        var rfq = await OpenRfqAsync(gpus: 1500, prepayment: 0m);
        var rfqId = rfq.GetProperty("id").GetString()!;
        var iren = (await Market.Created(await _iren.PostAsJsonAsync($"/api/v1/rfqs/{rfqId}/offers", Offer("2.50", 0m, 99.5m, Tranche("iren-rfq", 1000, "2026-03")))))
            .GetProperty("id").GetString()!;
        var nebius = (await Market.Created(await _nebius.PostAsJsonAsync($"/api/v1/rfqs/{rfqId}/offers", Offer("3.20", 0m, 99.5m, Tranche("nebius-rfq", 500, "2026-01")))))
            .GetProperty("id").GetString()!;

        // Texas needs 800 GPUs, New Jersey 400; spot is dear and scarce, so the live offers are the cheap way to cover them.
        var scenario = $$"""
            { "name": "rfq planning", "startMonth": "2026-01", "horizonMonths": 24, "referenceSku": "GB300", "discountRateAnnual": 0.08,
              "unmetPenaltyUsdPerGpuMonth": 50000,
              "regions": [ { "id": "us-tx", "demand": [ { "fromMonth": 0, "toMonth": 24, "amount": 800 } ] },
                           { "id": "us-nj", "demand": [ { "fromMonth": 0, "toMonth": 24, "amount": 400 } ] } ],
              "spot": [ { "sku": "GB300", "region": null, "pricePerGpuHour": 9.00, "maxGpusPerMonth": 2000 } ] }
            """;
        await (await _microsoft.PostJsonAsync($"/api/v1/plans/solve?rfq={rfqId}", scenario)).ProblemAsync(HttpStatusCode.Conflict);
        await CloseAsync(rfqId);

        var plan = await (await _microsoft.PostJsonAsync($"/api/v1/plans/solve?rfq={rfqId}", scenario)).JsonAsync();
        var offers = plan.GetProperty("offers").EnumerateArray().ToDictionary(o => o.GetProperty("offerId").GetString()!);
        Assert.Equal(new[] { iren, nebius }.Order(StringComparer.Ordinal), offers.Keys.Order(StringComparer.Ordinal));
        // Divisible: Texas takes 800 of IREN's 1,000 GPUs from March 2026, New Jersey 400 of Nebius's 500 from January.
        Assert.Equal(0.8m, offers[iren].GetProperty("fraction").GetDecimal(), 3);
        Assert.Equal(0.8m, offers[nebius].GetProperty("fraction").GetDecimal(), 3);
        Assert.Equal(["iren", "nebius"], new[] { offers[iren], offers[nebius] }.Select(o => o.GetProperty("provider").GetString()));
        var march = plan.GetProperty("months").EnumerateArray().Single(m => m.GetProperty("region").GetString() == "us-tx" && m.GetProperty("label").GetString() == "2026-03");
        Assert.Equal(800m, march.GetProperty("offtakeGpus").GetDecimal(), 3);

        var worth = await (await _microsoft.PostJsonAsync($"/api/v1/plans/compare?rfq={rfqId}&without={iren}", scenario)).JsonAsync();
        Assert.True(worth.GetProperty("valueUsd").GetDecimal() > 0m);

        // Only the RFQ's buyer plans with its offers, and only for a scenario that has the offers' regions.
        var other = await (await _meta.PostJsonAsync($"/api/v1/plans/solve?rfq={rfqId}", scenario)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["rfq"], other.ErrorFields());
        var texasOnly = scenario.Replace("""{ "id": "us-nj", "demand": [ { "fromMonth": 0, "toMonth": 24, "amount": 400 } ] }""", """{ "id": "us-ca", "demand": [ 0 ] }""", StringComparison.Ordinal)
            .Replace("""[ 0 ]""", "[" + string.Join(", ", Enumerable.Repeat("0", 24)) + "]", StringComparison.Ordinal);
        var missing = await (await _microsoft.PostJsonAsync($"/api/v1/plans/solve?rfq={rfqId}", texasOnly)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["rfq"], missing.ErrorFields());
        Assert.Contains("us-nj", missing.GetProperty("errors").GetProperty("rfq")[0].GetString());
    }

    /// <summary>Microsoft opens a sealed RFQ for GB300 in Texas or New Jersey, 24 months from 2026, closing in a few seconds.</summary>
    private async Task<JsonElement> OpenRfqAsync(int gpus, decimal prepayment) =>
        await Market.Created(await _microsoft.PostAsJsonAsync("/api/v1/rfqs", new
        {
            skus = new[] { "GB300" }, gpus, regions = new[] { "us-tx", "us-nj" }, earliestStart = "2026-01", latestStart = "2026-12",
            termMonths = 24, maxPricePerGpuHour = "4.00", prepaymentFraction = prepayment, minAvailabilityPercent = 99, graceMonths = 2,
            closesAt = _clock.GetUtcNow().AddMinutes(5).ToString("O"),
        }));

    /// <summary>Moves the exchange's clock past the RFQ's closing time (five minutes after it opened) and checks it closed.</summary>
    private async Task CloseAsync(string rfqId)
    {
        _clock.Advance(TimeSpan.FromMinutes(6));
        var rfq = await (await _microsoft.GetAsync($"/api/v1/rfqs/{rfqId}")).JsonAsync();
        Assert.Equal("closed", rfq.GetProperty("status").GetString());
    }
}

public sealed class SqliteOfftakeFlowTests : OfftakeFlowContract
{
    protected override ServerOptions Configure(ServerOptions options) => options;
}

public sealed class PostgresOfftakeFlowTests : OfftakeFlowContract
{
    protected override ServerOptions Configure(ServerOptions options) =>
        options with { PostgresConnectionString = PostgresServer.CreateDatabase("offtake") };
}
