using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Access;
using Neocloud.Server.Hosting;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>
/// The contract book's terms end to end over real HTTP: an RFQ with an escalator, calendar billing, a delayed
/// prepayment credit and delivery damages, an offer that improves the damages, and the contract's assignment — one
/// proposal declined, one accepted by the seller and the assignee, the invoices split at its month, the resale pool's
/// hours moving to the assignee, and a third party seeing none of it.
/// </summary>
public abstract class ContractBookFlowContract : IAsyncLifetime
{
    private static readonly CalendarMonth s_from = CalendarMonth.Parse("2026-01");

    private readonly TestClock _clock = new();
    private TestServer _server = null!;
    private HttpClient _iren = null!, _microsoft = null!, _lab = null!, _openai = null!, _meta = null!;

    /// <summary>Chooses the store.</summary>
    protected abstract ServerOptions Configure(ServerOptions options);

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(options => Configure(options) with { Clock = _clock });
        _iren = _server.Client(await _server.NewOrganizationAsync("iren", Scopes.MarketRead, Scopes.MarketTrade, Scopes.PoolsWrite));
        _microsoft = _server.Client(await _server.NewOrganizationAsync("microsoft", Scopes.MarketRead, Scopes.MarketTrade));
        _lab = _server.Client(await _server.NewOrganizationAsync("lab", Scopes.MarketRead, Scopes.MarketTrade));
        _openai = _server.Client(await _server.NewOrganizationAsync("openai", Scopes.MarketRead, Scopes.MarketTrade));
        _meta = _server.Client(await _server.NewOrganizationAsync("meta", Scopes.MarketRead, Scopes.MarketTrade));
        await Market.Created(await _iren.PostAsJsonAsync("/api/v1/pools", new
        {
            id = "iren-book", sku = "GB300", region = "us-tx",
            capacity = new[] { new { start = s_from.FirstHour.Value, end = s_from.AddMonths(60).FirstHour.Value, gpus = 1000 } },
        }));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private CalendarMonth Now => CalendarMonth.Of(_clock.GetUtcNow());

    private object Rfq(object? priceIndex = null, decimal ld = 2m, decimal ldCap = 10m) => new
    {
        skus = new[] { "GB300" }, gpus = 500, regions = new[] { "us-tx" }, earliestStart = Now.AddMonths(-1).ToString(), latestStart = Now.AddMonths(1).ToString(),
        termMonths = 24, maxPricePerGpuHour = "4.00", prepaymentFraction = 0.2, closesAt = _clock.GetUtcNow().AddMinutes(5).ToString("O"), billing = "calendar",
        prepaymentCreditFromMonth = 3, priceIndex = priceIndex ?? new { kind = "fixed", ratePerYear = 0.03, resetEveryMonths = 12 }, ldPercentPerMonth = ld,
        ldCapPercent = ldCap,
    };

    /// <summary>A contract of two tranches from IREN's pool: 300 GPUs since last month (delivered then), 200 from this month (delivered now).</summary>
    private async Task<JsonElement> ContractAsync()
    {
        var rfqId = (await Market.Created(await _microsoft.PostAsJsonAsync("/api/v1/rfqs", Rfq()))).GetProperty("id").GetString()!;
        var offer = await Market.Created(await _iren.PostAsJsonAsync($"/api/v1/rfqs/{rfqId}/offers", new
        {
            sku = "GB300", pricePerGpuHour = "3.00", prepaymentFraction = 0.2, availabilityPercent = 99.5, ldPercentPerMonth = 3,
            tranches = new object[]
            {
                new { pool = "iren-book", gpus = 300, start = Now.AddMonths(-1).ToString(), termMonths = 24 },
                new { pool = "iren-book", gpus = 200, start = Now.ToString(), termMonths = 24 },
            },
        }));
        _clock.Advance(TimeSpan.FromMinutes(6));
        var contract = (await Market.Created(await _microsoft.PostAsJsonAsync($"/api/v1/rfqs/{rfqId}/award",
            new { awards = new[] { new { offer = offer.GetProperty("id").GetString() } } })))[0];
        var id = contract.GetProperty("id").GetString()!;
        await Market.Created(await _iren.PostAsJsonAsync($"/api/v1/offtakes/{id}/deliveries", new { tranche = 1, month = Now.AddMonths(-1).ToString() }));
        return await Market.Created(await _iren.PostAsJsonAsync($"/api/v1/offtakes/{id}/deliveries", new { tranche = 2, month = Now.ToString() }));
    }

    [Fact]
    public async Task The_contract_carries_its_terms_and_every_invoice_shows_base_factor_and_billed_price()
    {
        var contract = await ContractAsync();
        var id = contract.GetProperty("id").GetString()!;
        Assert.Equal("calendar", contract.GetProperty("billing").GetString());
        Assert.Equal(3, contract.GetProperty("prepaymentCreditFromMonth").GetInt32());
        Assert.Equal(Now.AddMonths(2).ToString(), contract.GetProperty("prepaymentCreditFrom").GetString());
        Assert.Equal("fixed", contract.GetProperty("priceIndex").GetProperty("kind").GetString());
        Assert.Equal(3m, contract.GetProperty("ldPercentPerMonth").GetDecimal()); // the offer improved the RFQ's 2%
        Assert.Equal(10m, contract.GetProperty("ldCapPercent").GetDecimal());

        var invoices = (await (await _microsoft.GetAsync($"/api/v1/offtakes/{id}/invoices")).JsonAsync()).EnumerateArray().ToList();
        var first = invoices.Single(i => i.GetProperty("month").GetString() == Now.AddMonths(1).ToString());
        var hours = DateTime.DaysInMonth(Now.AddMonths(1).Year, Now.AddMonths(1).Month) * 24;
        Assert.Equal("calendar", first.GetProperty("billing").GetString());
        Assert.Equal(hours, first.GetProperty("hoursPerGpu").GetInt32());
        Assert.Equal((3.00m, 1m, 3.00m), (first.GetProperty("basePricePerGpuHour").GetDecimal(), first.GetProperty("factor").GetDecimal(),
            first.GetProperty("billedPricePerGpuHour").GetDecimal()));
        Assert.Equal(500m * hours * 3.00m, first.GetProperty("serviceUsd").GetDecimal());
        Assert.Equal(0m, first.GetProperty("prepaymentAppliedUsd").GetDecimal()); // the credit starts in the third month of service
        var escalated = invoices.Single(i => i.GetProperty("month").GetString() == Now.AddMonths(11).ToString()); // a year after the first tranche's start
        Assert.Equal(1.03m, decimal.Round(escalated.GetProperty("factor").GetDecimal(), 10));
        Assert.Equal(decimal.Round(3.09m, 10), decimal.Round(escalated.GetProperty("billedPricePerGpuHour").GetDecimal(), 10));
        Assert.All(invoices, i => Assert.Equal("microsoft", i.GetProperty("billedTo").GetString()));
    }

    [Fact]
    public async Task A_series_escalator_prices_invoices_with_the_uploaded_index()
    {
        // The contract's escalation starts with the first tranche, last month (index 100); it resets every month.
        var rfqId = (await Market.Created(await _microsoft.PostAsJsonAsync("/api/v1/rfqs",
            Rfq(new { kind = "series", series = "cpi-book", resetEveryMonths = 1, cap = 1.2 })))).GetProperty("id").GetString()!;
        var offer = await Market.Created(await _iren.PostAsJsonAsync($"/api/v1/rfqs/{rfqId}/offers", new
        {
            sku = "GB300", pricePerGpuHour = "2.00", availabilityPercent = 99.5, tranches = new[] { new { pool = "iren-book", gpus = 100, start = Now.AddMonths(-1).ToString(), termMonths = 24 } },
        }));
        _clock.Advance(TimeSpan.FromMinutes(6));
        var id = (await Market.Created(await _microsoft.PostAsJsonAsync($"/api/v1/rfqs/{rfqId}/award",
            new { awards = new[] { new { offer = offer.GetProperty("id").GetString() } } })))[0].GetProperty("id").GetString()!;
        using var admin = _server.Admin();
        await (await admin.PostJsonAsync("/api/v1/indices/cpi-book",
            $$"""{"values":[{"month":"{{Now.AddMonths(-1)}}","value":"100"},{"month":"{{Now.AddMonths(1)}}","value":"105"},{"month":"{{Now.AddMonths(3)}}","value":"130"}]}""")).JsonAsync();

        var invoices = (await (await _microsoft.GetAsync($"/api/v1/offtakes/{id}/invoices")).JsonAsync()).EnumerateArray()
            .ToDictionary(i => i.GetProperty("month").GetString()!, i => i);
        decimal Factor(int months) => invoices[Now.AddMonths(months).ToString()].GetProperty("factor").GetDecimal();
        Assert.Equal([1m, 1m, 1.05m, 1.05m, 1.2m, 1.2m], new[] { -1, 0, 1, 2, 3, 4 }.Select(Factor)); // 130/100 capped at 1.2
        var month = invoices[Now.AddMonths(1).ToString()];
        Assert.Equal(2.10m, month.GetProperty("billedPricePerGpuHour").GetDecimal());
        var hours = DateTime.DaysInMonth(Now.AddMonths(1).Year, Now.AddMonths(1).Month) * 24;
        Assert.Equal(0m, month.GetProperty("serviceUsd").GetDecimal()); // not delivered: nothing billed, but the price is there
        await Market.Created(await _iren.PostAsJsonAsync($"/api/v1/offtakes/{id}/deliveries", new { tranche = 1, month = Now.AddMonths(-1).ToString() }));
        month = (await (await _microsoft.GetAsync($"/api/v1/offtakes/{id}/invoices")).JsonAsync()).EnumerateArray()
            .Single(i => i.GetProperty("month").GetString() == Now.AddMonths(1).ToString());
        Assert.Equal(100m * hours * 2.10m, month.GetProperty("serviceUsd").GetDecimal());
    }

    [Fact]
    public async Task An_assignment_declined_by_one_and_accepted_by_both_splits_invoices_and_moves_the_resale_pool()
    {
        var contract = await ContractAsync();
        var id = contract.GetProperty("id").GetString()!;
        var from = Now.AddMonths(2);
        var resale = contract.GetProperty("tranches")[0].GetProperty("resalePool").GetString()!;

        // A proposal to OpenAI of tranche 2, which OpenAI declines; nothing moves.
        var declined = await Market.Created(await _microsoft.PostAsJsonAsync($"/api/v1/offtakes/{id}/assignments",
            new { to = "openai", tranches = new[] { 2 }, fromMonth = from.ToString() }));
        var declinedId = declined.GetProperty("id").GetString()!;
        await (await _meta.PostAsync($"/api/v1/offtakes/{id}/assignments/{declinedId}/decline", null)).ProblemAsync(HttpStatusCode.NotFound);
        var answer = await (await _openai.PostAsync($"/api/v1/offtakes/{id}/assignments/{declinedId}/decline", null)).JsonAsync();
        Assert.Equal(("declined", "openai"), (answer.GetProperty("status").GetString(), answer.GetProperty("declinedBy").GetString()));
        await (await _iren.PostAsync($"/api/v1/offtakes/{id}/assignments/{declinedId}/accept", null)).ProblemAsync(HttpStatusCode.Conflict);
        await (await _openai.GetAsync($"/api/v1/offtakes/{id}")).ProblemAsync(HttpStatusCode.NotFound);

        // Tranche 1 (300 GPUs) to the lab from two months on: the seller accepts, then the assignee.
        var proposed = await Market.Created(await _microsoft.PostAsJsonAsync($"/api/v1/offtakes/{id}/assignments",
            new { to = "lab", tranches = new[] { 1 }, fromMonth = from.ToString() }));
        var assignment = proposed.GetProperty("id").GetString()!;
        Assert.Equal("proposed", proposed.GetProperty("status").GetString());
        await (await _microsoft.PostAsync($"/api/v1/offtakes/{id}/assignments/{assignment}/accept", null)).ProblemAsync(HttpStatusCode.Forbidden);
        var half = await (await _iren.PostAsync($"/api/v1/offtakes/{id}/assignments/{assignment}/accept", null)).JsonAsync();
        Assert.Equal("proposed", half.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, half.GetProperty("sellerAccepted").ValueKind);
        await (await _iren.PostAsync($"/api/v1/offtakes/{id}/assignments/{assignment}/accept", null)).ProblemAsync(HttpStatusCode.Conflict);
        var done = await (await _lab.PostAsync($"/api/v1/offtakes/{id}/assignments/{assignment}/accept", null)).JsonAsync();
        Assert.Equal("accepted", done.GetProperty("status").GetString());
        var labPool = Assert.Single(done.GetProperty("resalePools").EnumerateArray()).GetString()!;

        // The resale pool changed owner from the assignment's month: the lab sells those hours, the buyer no longer can.
        var later = (from.AddMonths(1).FirstHour.Value, from.AddMonths(1).FirstHour.Value + 48);
        await (await _microsoft.PostAsJsonAsync("/api/v1/orders/asks", new { pool = resale, gpus = 1, start = later.Item1, end = later.Item2, price = "3.9000" }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity);
        await Market.Created(await _lab.PostAsJsonAsync("/api/v1/orders/asks", new { pool = labPool, gpus = 300, start = later.Item1, end = later.Item2, price = "3.9000" }));
        var before = (Now.AddMonths(1).FirstHour.Value, Now.AddMonths(1).FirstHour.Value + 48);
        await Market.Created(await _microsoft.PostAsJsonAsync("/api/v1/orders/asks", new { pool = resale, gpus = 300, start = before.Item1, end = before.Item2, price = "3.9000" }));

        // Invoices split at the month: the lab pays for tranche 1 from then, Microsoft for the rest and everything before.
        var lab = (await (await _lab.GetAsync($"/api/v1/offtakes/{id}/invoices")).JsonAsync()).EnumerateArray().ToList();
        Assert.All(lab, i => Assert.Equal("lab", i.GetProperty("billedTo").GetString()));
        Assert.Equal(from.ToString(), lab[0].GetProperty("month").GetString());
        var hours = DateTime.DaysInMonth(from.Year, from.Month) * 24;
        Assert.Equal(300m * hours * 3.00m, lab[0].GetProperty("serviceUsd").GetDecimal());
        var microsoft = (await (await _microsoft.GetAsync($"/api/v1/offtakes/{id}/invoices")).JsonAsync()).EnumerateArray().ToList();
        Assert.All(microsoft, i => Assert.Equal("microsoft", i.GetProperty("billedTo").GetString()));
        Assert.Equal(200m * hours * 3.00m, microsoft.Single(i => i.GetProperty("month").GetString() == from.ToString()).GetProperty("serviceUsd").GetDecimal());
        Assert.Equal(500m * DateTime.DaysInMonth(Now.AddMonths(1).Year, Now.AddMonths(1).Month) * 24 * 3.00m,
            microsoft.Single(i => i.GetProperty("month").GetString() == Now.AddMonths(1).ToString()).GetProperty("serviceUsd").GetDecimal());
        var seller = (await (await _iren.GetAsync($"/api/v1/offtakes/{id}/invoices")).JsonAsync()).EnumerateArray().ToList();
        Assert.Equal(lab.Count + microsoft.Count, seller.Count);
        Assert.Equal(lab.Concat(microsoft).Sum(i => i.GetProperty("dueUsd").GetDecimal()), seller.Sum(i => i.GetProperty("dueUsd").GetDecimal()));

        // The assignee lists the contract and sees its own assignment only (not the one proposed to OpenAI); a third
        // party sees neither the contract, its assignments nor their events.
        var listed = Assert.Single((await (await _lab.GetAsync("/api/v1/offtakes")).JsonAsync()).EnumerateArray(), c => c.GetProperty("id").GetString() == id);
        Assert.Equal([assignment], listed.GetProperty("assignments").EnumerateArray().Select(a => a.GetProperty("id").GetString()));
        Assert.Equal([assignment], (await (await _lab.GetAsync($"/api/v1/offtakes/{id}")).JsonAsync()).GetProperty("assignments").EnumerateArray()
            .Select(a => a.GetProperty("id").GetString()));
        Assert.Equal(2, (await (await _microsoft.GetAsync($"/api/v1/offtakes/{id}")).JsonAsync()).GetProperty("assignments").GetArrayLength());
        await (await _meta.GetAsync($"/api/v1/offtakes/{id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await _meta.GetAsync($"/api/v1/offtakes/{id}/assignments")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.DoesNotContain(id, await (await _meta.GetAsync("/api/v1/events?limit=1000")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Time issues the assignment month's invoice: each part to whoever pays it and to the seller, to nobody else.
        _clock.Advance(from.AddMonths(1).FirstHour.StartUtc - _clock.GetUtcNow() + TimeSpan.FromHours(1));
        async Task<List<(string Month, string BilledTo)>> Invoiced(HttpClient party) =>
            (await (await party.GetAsync("/api/v1/events?types=invoice.issued&limit=1000")).JsonAsync()).GetProperty("events").EnumerateArray()
                .Select(e => e.GetProperty("data")).Where(d => d.GetProperty("contract").GetString() == id)
                .Select(d => (d.GetProperty("invoice").GetProperty("month").GetString()!, d.GetProperty("invoice").GetProperty("billedTo").GetString()!)).ToList();
        var issued = await Eventually.UntilAsync(() => Invoiced(_iren), heard => heard.Count(i => i.Month == from.ToString()) == 2, "both parts of the month's invoice");
        Assert.Equal([(from.ToString(), "lab")], await Invoiced(_lab));
        var buyerHeard = await Invoiced(_microsoft);
        Assert.All(buyerHeard, i => Assert.Equal("microsoft", i.BilledTo));
        Assert.Equal(issued.Where(i => i.BilledTo == "microsoft").Order(), buyerHeard.Order());
        Assert.Empty(await Invoiced(_openai));
        Assert.Empty(await Invoiced(_meta));

        foreach (var (party, types) in new[]
        {
            (_microsoft, new[] { "contract.assignment_proposed", "contract.assignment_declined", "contract.assignment_proposed", "contract.assignment_accepted",
                "contract.assignment_accepted", "contract.assigned" }),
            (_lab, new[] { "contract.assignment_proposed", "contract.assignment_accepted", "contract.assignment_accepted", "contract.assigned" }),
            (_openai, new[] { "contract.assignment_proposed", "contract.assignment_declined" }),
        })
        {
            var heard = (await (await party.GetAsync("/api/v1/events?limit=1000")).JsonAsync()).GetProperty("events").EnumerateArray()
                .Select(e => e.GetProperty("type").GetString()).Where(t => t!.StartsWith("contract.assign", StringComparison.Ordinal)).ToList();
            Assert.Equal(types, heard);
        }
    }

    [Fact]
    public async Task The_seller_and_the_assignee_accepting_at_once_complete_the_assignment_exactly_once()
    {
        var contract = await ContractAsync();
        var id = contract.GetProperty("id").GetString()!;
        var assignment = (await Market.Created(await _microsoft.PostAsJsonAsync($"/api/v1/offtakes/{id}/assignments",
            new { to = "lab", tranches = new[] { 2 }, fromMonth = Now.AddMonths(1).ToString() }))).GetProperty("id").GetString()!;

        // Both acceptances race; the shard decides them one after the other, so exactly one of them is the second.
        var answers = await Task.WhenAll(
            _iren.PostAsync($"/api/v1/offtakes/{id}/assignments/{assignment}/accept", null),
            _lab.PostAsync($"/api/v1/offtakes/{id}/assignments/{assignment}/accept", null));
        var statuses = new List<string>();
        foreach (var answer in answers) statuses.Add((await answer.JsonAsync()).GetProperty("status").GetString()!);
        Assert.Equal(["accepted", "proposed"], statuses.Order(StringComparer.Ordinal));

        var listed = (await (await _lab.GetAsync($"/api/v1/offtakes/{id}/assignments")).JsonAsync())[0];
        Assert.Equal("accepted", listed.GetProperty("status").GetString());
        var pool = Assert.Single(listed.GetProperty("resalePools").EnumerateArray()).GetString()!;
        var hours = (Now.AddMonths(2).FirstHour.Value, Now.AddMonths(2).FirstHour.Value + 24);
        await Market.Created(await _lab.PostAsJsonAsync("/api/v1/orders/asks", new { pool, gpus = 200, start = hours.Item1, end = hours.Item2, price = "3.9000" }));
        var assigned = (await (await _lab.GetAsync("/api/v1/events?limit=1000")).JsonAsync()).GetProperty("events").EnumerateArray()
            .Count(e => e.GetProperty("type").GetString() == "contract.assigned");
        Assert.Equal(1, assigned);
        await (await _iren.PostAsync($"/api/v1/offtakes/{id}/assignments/{assignment}/accept", null)).ProblemAsync(HttpStatusCode.Conflict);
        await (await _lab.PostAsync($"/api/v1/offtakes/{id}/assignments/{assignment}/accept", null)).ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Bad_terms_and_bad_assignments_get_4xx_naming_the_field()
    {
        var floorCap = await (await _microsoft.PostAsJsonAsync("/api/v1/rfqs", Rfq(new { kind = "fixed", ratePerYear = 0.03, floor = 1.1, cap = 1.05 })))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["priceIndex.cap"], floorCap.ErrorFields());
        var negative = await (await _microsoft.PostAsJsonAsync("/api/v1/rfqs", Rfq(ld: -1m))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["ldPercentPerMonth"], negative.ErrorFields());
        var noRate = await (await _microsoft.PostAsJsonAsync("/api/v1/rfqs", Rfq(new { kind = "fixed", resetEveryMonths = 0 }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["priceIndex.ratePerYear", "priceIndex.resetEveryMonths"], noRate.ErrorFields().Order(StringComparer.Ordinal));
        var unknownKind = await (await _microsoft.PostAsJsonAsync("/api/v1/rfqs", Rfq(new { kind = "moon" }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["priceIndex.kind"], unknownKind.ErrorFields());

        var id = (await ContractAsync()).GetProperty("id").GetString()!;
        async Task<IReadOnlyList<string>> Refused(HttpClient who, object body, HttpStatusCode status = HttpStatusCode.BadRequest) =>
            (await (await who.PostAsJsonAsync($"/api/v1/offtakes/{id}/assignments", body)).ProblemAsync(status)).ErrorFields();
        Assert.Equal(["to"], await Refused(_microsoft, new { to = "microsoft", tranches = new[] { 1 }, fromMonth = Now.AddMonths(1).ToString() }));
        Assert.Equal(["to"], await Refused(_microsoft, new { to = "nobody-here", tranches = new[] { 1 }, fromMonth = Now.AddMonths(1).ToString() }));
        Assert.Equal(["fromMonth"], await Refused(_microsoft, new { to = "lab", tranches = new[] { 1 }, fromMonth = Now.AddMonths(-1).ToString() }));
        Assert.Equal(["tranches"], await Refused(_microsoft, new { to = "lab", tranches = new[] { 1 }, share = 0.5, fromMonth = Now.AddMonths(1).ToString() }));
        Assert.Equal(["tranches"], await Refused(_microsoft, new { to = "lab", tranches = new[] { 7 }, fromMonth = Now.AddMonths(1).ToString() }));
        Assert.Equal(["share"], await Refused(_microsoft, new { to = "lab", share = 1.5, fromMonth = Now.AddMonths(1).ToString() }));
        await Refused(_iren, new { to = "lab", tranches = new[] { 1 }, fromMonth = Now.AddMonths(1).ToString() }, HttpStatusCode.Forbidden);
        await Refused(_meta, new { to = "lab", tranches = new[] { 1 }, fromMonth = Now.AddMonths(1).ToString() }, HttpStatusCode.NotFound);
        Assert.Empty((await (await _microsoft.GetAsync($"/api/v1/offtakes/{id}/assignments")).JsonAsync()).EnumerateArray());
    }
}

public sealed class SqliteContractBookFlowTests : ContractBookFlowContract
{
    protected override ServerOptions Configure(ServerOptions options) => options;
}

public sealed class PostgresContractBookFlowTests : ContractBookFlowContract
{
    protected override ServerOptions Configure(ServerOptions options) =>
        options with { PostgresConnectionString = PostgresServer.CreateDatabase("contractbook") };
}
