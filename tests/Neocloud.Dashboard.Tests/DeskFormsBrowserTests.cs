using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Neocloud.Testing;

namespace Neocloud.Dashboard.Tests;

/// <summary>
/// The desk's order forms in a real browser against a real server: a bid with alternatives, a pool-targeted bid, the
/// extension of a held block, an all-or-none portfolio, a buy from the capacity search, and a webhook that receives a
/// signed delivery. Each test trades in its own SKU or pool, so the asks one places are the only ones another could meet.
/// </summary>
public sealed class DeskFormsBrowserTests(WebhookBrowserFixture fixture) : IClassFixture<WebhookBrowserFixture>
{
    /// <summary>The hour tomorrow starts (UTC), where the desk's forms place their window by default.</summary>
    private static int Tomorrow => (int)(new DateTimeOffset(DateTime.UtcNow.Date.AddDays(1), TimeSpan.Zero).ToUnixTimeSeconds() / 3600);

    [Fact]
    public async Task A_bid_with_alternatives_trades_the_sku_that_can_fill()
    {
        // Only a GB200 ask meets the bid: its GB300 alternative is priced below any ask.
        var seller = await fixture.TokenAsync("nebius", "market:read", "market:trade");
        await PostAsync(seller, "api/v1/orders/asks", $$"""{"pool":"nebius-vineland-gb200","gpus":8,"start":{{Tomorrow}},"end":{{Tomorrow + 24}},"price":"2.2222"}""");
        var buyer = await fixture.TokenAsync("openai", "market:read", "market:trade");
        var (page, errors) = await SignedInAsync(buyer, "openai");

        await FillAsync(page, "order-price", "1.0000");
        await page.GetByTestId("order-add-alternative").ClickAsync();
        await Assertions.Expect(page.GetByTestId("order-price-1")).ToBeVisibleAsync();
        await ChooseAsync(page, "order-sku-1", "GB200");
        await FillAsync(page, "order-price-1", "2.5000");
        // 8 GPUs × 24 hours × 2.5000, the costliest alternative: the credit check's figure.
        await Assertions.Expect(page.GetByTestId("order-max-cost")).ToContainTextAsync("480.00");
        await page.GetByTestId("place-order").ClickAsync();

        var result = page.GetByTestId("order-result");
        await Assertions.Expect(result).ToContainTextAsync("is filled");
        await Assertions.Expect(result).ToContainTextAsync("GB200 on nebius-vineland-gb200");
        await Assertions.Expect(result).ToContainTextAsync("2.2222");
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_pool_targeted_bid_takes_the_ask_on_its_pool_though_another_is_cheaper()
    {
        var iren = await fixture.TokenAsync("iren", "market:read", "market:trade");
        var nscale = await fixture.TokenAsync("nscale", "market:read", "market:trade");
        await PostAsync(iren, "api/v1/orders/asks", $$"""{"pool":"iren-childress-gb300","gpus":8,"start":{{Tomorrow}},"end":{{Tomorrow + 24}},"price":"1.5000"}""");
        await PostAsync(nscale, "api/v1/orders/asks", $$"""{"pool":"nscale-sines-gb300","gpus":8,"start":{{Tomorrow}},"end":{{Tomorrow + 24}},"price":"1.9000"}""");
        var buyer = await fixture.TokenAsync("microsoft", "market:read", "market:trade");
        var (page, errors) = await SignedInAsync(buyer, "microsoft");

        await FillAsync(page, "order-price", "2.0000");
        await ChooseAsync(page, "order-pool", "nscale-sines-gb300 (GB300, eu-pt)", "nscale-sines-gb300");
        await page.GetByTestId("place-order").ClickAsync();

        var result = page.GetByTestId("order-result");
        await Assertions.Expect(result).ToContainTextAsync("is filled");
        await Assertions.Expect(result).ToContainTextAsync("on nscale-sines-gb300");
        await Assertions.Expect(result).ToContainTextAsync("1.9000");
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Extend_on_a_held_trade_buys_the_hours_after_it_on_the_same_pool()
    {
        // Ten days out: the buyer holds the first day of a two-day ask; the second day is what the extension can take.
        var start = Tomorrow + 240;
        var seller = await fixture.TokenAsync("coreweave", "market:read", "market:trade");
        await PostAsync(seller, "api/v1/orders/asks", $$"""{"pool":"coreweave-us-nj-h100","gpus":8,"start":{{start}},"end":{{start + 48}},"price":"2.0000"}""");
        var buyer = await fixture.TokenAsync("meta", "market:read", "market:trade");
        var placed = await PostAsync(buyer, "api/v1/orders/bids", $$"""{"sku":"H100","gpus":8,"start":{{start}},"end":{{start + 24}},"limit":"2.0000"}""");
        var tradeId = placed.GetProperty("trades")[0].GetProperty("id").GetInt64();
        var (page, errors) = await SignedInAsync(buyer, "meta");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Contracts (1)" }).ClickAsync();
        await page.GetByTestId($"extend-c-{tradeId}").ClickAsync();
        await Assertions.Expect(page.GetByTestId("extend-form")).ToContainTextAsync("coreweave-us-nj-h100");
        await FillAsync(page, "extend-hours", "24");
        await FillAsync(page, "extend-limit", "2.1000");
        await page.GetByTestId("extend-place").ClickAsync();

        var result = page.GetByTestId("extend-result");
        await Assertions.Expect(result).ToContainTextAsync("is filled");
        await Assertions.Expect(result).ToContainTextAsync($"8 GPUs on coreweave-us-nj-h100 for {Show(start + 24)} + 24 h at $2.0000");
        await Assertions.Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Contracts (2)" })).ToBeVisibleAsync();
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_all_or_none_portfolio_shows_its_maximum_cost_and_fills_every_leg()
    {
        var lambda = await fixture.TokenAsync("lambda", "market:read", "market:trade");
        var iren = await fixture.TokenAsync("iren", "market:read", "market:trade");
        await PostAsync(lambda, "api/v1/orders/asks", $$"""{"pool":"lambda-us-tx-h100","gpus":16,"start":{{Tomorrow}},"end":{{Tomorrow + 24}},"price":"1.8000"}""");
        await PostAsync(iren, "api/v1/orders/asks", $$"""{"pool":"iren-prince-george-h200","gpus":8,"start":{{Tomorrow}},"end":{{Tomorrow + 24}},"price":"2.6000"}""");
        var buyer = await fixture.TokenAsync("anthropic", "market:read", "market:trade");
        var (page, errors) = await SignedInAsync(buyer, "anthropic");

        await ChooseAsync(page, "leg-0-sku-0", "H100");
        await FillAsync(page, "leg-0-limit-0", "2.0000");
        await FillAsync(page, "leg-0-region", "us-tx");
        await FillAsync(page, "leg-0-gpus", "16");
        await ChooseAsync(page, "leg-1-sku-0", "H200");
        await FillAsync(page, "leg-1-limit-0", "3.0000");
        await FillAsync(page, "leg-1-gpus", "8");
        // 16 × 24 × 2.0000 + 8 × 24 × 3.0000 = 768.00 + 576.00.
        await Assertions.Expect(page.GetByTestId("portfolio-max-cost")).ToContainTextAsync("$1344.00");
        await page.GetByTestId("portfolio-place").ClickAsync();

        await Assertions.Expect(page.GetByTestId("portfolio-result")).ToContainTextAsync("filled, every leg traded");
        await Assertions.Expect(page.GetByTestId("portfolio-leg-0")).ToContainTextAsync("lambda-us-tx-h100");
        await Assertions.Expect(page.GetByTestId("portfolio-leg-0")).ToContainTextAsync("1.8000");
        await Assertions.Expect(page.GetByTestId("portfolio-leg-1")).ToContainTextAsync("iren-prince-george-h200");
        await Assertions.Expect(page.GetByTestId("portfolio-leg-1")).ToContainTextAsync("2.6000");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "desk-portfolio.png"), FullPage = true });
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_portfolio_whose_later_leg_finds_no_ask_is_cancelled_naming_that_leg()
    {
        // The first leg can take this ask; no H200 ask is as cheap as a cent, so the second leg finds none and nothing trades.
        var lambda = await fixture.TokenAsync("lambda", "market:read", "market:trade");
        await PostAsync(lambda, "api/v1/orders/asks", $$"""{"pool":"lambda-us-tx-h100","gpus":8,"start":{{Tomorrow}},"end":{{Tomorrow + 24}},"price":"1.7000"}""");
        var buyer = await fixture.TokenAsync("fluidstack", "market:read", "market:trade");
        var (page, errors) = await SignedInAsync(buyer, "fluidstack");

        await ChooseAsync(page, "leg-0-sku-0", "H100");
        await FillAsync(page, "leg-0-limit-0", "2.0000");
        await FillAsync(page, "leg-0-region", "us-tx");
        await ChooseAsync(page, "leg-1-sku-0", "H200");
        await FillAsync(page, "leg-1-limit-0", "0.0100");
        await page.GetByTestId("portfolio-place").ClickAsync();

        await Assertions.Expect(page.GetByTestId("portfolio-result")).ToContainTextAsync("cancelled, leg 1 found no ask; nothing traded");
        await Assertions.Expect(page.GetByTestId("portfolio-leg-1")).ToContainTextAsync("found no ask");
        await Assertions.Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Contracts (0)" })).ToBeVisibleAsync();
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_bid_at_or_above_the_approval_threshold_is_held_and_the_desk_names_the_approval()
    {
        var admin = await fixture.TokenAsync("hut8", "admin");
        await PutAsync(admin, "api/v1/organization/approvals", """{"thresholdUsd":"100.00"}""");
        var buyer = await fixture.TokenAsync("hut8", "market:read", "market:trade");
        var (page, errors) = await SignedInAsync(buyer, "hut8");

        // The default bid, 8 GPUs × 24 hours × 3.0000 = 576.00, is above the threshold; with an alternative it still is.
        await page.GetByTestId("order-add-alternative").ClickAsync();
        await Assertions.Expect(page.GetByTestId("order-max-cost")).ToContainTextAsync("576.00");
        await page.GetByTestId("place-order").ClickAsync();

        await Assertions.Expect(page.GetByTestId("order-result")).ToContainTextAsync("held for approval: apr_");
        await Assertions.Expect(page.GetByTestId("order-result")).ToContainTextAsync("576.00 USD");
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Buy_on_a_capacity_search_row_fills_from_that_ask()
    {
        // Around the search box's default window (tomorrow, for a week).
        var seller = await fixture.TokenAsync("nebius", "market:read", "market:trade");
        await PostAsync(seller, "api/v1/orders/asks", $$"""{"pool":"nebius-eu-mi355x","gpus":40,"start":{{Tomorrow - 24}},"end":{{Tomorrow + 24 * 14}},"price":"6.6666"}""");
        var buyer = await fixture.TokenAsync("google", "market:read", "market:trade");
        var (page, errors) = await SignedInAsync(buyer, "google");

        await page.GetByRole(AriaRole.Link, new() { Name = "Market" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Market");
        await ChooseAsync(page, "search-sku", "MI355X");
        await FillAsync(page, "search-gpus", "32");
        await page.GetByTestId("search-button").ClickAsync();
        var row = page.GetByTestId("search-results").Locator("tbody tr").Filter(new() { HasText = "6.6666" });
        await Assertions.Expect(row).ToContainTextAsync("nebius-eu-mi355x");
        await row.GetByTestId("buy").ClickAsync();

        var result = page.GetByTestId("buy-result");
        await Assertions.Expect(result).ToContainTextAsync("is filled");
        await Assertions.Expect(result).ToContainTextAsync($"32 GPUs of MI355X on nebius-eu-mi355x, {Show(Tomorrow)} + 168 h, at $6.6666 from nebius");
        // What is left of the ask is 8 GPUs, too few for another 32.
        await Assertions.Expect(page.GetByTestId("search-empty")).ToBeVisibleAsync();
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_webhook_added_on_the_page_receives_signed_deliveries_with_the_secret_shown_once()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var token = await fixture.TokenAsync("amazon", "market:read", "market:trade");
        var (page, errors) = await SignedInAsync(token, "amazon");
        await page.GetByRole(AriaRole.Link, new() { Name = "Webhooks" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Webhooks");

        await FillAsync(page, "webhook-url", receiver.Url("/amazon"));
        await page.GetByTestId("webhook-add").ClickAsync();
        await Assertions.Expect(page.GetByTestId("webhook-secret")).ToContainTextAsync("whsec_");
        var secret = (await page.GetByTestId("webhook-secret").InnerTextAsync()).Trim();
        var row = page.GetByTestId("webhook-row").Filter(new() { HasText = receiver.Url("/amazon") });
        await Assertions.Expect(row).ToContainTextAsync("active");

        // The test ping arrives signed with the secret the page showed.
        await row.GetByTestId("webhook-test").ClickAsync();
        await Assertions.Expect(page.GetByTestId("webhook-result")).ToContainTextAsync("delivered: 200");
        var ping = Assert.Single(receiver.On("/amazon"));
        Assert.Equal("webhook.test", ping.EventType);
        Assert.True(WebhookReceiver.Verifies(ping, secret), $"signature {ping.Signature} does not verify with the secret shown");

        // An event of the organization's is delivered, listed among the deliveries, and delivered again on request.
        await PostAsync(token, "api/v1/orders/bids", $$"""{"sku":"B300","gpus":8,"start":{{Tomorrow + 24 * 400}},"end":{{Tomorrow + 24 * 401}},"limit":"0.0100"}""");
        await row.GetByTestId("webhook-show-deliveries").ClickAsync();
        var delivery = page.GetByTestId("webhook-delivery").Filter(new() { HasText = "order.rested" });
        await Assertions.Expect(delivery.GetByTestId("webhook-delivery-status")).ToHaveTextAsync("200");
        var rested = Assert.Single(receiver.On("/amazon"), d => d.EventType == "order.rested");
        Assert.True(WebhookReceiver.Verifies(rested, secret), $"signature {rested.Signature} does not verify with the secret shown");
        await delivery.GetByTestId("webhook-redeliver").ClickAsync();
        await Assertions.Expect(page.GetByTestId("webhook-result")).ToContainTextAsync($"delivers again from seq {rested.Seq}");
        await Eventually.UntilAsync(() => Task.FromResult(receiver.On("/amazon").Count(d => d.Id == rested.Id)), n => n >= 2, "the event delivered again");

        // The secret is not shown again once the page is left.
        await page.GetByRole(AriaRole.Link, new() { Name = "My desk" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Webhooks" }).ClickAsync();
        await Assertions.Expect(row).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("webhook-secret")).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);

        await row.GetByTestId("webhook-remove").ClickAsync();
        await Assertions.Expect(page.GetByTestId("webhooks-none")).ToBeVisibleAsync();
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_bid_whose_pool_holds_another_sku_names_the_pool_field()
    {
        var buyer = await fixture.TokenAsync("nvidia", "market:read", "market:trade");
        var (page, errors) = await SignedInAsync(buyer, "nvidia");

        await ChooseAsync(page, "order-pool", "iren-childress-gb300 (GB300, us-tx)", "iren-childress-gb300");
        await ChooseAsync(page, "order-sku", "GB200");
        await page.GetByTestId("place-order").ClickAsync();

        await Assertions.Expect(page.GetByTestId("order-error-pool")).ToContainTextAsync("pool iren-childress-gb300 holds GB300, which is not one of the bid's SKUs");
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    /// <summary>An hour as the desk shows it.</summary>
    private static string Show(int hour) =>
        DateTimeOffset.FromUnixTimeSeconds(hour * 3600L).UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Types into a field and commits it (Tab), as a person would.</summary>
    private static async Task FillAsync(IPage page, string testId, string text)
    {
        await page.GetByTestId(testId).FillAsync(text);
        await page.GetByTestId(testId).PressAsync("Tab");
        await Assertions.Expect(page.GetByTestId(testId)).ToHaveValueAsync(text);
    }

    /// <summary>Opens a select and picks an option (its value, when not the option's text); waits until its list has closed.</summary>
    private static async Task ChooseAsync(IPage page, string testId, string option, string? value = null)
    {
        await page.Locator(".mud-select").Filter(new() { Has = page.GetByTestId(testId) }).First.ClickAsync();
        await page.Locator(".mud-popover-open").GetByText(option, new() { Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".mud-popover-open")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator($"input[data-testid='{testId}']")).ToHaveValueAsync(value ?? option);
    }

    /// <summary>A POST to the API with a token; fails the test unless it succeeded; its JSON.</summary>
    private async Task<JsonElement> PostAsync(string token, string path, string json)
    {
        using var http = new HttpClient { BaseAddress = fixture.Server.Address };
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>A PUT to the API with a token; fails the test unless it succeeded.</summary>
    private async Task PutAsync(string token, string path, string json)
    {
        using var http = new HttpClient { BaseAddress = fixture.Server.Address };
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Opens My desk and signs in with the token.</summary>
    private Task<(IPage Page, List<string> Errors)> SignedInAsync(string token, string organization) =>
        BrowserPages.SignedInAsync(fixture.Browser, fixture.Server.Address, token, organization);
}
