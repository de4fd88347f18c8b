using System.Text.Json;
using Microsoft.Playwright;
using Neocloud.Server.Identity;
using Neocloud.Testing;

namespace Neocloud.Dashboard.Tests;

/// <summary>
/// A real OpenID Connect provider (the development one, on 127.0.0.1) and a real <c>neocloud serve --oidc-authority …</c>:
/// people sign in through the provider's page and its redirects in Chromium.
/// </summary>
public sealed class PeopleFixture : IAsyncLifetime
{
    private readonly TempDirectory _data = new("neocloud-people-");
    private IPlaywright? _playwright;

    public DevelopmentIdentityProvider Provider { get; private set; } = null!;

    public ServerProcess Server { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(BrowserFixture.ExpectTimeoutMs);
        Provider = await DevelopmentIdentityProvider.StartAsync(new DevelopmentIdentityProviderOptions(), CancellationToken.None);
        Server = await ServerProcess.StartAsync(_data.Path, "--oidc-authority", Provider.Issuer.ToString(), "--oidc-audience", Provider.Audience);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(BrowserFixture.LaunchOptions());
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright?.Dispose();
        Server.Dispose();
        await Provider.DisposeAsync();
        _data.Dispose();
    }

    /// <summary>Calls the API as a demo person (a password grant at the provider) or with a token.</summary>
    public Task<JsonElement> CallAsync(HttpMethod method, string path, string? json, string bearer) =>
        BrowserPages.CallAsync(Server.Address, method, path, json, bearer);
}

public sealed class PeopleBrowserTests(PeopleFixture fixture) : IClassFixture<PeopleFixture>
{
    [Fact]
    public async Task A_trader_signs_in_an_order_waits_for_another_approver_who_approves_it_and_it_fills()
    {
        // Microsoft's admin (Carol) sets the threshold through the API with her own access token.
        var carol = await fixture.Provider.PasswordTokenAsync("carol@microsoft");
        await fixture.CallAsync(HttpMethod.Put, "api/v1/organization/approvals", """{"thresholdUsd":"100.00"}""", carol);
        // Thirty months out, where no seeded order rests, IREN offers what Alice will bid for.
        var day = DateTimeOffset.UtcNow.AddMonths(30).UtcDateTime.Date;
        var start = (int)(new DateTimeOffset(day, TimeSpan.Zero).ToUnixTimeSeconds() / 3600);
        await fixture.CallAsync(HttpMethod.Post, "api/v1/orders/asks",
            $$"""{"pool":"iren-childress-gb300","gpus":8,"start":{{start}},"end":{{start + 24}},"price":"2.0000"}""", await TokenAsync("iren"));

        // Alice (a trader) signs in through the provider and bids 8 × 24 h at up to 3.00 = 576.00: held.
        var (alice, aliceErrors) = await SignInAsync("alice@microsoft", "Alice Chen");
        await alice.GetByTestId("order-gpus").FillAsync("8");
        await alice.GetByTestId("order-price").FillAsync("3.0000");
        var startField = alice.GetByTestId("order-start");
        await startField.FillAsync(day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await startField.PressAsync("Tab");
        await alice.GetByTestId("place-order").ClickAsync();
        await Assertions.Expect(alice.GetByTestId("order-result")).ToContainTextAsync("held for approval");

        // Alice cannot approve her own; Bob (an approver) can.
        await alice.GotoAsync("/approvals");
        await Assertions.Expect(alice.GetByTestId("approval-row")).ToContainTextAsync("pending");
        await Assertions.Expect(alice.GetByTestId("approve")).ToHaveCountAsync(0);

        var (bob, bobErrors) = await SignInAsync("bob@microsoft", "Bob Okafor");
        await bob.GotoAsync("/approvals");
        await Assertions.Expect(bob.GetByTestId("approval-row")).ToContainTextAsync("Alice Chen");
        await bob.GetByTestId("approve").ClickAsync();
        await Assertions.Expect(bob.GetByTestId("approval-status")).ToHaveTextAsync("executed");
        await Assertions.Expect(bob.GetByTestId("approval-row")).ToContainTextAsync("Bob Okafor");

        // The order ran as of the approval and met IREN's ask.
        var trades = await fixture.CallAsync(HttpMethod.Get, "api/v1/trades", null, carol);
        Assert.Contains(trades.GetProperty("items").EnumerateArray(), t => t.GetProperty("gpus").GetInt32() == 8 && t.GetProperty("price").GetString() == "2.0000");

        // The audit (Microsoft's admin's, not an approver's) names both people, each for what they did.
        await bob.GotoAsync("/audit");
        await Assertions.Expect(bob.GetByTestId("audit-refused")).ToContainTextAsync("'admin'");
        var (carolPage, carolErrors) = await SignInAsync("carol@microsoft", "Carol Diaz");
        await carolPage.GotoAsync("/audit");
        await Assertions.Expect(carolPage.GetByTestId("audit")).ToContainTextAsync("Alice Chen");
        await Assertions.Expect(carolPage.GetByTestId("audit")).ToContainTextAsync("Bob Okafor");
        await Assertions.Expect(carolPage.GetByTestId("audit")).ToContainTextAsync("approval.decided");
        await carolPage.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "audit.png"), FullPage = true });
        Assert.Empty(carolErrors);
        await carolPage.Context.CloseAsync();

        // Signing out ends the session: the desk offers the sign-in again.
        await bob.GotoAsync("/desk");
        await bob.GetByTestId("sign-out").ClickAsync();
        // Out at the provider and back on the market page, signed out: the desk offers the sign-in again.
        await Assertions.Expect(bob.GetByTestId("sign-in-link")).ToBeVisibleAsync();
        await bob.GotoAsync("/desk");
        await Assertions.Expect(bob.GetByTestId("sign-in-person")).ToBeVisibleAsync();
        Assert.Empty(aliceErrors);
        Assert.Empty(bobErrors);
        await alice.Context.CloseAsync();
        await bob.Context.CloseAsync();
    }

    /// <summary>Opens My desk in a fresh browser context, signs in through the provider as the demo person, and comes back signed in.</summary>
    private async Task<(IPage Page, List<string> Errors)> SignInAsync(string username, string name)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.Server.Address.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error") errors.Add(message.Text);
        };
        await page.GotoAsync("/desk");
        await page.GetByTestId("sign-in-person").ClickAsync();
        // The provider's own page, on its own port: pick the person, and the redirects bring the browser back.
        await page.Locator($"[data-person='{username}']").ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToContainTextAsync(name);
        return (page, errors);
    }

    private async Task<string> TokenAsync(string organization)
    {
        var created = await fixture.CallAsync(HttpMethod.Post, $"api/v1/admin/organizations/{organization}/tokens",
            """{"label":"browser","scopes":["market:read","market:trade","pools:write"]}""", fixture.Server.AdminToken!);
        return created.GetProperty("token").GetString()!;
    }
}
