using System.Text.Json;
using Microsoft.Playwright;
using Neocloud.Testing;

namespace Neocloud.Dashboard.Tests;

/// <summary>A real <c>neocloud serve --demo</c> (its traders trading) and Chromium, for what only a live market shows.</summary>
public sealed class DemoFixture : IAsyncLifetime
{
    private readonly TempDirectory _data = new("neocloud-demo-browser-");
    private IPlaywright? _playwright;

    public ServerProcess Server { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(BrowserFixture.ExpectTimeoutMs);
        Server = await ServerProcess.StartAsync(_data.Path, "--demo");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(BrowserFixture.LaunchOptions());
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright?.Dispose();
        Server.Dispose();
        _data.Dispose();
    }

    /// <summary>Calls the API with a bearer token (the admin's by default); the answer's JSON.</summary>
    public Task<JsonElement> CallAsync(HttpMethod method, string path, string? json = null, string? bearer = null) =>
        BrowserPages.CallAsync(Server.Address, method, path, json, bearer ?? Server.AdminToken!);
}

public sealed class DemoBrowserTests(DemoFixture fixture) : IClassFixture<DemoFixture>
{
    [Fact]
    public async Task Alerts_set_on_the_alerts_page_fire_when_a_demo_trade_crosses_them_and_the_bell_rings()
    {
        var token = (await fixture.CallAsync(HttpMethod.Post, "api/v1/admin/organizations/openai/tokens", """{"label":"browser","scopes":["market:read","market:trade"]}"""))
            .GetProperty("token").GetString()!;
        var (page, errors) = await BrowserPages.SignedInAsync(fixture.Browser, fixture.Server.Address, token, "openai");
        await page.GetByRole(AriaRole.Link, new() { Name = "Alerts", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Price alerts");

        // A bad price is named as the API names it.
        await page.GetByTestId("alert-price").FillAsync("-1");
        await page.GetByTestId("alert-set").ClickAsync();
        await Assertions.Expect(page.GetByTestId("alert-result")).ToContainTextAsync("price:");

        // At GB300's last print, neither "below" nor "above" holds: the next demo print at another price fires one of them.
        var last = await Eventually.UntilAsync(() => fixture.CallAsync(HttpMethod.Get, "api/v1/market/GB300/trades?limit=1", bearer: token),
            trades => trades.GetProperty("items").GetArrayLength() > 0, "a GB300 trade in the demo", TimeSpan.FromSeconds(90));
        var price = last.GetProperty("items")[0].GetProperty("price").GetString()!;
        foreach (var kind in new[] { "last trade below", "last trade above" })
        {
            await page.GetByRole(AriaRole.Combobox, new() { Name = "When" }).ClickAsync();
            await page.GetByRole(AriaRole.Option, new() { Name = kind, Exact = true }).ClickAsync();
            await page.GetByTestId("alert-price").FillAsync(price);
            await page.GetByTestId("alert-set").ClickAsync();
            await Assertions.Expect(page.GetByTestId("alert-result")).ToContainTextAsync($"{kind} {price}");
        }
        await Assertions.Expect(page.GetByTestId("alert-row")).ToHaveCountAsync(2);

        // Off the alerts page (the same session), the bell counts what fires from now on.
        await page.GetByRole(AriaRole.Link, new() { Name = "My desk" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("alert-bell")).Not.ToHaveAttributeAsync("data-unseen", "0", new() { Timeout = 120_000 });
        await page.GetByTestId("alert-bell").ClickAsync();
        await Assertions.Expect(page.GetByTestId("alert-fired").First).ToContainTextAsync("GB300");
        await Assertions.Expect(page.GetByTestId("alert-bell")).ToHaveAttributeAsync("data-unseen", "0");
        var alerts = await fixture.CallAsync(HttpMethod.Get, "api/v1/alerts", bearer: token);
        Assert.Contains(alerts.GetProperty("items").EnumerateArray(), a => a.GetProperty("triggers").GetInt64() > 0);
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_demo_that_has_traded_shows_depth_and_prints_on_the_market_a_filled_desk_and_the_book()
    {
        // A minute of the demo: GB300's market has depth on both sides and a tape of prints.
        await Eventually.UntilAsync(() => fixture.CallAsync(HttpMethod.Get, "api/v1/market/GB300/trades?limit=20"),
            trades => trades.GetProperty("items").GetArrayLength() >= 5, "five GB300 prints in the demo", TimeSpan.FromSeconds(120));
        var token = (await fixture.CallAsync(HttpMethod.Post, "api/v1/admin/organizations/microsoft/tokens", """{"label":"screens","scopes":["market:read","market:trade"]}"""))
            .GetProperty("token").GetString()!;
        var (page, errors) = await BrowserPages.SignedInAsync(fixture.Browser, fixture.Server.Address, token, "microsoft", 1400, 1000);
        await Assertions.Expect(page.GetByTestId("open-orders").Locator("tbody tr").First).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Contracts" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("contracts").Locator("tbody tr").First).ToBeVisibleAsync();
        await Shot(page, "desk");

        await page.GetByRole(AriaRole.Link, new() { Name = "Market", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Market · GB300");
        await Assertions.Expect(page.GetByTestId("asks").Locator("tbody tr").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("bids").Locator("tbody tr").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("trades").Locator("tbody tr").Nth(4)).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("last-price")).Not.ToContainTextAsync("—");
        await Shot(page, "market");

        await page.GetByRole(AriaRole.Link, new() { Name = "Book", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("book-contract-row").First).ToBeVisibleAsync();
        await Shot(page, "book");
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    /// <summary>A full-page screenshot of the demo, in the test output's screenshots (the README's are taken from these).</summary>
    private static Task Shot(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, $"demo-{name}.png"), FullPage = true });
}
