using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Neocloud.Exchange.Demo;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>
/// <c>serve --demo</c>: the demo buyers trade against limits with collateral, the paying ones settle what they owe, and one
/// never pays; and the development identity provider runs beside it, so the demo people can sign in.
/// </summary>
public sealed class DemoAccountsTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(options => options with { Demo = true });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_demo_buyers_get_limits_and_collateral_and_their_treasuries_settle()
    {
        using var admin = _server.Admin();
        var accounts = await Eventually.UntilAsync(async () => (await (await admin.GetAsync("/api/v1/admin/accounts")).JsonAsync()).GetProperty("accounts").EnumerateArray()
                .Where(a => DemoTraders.Budgets.ContainsKey(a.GetProperty("organization").GetString()!)).ToList(),
            // Microsoft's seeded contract (its prepayment, and the invoices of the months closed, which the time sweep issues
            // soon after the start) is settled by its treasury every few demo orders: then it can trade.
            found => found.Count == DemoTraders.Budgets.Count && found.All(a => a.GetProperty("limitUsd").ValueKind == JsonValueKind.String)
                && found.Any(a => a.GetProperty("organization").GetString() == "microsoft" && Cents(a.GetProperty("availableUsd")) > 0),
            "every demo buyer with a limit, and Microsoft's seeded contract settled");
        foreach (var account in accounts)
        {
            var (limit, collateral, _) = DemoTraders.Budgets[account.GetProperty("organization").GetString()!];
            Assert.Equal((limit, collateral), (Cents(account.GetProperty("limitUsd")), Cents(account.GetProperty("collateralUsd"))));
        }
        var microsoft = accounts.Single(a => a.GetProperty("organization").GetString() == "microsoft");
        Assert.True(Cents(microsoft.GetProperty("availableUsd")) > 0, microsoft.ToString());
        var entries = (await (await admin.GetAsync("/api/v1/admin/organizations/microsoft/account")).JsonAsync());
        Assert.True(Cents(entries.GetProperty("balanceUsd")) >= -Cents(entries.GetProperty("limitUsd")), entries.ToString());
    }

    [Fact]
    public async Task The_demo_runs_an_identity_provider_whose_people_sign_in_with_their_roles()
    {
        // The issuer the server was configured with is the in-process provider's (nothing else was given).
        var issuer = _server.Services.GetRequiredService<Neocloud.Server.Hosting.ServerOptions>().Oidc!.Authority;
        Assert.True(issuer.IsLoopback, issuer.ToString());
        using var idp = new HttpClient { BaseAddress = issuer };
        var token = await idp.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = "neocloud-dashboard", ["username"] = "alice@microsoft", ["password"] = "demo", ["scope"] = "openid",
        }));
        Assert.True(token.IsSuccessStatusCode, await token.Content.ReadAsStringAsync());
        var access = (await token.JsonAsync()).GetProperty("access_token").GetString()!;
        var me = await (await _server.Client(access).GetAsync("/api/v1/me")).JsonAsync();
        Assert.Equal(("person", "Alice Chen", "microsoft"), (me.GetProperty("kind").GetString(), me.GetProperty("name").GetString(), me.GetProperty("organization").GetString()));
        Assert.Contains("trader", me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Within_a_minute_the_demo_trades_with_alternatives_a_portfolio_and_an_extension()
    {
        var buyers = new List<HttpClient>();
        foreach (var buyer in DemoTraders.Budgets.Keys) buyers.Add(_server.Client(await _server.NewOrganizationAsync(buyer, "market:read")));
        var seen = await Eventually.UntilAsync(async () =>
        {
            var (alternatives, portfolio, extension) = (false, false, false);
            foreach (var client in buyers)
            {
                var orders = (await (await client.GetAsync("/api/v1/orders?limit=1000")).JsonAsync()).GetProperty("items").EnumerateArray().ToList();
                var traded = orders.Where(o => o.GetProperty("tradedGpuHours").GetInt64() > 0 && !o.GetProperty("id").GetString()!.Contains('#')).ToList();
                alternatives |= traded.Any(o => o.TryGetProperty("alternatives", out var a) && a.ValueKind == JsonValueKind.Array);
                extension |= traded.Any(o => o.GetProperty("side").GetString() == "bid" && o.GetProperty("pool").ValueKind == JsonValueKind.String);
                var portfolios = (await (await client.GetAsync("/api/v1/orders/portfolios?limit=1000")).JsonAsync()).GetProperty("items").EnumerateArray();
                portfolio |= portfolios.Any(p => p.GetProperty("status").GetString() == "filled");
            }
            return (alternatives, portfolio, extension);
        }, found => found is (true, true, true), "trades from a bid with alternatives, a portfolio and an extension", TimeSpan.FromSeconds(90));
        Assert.Equal((true, true, true), seen);
        // And the standing procurement runs for OpenAI.
        var procurements = (await (await buyers[DemoTraders.Budgets.Keys.ToList().IndexOf("openai")].GetAsync("/api/v1/procurements")).JsonAsync()).GetProperty("items");
        Assert.Contains(procurements.EnumerateArray(), p => p.GetProperty("status").GetString() == "active");
        foreach (var client in buyers) client.Dispose();
    }

    private static long Cents(JsonElement money) => (long)(decimal.Parse(money.GetString()!, CultureInfo.InvariantCulture) * 100m);
}
