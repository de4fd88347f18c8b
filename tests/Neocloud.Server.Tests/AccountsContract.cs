using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Neocloud.Server.Hosting;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>
/// Accounts and the credit check over real HTTP (DESIGN.md "Accounts and counterparty risk"), on SQLite and PostgreSQL:
/// limits, refusals naming <c>credit</c>, headroom given back by fills and cancels, 64 connections against one limit,
/// and balances that sum to zero with the exchange's cash account.
/// </summary>
public abstract class AccountsContract : IAsyncLifetime
{
    private const int S = Market.Start;
    private TestServer _server = null!;
    private Market _market = null!;
    private HttpClient _admin = null!;

    protected abstract ServerOptions Configure(ServerOptions options);

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(Configure);
        _market = await Market.OpenAsync(_server);
        _admin = _server.Admin();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<JsonElement> SetLimitAsync(string organization, string? limitUsd)
    {
        var response = await _admin.PutAsync($"/api/v1/admin/organizations/{organization}/credit",
            JsonContent.Create(new Dictionary<string, string?> { ["limitUsd"] = limitUsd }));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    private async Task<JsonElement> RecordAsync(string organization, string kind, string amountUsd, string reference = "wire") =>
        await Market.Created(await _admin.PostAsJsonAsync($"/api/v1/admin/organizations/{organization}/ledger", new { kind, amountUsd, reference }));

    private static async Task<JsonElement> AccountAsync(HttpClient client) => await (await client.GetAsync("/api/v1/account")).JsonAsync();

    private static long Cents(JsonElement money) => (long)(decimal.Parse(money.GetString()!, CultureInfo.InvariantCulture) * 100m);

    /// <summary>GPUs × hours × price (dollars, 4 decimals), up to the cent: what a bid commits.</summary>
    private static long Cost(long gpus, long hours, string price) => (long)decimal.Ceiling(gpus * hours * decimal.Parse(price, CultureInfo.InvariantCulture) * 100m);

    /// <summary>A trade's notional, half-even to the cent.</summary>
    private static long Notional(long gpus, long hours, string price) =>
        (long)decimal.Round(gpus * hours * decimal.Parse(price, CultureInfo.InvariantCulture) * 100m, 0, MidpointRounding.ToEven);

    [Fact]
    public async Task A_bid_beyond_what_is_available_is_refused_naming_credit_and_changes_nothing()
    {
        var set = await SetLimitAsync("meta", "10000.00");
        Assert.Equal(("10000.00", "10000.00", "0.00"), (set.GetProperty("limitUsd").GetString(), set.GetProperty("availableUsd").GetString(),
            set.GetProperty("committedUsd").GetString()));

        // 10 GPUs × 100 hours × 12.00 = 12,000 > 10,000.
        var refused = await _market.Meta.PostAsJsonAsync("/api/v1/orders/bids", new { sku = "GB300", gpus = 10, start = S, end = S + 100, limit = "12.0000" });
        var problem = await refused.ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(["credit"], problem.ErrorFields());
        Assert.Contains("needed 12000.00, available 10000.00", problem.GetProperty("errors").GetProperty("credit")[0].GetString(), StringComparison.Ordinal);
        var orders = await (await _market.Meta.GetAsync("/api/v1/orders")).JsonAsync();
        Assert.Empty(orders.GetProperty("items").EnumerateArray());
        var book = await (await _market.Microsoft.GetAsync("/api/v1/market/GB300/book")).JsonAsync();
        Assert.Empty(book.GetProperty("bids").EnumerateArray());

        // Within the limit it rests and commits its maximum cost; a portfolio beyond what is left is refused too.
        await Market.BidAsync(_market.Meta, 10, S, S + 100, "8.0000");
        var account = await AccountAsync(_market.Meta);
        Assert.Equal(("8000.00", "2000.00"), (account.GetProperty("committedUsd").GetString(), account.GetProperty("availableUsd").GetString()));
        var portfolio = await _market.Meta.PostJsonAsync("/api/v1/orders/portfolios", $$"""
            {"legs":[{"sku":"GB300","gpus":2,"start":{{S}},"end":{{S + 100}},"limit":"6.0000"},{"sku":"GB300","gpus":2,"start":{{S + 100}},"end":{{S + 200}},"limit":"6.0000"}]}
            """);
        Assert.Equal(["credit"], (await portfolio.ProblemAsync(HttpStatusCode.UnprocessableEntity)).ErrorFields());
        Assert.Single((await (await _market.Meta.GetAsync("/api/v1/orders")).JsonAsync()).GetProperty("items").EnumerateArray());

        // Microsoft has no limit: unlimited without --require-credit.
        var unlimited = await AccountAsync(_market.Microsoft);
        Assert.Equal(JsonValueKind.Null, unlimited.GetProperty("limitUsd").ValueKind);
        Assert.Equal(JsonValueKind.Null, unlimited.GetProperty("availableUsd").ValueKind);
        await Market.BidAsync(_market.Microsoft, 100, S, S + 1000, "50.0000");
    }

    [Fact]
    public async Task Cancels_and_fills_give_headroom_back_exactly()
    {
        await SetLimitAsync("meta", "5000.00");
        var irenBefore = Cents((await (await _admin.GetAsync("/api/v1/admin/organizations/iren/account")).JsonAsync()).GetProperty("balanceUsd"));
        var resting = await Market.BidAsync(_market.Meta, 4, S, S + 100, "3.0000");
        Assert.Equal("1200.00", (await AccountAsync(_market.Meta)).GetProperty("committedUsd").GetString());
        Assert.Equal(HttpStatusCode.OK, (await _market.Meta.DeleteAsync($"/api/v1/orders/{resting.GetProperty("order").GetProperty("id").GetString()}")).StatusCode);
        var cancelled = await AccountAsync(_market.Meta);
        Assert.Equal(("0.00", "5000.00"), (cancelled.GetProperty("committedUsd").GetString(), cancelled.GetProperty("availableUsd").GetString()));

        // A resting bid filled by an ask trades at its own limit: what it committed becomes its trade's debit.
        await Market.BidAsync(_market.Meta, 4, S, S + 100, "3.0000");
        await Market.AskAsync(_market.Iren, 4, S, S + 100, "2.5000");
        var rested = await AccountAsync(_market.Meta);
        Assert.Equal((0L, -120000L, 380000L), (Cents(rested.GetProperty("committedUsd")), Cents(rested.GetProperty("balanceUsd")), Cents(rested.GetProperty("availableUsd"))));

        // A bid at 3.00 that takes a resting ask at 2.5075 is checked at its maximum cost and debited the trade's notional.
        await Market.AskAsync(_market.Iren, 4, S + 100, S + 200, "2.5075");
        await Market.BidAsync(_market.Meta, 4, S + 100, S + 200, "3.0000");
        var filled = await AccountAsync(_market.Meta);
        var notional = Notional(4, 100, "2.5075");
        Assert.Equal((0L, -120000 - notional, 380000 - notional), (Cents(filled.GetProperty("committedUsd")), Cents(filled.GetProperty("balanceUsd")),
            Cents(filled.GetProperty("availableUsd"))));
        var seller = await (await _admin.GetAsync("/api/v1/admin/organizations/iren/account")).JsonAsync();
        Assert.Equal(120000 + notional, Cents(seller.GetProperty("balanceUsd")) - irenBefore);

        // A payment restores what the trades used; the statement shows all three.
        await RecordAsync("meta", "payment", ((120000 + notional) / 100m).ToString("0.00", CultureInfo.InvariantCulture));
        Assert.Equal("5000.00", (await AccountAsync(_market.Meta)).GetProperty("availableUsd").GetString());
        var entries = (await (await _market.Meta.GetAsync("/api/v1/account/entries")).JsonAsync()).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["trade", "trade", "payment"], entries.Select(e => e.GetProperty("kind").GetString()));
        Assert.Equal([-120000, -notional, 120000 + notional], entries.Select(e => Cents(e.GetProperty("amountUsd"))));
        Assert.Equal(["iren", "iren", "exchange"], entries.Select(e => e.GetProperty("counterparty").GetString()));
    }

    [Fact]
    public async Task Sixty_four_connections_bidding_against_one_limit_never_commit_more_than_it()
    {
        const long limit = 2_000_000; // $20,000.00
        await SetLimitAsync("meta", "20000.00");
        await RecordAsync("meta", "collateral", "1000.00");
        var token = _market.Meta.DefaultRequestHeaders.Authorization!.Parameter;
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 64 };
        using var buyer = new HttpClient(handler) { BaseAddress = _server.Address };
        buyer.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var accepted = 0;
        var refused = 0;
        // Asks from the seller meanwhile fill some bids at better prices.
        var seller = Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++) await Market.AskAsync(_market.Iren, 1 + (i % 3), S + (i * 10), S + (i * 10) + 20, "1.0000");
        });
        await Task.WhenAll(Enumerable.Range(0, 64).Select(async connection =>
        {
            var random = new Random(connection);
            for (var i = 0; i < 8; i++)
            {
                var gpus = random.Next(1, 5);
                var start = S + (random.Next(0, 40) * 10);
                var price = (1m + (random.Next(0, 300) / 100m)).ToString("0.0000", CultureInfo.InvariantCulture);
                var response = await buyer.PostAsJsonAsync("/api/v1/orders/bids", new { sku = "GB300", gpus, start, end = start + 20, limit = price });
                if (response.StatusCode == HttpStatusCode.Created) Interlocked.Increment(ref accepted);
                else
                {
                    Assert.Equal(["credit"], (await response.ProblemAsync(HttpStatusCode.UnprocessableEntity)).ErrorFields());
                    Interlocked.Increment(ref refused);
                }
            }
        }));
        await seller;
        Assert.True(accepted > 0 && refused > 0, $"accepted {accepted}, refused {refused}: the test must hit the limit");

        // Sum of resting bids' maximum cost + bought notional − payments ≤ limit + collateral, from the orders and trades.
        long committed = 0;
        foreach (var order in await Api.AllAsync(_market.Meta, "/api/v1/orders?status=open"))
            committed += Cost(order.GetProperty("gpus").GetInt64(), order.GetProperty("end").GetInt64() - order.GetProperty("start").GetInt64(), order.GetProperty("price").GetString()!);
        long bought = 0;
        foreach (var trade in (await Api.AllAsync(_market.Meta, "/api/v1/trades")).Where(t => t.GetProperty("side").GetString() == "buy"))
            bought += Notional(trade.GetProperty("gpus").GetInt64(), trade.GetProperty("end").GetInt64() - trade.GetProperty("start").GetInt64(), trade.GetProperty("price").GetString()!);
        Assert.True(committed + bought <= limit + 100_000, $"committed {committed} + bought {bought} > {limit} + collateral");
        var account = await AccountAsync(_market.Meta);
        Assert.Equal((committed, -bought, 100_000L), (Cents(account.GetProperty("committedUsd")), Cents(account.GetProperty("balanceUsd")),
            Cents(account.GetProperty("collateralUsd"))));
        Assert.Equal(limit + 100_000 - bought - committed, Cents(account.GetProperty("availableUsd")));
    }

    [Fact]
    public async Task Balances_and_collateral_sum_to_zero_with_the_exchange_after_a_random_mixed_workload()
    {
        await SetLimitAsync("meta", "3000.00");
        var random = new Random(7);
        var clients = new[] { _market.Microsoft, _market.Meta };
        var open = new List<(HttpClient Owner, string Id)>();
        for (var i = 0; i < 120; i++)
        {
            var start = S + (random.Next(0, 30) * 10);
            var price = (1m + (random.Next(0, 300) / 100m)).ToString("0.0000", CultureInfo.InvariantCulture);
            switch (random.Next(0, 6))
            {
                case 0 or 1:
                {
                    var owner = clients[random.Next(2)];
                    var response = await owner.PostAsJsonAsync("/api/v1/orders/bids", new { sku = "GB300", gpus = random.Next(1, 6), start, end = start + 20, limit = price });
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        var placed = await response.JsonAsync();
                        if (placed.GetProperty("order").GetProperty("status").GetString() == "open") open.Add((owner, placed.GetProperty("order").GetProperty("id").GetString()!));
                    }
                    else Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
                    break;
                }
                case 2 or 3:
                {
                    var iren = random.Next(2) == 0;
                    await Market.AskAsync(iren ? _market.Iren : _market.Nebius, random.Next(1, 6), start, start + 20, price, iren ? "p1" : "n1");
                    break;
                }
                case 4 when open.Count > 0:
                {
                    var (owner, id) = open[random.Next(open.Count)];
                    open.RemoveAll(o => o.Id == id);
                    await owner.DeleteAsync($"/api/v1/orders/{id}");
                    break;
                }
                default:
                {
                    var organization = new[] { "microsoft", "meta", "iren", "nebius" }[random.Next(4)];
                    var kind = new[] { "payment", "payout", "collateral" }[random.Next(3)];
                    await RecordAsync(organization, kind, (random.Next(1, 100000) / 100m).ToString("0.00", CultureInfo.InvariantCulture), $"r{i}");
                    break;
                }
            }
        }

        var all = await (await _admin.GetAsync("/api/v1/admin/accounts")).JsonAsync();
        var accounts = all.GetProperty("accounts").EnumerateArray().ToList();
        var sum = accounts.Sum(a => Cents(a.GetProperty("balanceUsd")) + Cents(a.GetProperty("collateralUsd"))) + Cents(all.GetProperty("exchangeUsd"));
        Assert.Equal(0, sum);
        Assert.Contains(accounts, a => Cents(a.GetProperty("balanceUsd")) != 0);
        // Each account's balance and collateral are what its statement adds up to: two views of the same money.
        foreach (var (organization, client) in new[] { ("microsoft", _market.Microsoft), ("meta", _market.Meta), ("iren", _market.Iren), ("nebius", _market.Nebius) })
        {
            var lines = await Api.AllAsync(client, "/api/v1/account/entries", limit: 7);
            var account = accounts.Single(a => a.GetProperty("organization").GetString() == organization);
            var collateral = lines.Where(l => l.GetProperty("kind").GetString() is "collateral" or "collateral_return").Sum(l => Cents(l.GetProperty("amountUsd")));
            Assert.Equal((Cents(account.GetProperty("balanceUsd")), Cents(account.GetProperty("collateralUsd"))),
                (lines.Sum(l => Cents(l.GetProperty("amountUsd"))) - collateral, collateral));
            Assert.Equal(lines.Count, lines.Select(l => l.GetProperty("id").GetString()).Distinct().Count());
        }
    }

    [Fact]
    public async Task Bad_limits_and_ledger_entries_are_refused_naming_the_field()
    {
        var missing = await _admin.PutAsync("/api/v1/admin/organizations/meta/credit", JsonContent.Create(new { }));
        Assert.Equal(["limitUsd"], (await missing.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        var negative = await _admin.PutAsync("/api/v1/admin/organizations/meta/credit", JsonContent.Create(new { limitUsd = "-1.00" }));
        Assert.Equal(["limitUsd"], (await negative.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        var cents = await _admin.PutAsync("/api/v1/admin/organizations/meta/credit", JsonContent.Create(new { limitUsd = "1.001" }));
        Assert.Equal(["limitUsd"], (await cents.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        var unknown = await _admin.PutAsync("/api/v1/admin/organizations/nobody/credit", JsonContent.Create(new { limitUsd = "1.00" }));
        await unknown.ProblemAsync(HttpStatusCode.NotFound);
        var kind = await _admin.PostAsJsonAsync("/api/v1/admin/organizations/meta/ledger", new { kind = "gift", amountUsd = "1.00", reference = "x" });
        Assert.Equal(["kind"], (await kind.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        var zero = await _admin.PostAsJsonAsync("/api/v1/admin/organizations/meta/ledger", new { kind = "payment", amountUsd = "0.00", reference = "x" });
        Assert.Equal(["amountUsd"], (await zero.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        var overReturn = await _admin.PostAsJsonAsync("/api/v1/admin/organizations/meta/ledger", new { kind = "collateral_return", amountUsd = "1.00", reference = "x" });
        await overReturn.ProblemAsync(HttpStatusCode.Conflict);
        var notAdmin = await _market.Meta.PutAsync("/api/v1/admin/organizations/meta/credit", JsonContent.Create(new { limitUsd = "1.00" }));
        Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
        // Nothing was written: no entry, no limit.
        Assert.Equal("[]", (await (await _market.Meta.GetAsync("/api/v1/account/entries")).JsonAsync()).GetProperty("items").ToString());
        Assert.Equal(JsonValueKind.Null, (await AccountAsync(_market.Meta)).GetProperty("limitUsd").ValueKind);
    }

    [Fact]
    public async Task A_ledger_entry_retried_with_its_idempotency_key_is_recorded_once()
    {
        var body = """{"kind":"payment","amountUsd":"250.00","reference":"wire 42"}""";
        var first = await Market.Created(await _admin.PostJsonAsync("/api/v1/admin/organizations/meta/ledger", body, "pay-42"));
        var again = await Market.Created(await _admin.PostJsonAsync("/api/v1/admin/organizations/meta/ledger", body, "pay-42"));
        Assert.Equal(first.GetProperty("id").GetString(), again.GetProperty("id").GetString());
        Assert.Equal("250.00", (await AccountAsync(_market.Meta)).GetProperty("balanceUsd").GetString());
        // Another organization sees neither the entry nor the money.
        Assert.DoesNotContain("wire 42", await (await _market.Microsoft.GetAsync("/api/v1/account/entries?limit=1000")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("microsoft", (await AccountAsync(_market.Microsoft)).GetProperty("organization").GetString());
    }
}

public sealed class SqliteAccountsTests : AccountsContract
{
    protected override ServerOptions Configure(ServerOptions options) => options;
}

public sealed class PostgresAccountsTests : AccountsContract
{
    protected override ServerOptions Configure(ServerOptions options) =>
        options with { PostgresConnectionString = PostgresServer.CreateDatabase("accounts") };
}
