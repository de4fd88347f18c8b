using Microsoft.Playwright;

namespace Neocloud.Dashboard.Tests;

/// <summary>The dashboard in a real browser against a real server: every page, the desk's order flow, phone width.</summary>
public sealed class DashboardTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Theory]
    [InlineData("/", "Market · GB300", "market")]
    [InlineData("/fleet", "Fleet", "fleet")]
    [InlineData("/desk", "My desk", "desk")]
    public async Task Every_page_opens_without_a_console_error(string path, string heading, string name)
    {
        var (page, errors) = await OpenAsync(path, 1280, 900);

        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync(heading);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, $"{name}.png"), FullPage = true });
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Fleet_shows_providers_sites_and_a_pool_timeline()
    {
        var (page, errors) = await OpenAsync("/fleet", 1280, 900);

        await Assertions.Expect(page.GetByText("Childress").First).ToBeVisibleAsync();
        await page.GetByTestId("pool-iren-childress-gb300").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-chart").First).ToBeVisibleAsync();
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Sign_in_place_a_bid_see_it_in_the_book_and_cancel_it()
    {
        var token = await fixture.TokenAsync("microsoft", "market:read", "market:trade");
        var (page, errors) = await OpenAsync("/desk", 1280, 900);

        await page.GetByTestId("token-input").FillAsync(token);
        await page.GetByTestId("sign-in").ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-in")).ToContainTextAsync("microsoft");

        await page.GetByTestId("order-gpus").FillAsync("16");
        await page.GetByTestId("order-price").FillAsync("1.2345");
        await page.GetByTestId("place-order").ClickAsync();
        await Assertions.Expect(page.GetByTestId("order-result")).ToContainTextAsync("is open");

        await page.GetByRole(AriaRole.Link, new() { Name = "Market" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("bids")).ToContainTextAsync("1.2345");

        await page.GetByRole(AriaRole.Link, new() { Name = "My desk" }).ClickAsync();
        await page.Locator("[data-testid^=cancel-]").First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("order-result")).ToContainTextAsync("cancelled");

        await page.GetByRole(AriaRole.Link, new() { Name = "Market" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("bids")).Not.ToContainTextAsync("1.2345");
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_engine_rejection_reason_is_shown_on_the_desk()
    {
        var token = await fixture.TokenAsync("iren", "market:read", "market:trade", "pools:write");
        var (page, _) = await OpenAsync("/desk", 1280, 900);
        await page.GetByTestId("token-input").FillAsync(token);
        await page.GetByTestId("sign-in").ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-in")).ToContainTextAsync("iren");

        await page.GetByText("Ask", new() { Exact = true }).ClickAsync();
        await page.Locator(".mud-select").Filter(new() { HasText = "Pool" }).First.ClickAsync();
        await page.GetByText("iren-childress-gb300 (GB300, us-tx)").ClickAsync();
        await page.GetByTestId("order-gpus").FillAsync("999999");
        await page.GetByTestId("order-price").FillAsync("2.5000");
        await page.GetByTestId("place-order").ClickAsync();

        await Assertions.Expect(page.GetByTestId("order-result")).ToContainTextAsync("exceeds pool iren-childress-gb300's capacity");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_bad_price_is_flagged_as_you_type()
    {
        var token = await fixture.TokenAsync("meta", "market:read", "market:trade");
        var (page, _) = await OpenAsync("/desk", 1280, 900);
        await page.GetByTestId("token-input").FillAsync(token);
        await page.GetByTestId("sign-in").ClickAsync();

        await page.GetByTestId("order-price").FillAsync("1.23456");
        await Assertions.Expect(page.GetByText("at most 4 decimals")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("place-order")).ToBeDisabledAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_market_page_works_at_phone_width()
    {
        var (page, errors) = await OpenAsync("/", 390, 844);

        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Market");
        var overflow = await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth + 1");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "market-phone.png"), FullPage = true });
        Assert.False(overflow, "the page scrolls sideways at 390 px");
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    private async Task<(IPage Page, List<string> Errors)> OpenAsync(string path, int width, int height)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.Server.Address.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error") errors.Add($"{message.Text} ({message.Location})");
        };
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync(path);
        // Interactive once Blazor's circuit is up: the page's buttons then act.
        await page.WaitForFunctionAsync("() => window.Blazor !== undefined && document.querySelector('h1') !== null");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        return (page, errors);
    }
}
