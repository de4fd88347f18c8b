using Microsoft.Playwright;

namespace Neocloud.Dashboard.Tests;

/// <summary>The dashboard in a real browser against a real server: every page, the desk's order flow, phone width.</summary>
public sealed class DashboardTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Theory]
    [InlineData("/", "Market · GB300", "market")]
    [InlineData("/fleet", "Fleet", "fleet")]
    [InlineData("/desk", "My desk", "desk")]
    [InlineData("/deals", "Deals", "deals")]
    [InlineData("/deals/iren-microsoft-2025", "Microsoft–IREN", "deal-iren-microsoft")]
    [InlineData("/mining", "Mining vs AI", "mining")]
    [InlineData("/rfqs", "Requests for quotes", "rfqs")]
    [InlineData("/offtake", "Offtake contracts", "offtake")]
    [InlineData("/plan", "Capacity plan", "plan")]
    [InlineData("/book", "Book", "book")]
    public async Task Every_page_opens_without_a_console_error(string path, string heading, string name)
    {
        var (page, errors) = await OpenAsync(path, 1280, 900);

        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync(heading);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, $"{name}.png"), FullPage = true });
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_market_page_updates_live_when_someone_else_trades()
    {
        var (page, errors) = await OpenAsync("/market/H200", 1280, 900);
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Market · H200");
        await Assertions.Expect(page.GetByTestId("bids")).Not.ToContainTextAsync("1.1111");

        // Another desk bids through the API; the open page must show it without a reload.
        var token = await fixture.TokenAsync("openai", "market:read", "market:trade");
        using var http = new HttpClient { BaseAddress = fixture.Server.Address };
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/orders/bids")
        {
            Content = new StringContent("""{"sku":"H200","gpus":8,"start":600000,"end":600024,"limit":"1.1111"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        (await http.SendAsync(request)).EnsureSuccessStatusCode();

        await Assertions.Expect(page.GetByTestId("bids")).ToContainTextAsync("1.1111");
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Levels_that_rest_across_the_other_sides_best_price_are_marked_and_the_page_says_why()
    {
        // An ask in Finland and a higher bid for Texas, same window: they rest across each other because no MI355X pool is in Texas.
        var seller = await fixture.TokenAsync("nebius", "market:read", "market:trade");
        var buyer = await fixture.TokenAsync("openai", "market:read", "market:trade");
        var start = (int)(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 3600) + 48;
        await PostAsync(seller, "api/v1/orders/asks", $"{{\"pool\":\"nebius-eu-mi355x\",\"gpus\":8,\"start\":{start},\"end\":{start + 24},\"price\":\"1.0000\"}}");
        await PostAsync(buyer, "api/v1/orders/bids", $"{{\"sku\":\"MI355X\",\"region\":\"us-tx\",\"gpus\":8,\"start\":{start},\"end\":{start + 24},\"limit\":\"9.0000\"}}");

        var (page, errors) = await OpenAsync("/market/MI355X", 1280, 900);
        await Assertions.Expect(page.GetByTestId("crossed-note")).ToContainTextAsync("9.0000");
        await Assertions.Expect(page.GetByTestId("bids").GetByTestId("cannot-meet").First).ToContainTextAsync("9.0000");
        await Assertions.Expect(page.GetByTestId("asks").GetByTestId("cannot-meet").First).ToContainTextAsync("cannot meet");
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Capacity_search_on_the_market_page_lists_the_asks_a_bid_could_take()
    {
        // An ask on the seeded MI355X pool over the search box's default window (tomorrow, UTC, for a week) and around it.
        var tomorrow = (int)(new DateTimeOffset(DateTime.UtcNow.Date.AddDays(1), TimeSpan.Zero).ToUnixTimeSeconds() / 3600);
        var token = await fixture.TokenAsync("nebius", "market:read", "market:trade", "pools:write");
        using var http = new HttpClient { BaseAddress = fixture.Server.Address };
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/orders/asks")
        {
            Content = new StringContent($$"""{"pool":"nebius-eu-mi355x","gpus":40,"start":{{tomorrow - 24}},"end":{{tomorrow + 24 * 14}},"price":"7.7777"}""",
                System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var placed = await http.SendAsync(request);
        Assert.True(placed.IsSuccessStatusCode, await placed.Content.ReadAsStringAsync());

        var (page, errors) = await OpenAsync("/market/MI355X", 1280, 900);
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Market · MI355X");
        await page.GetByTestId("search-gpus").FillAsync("32");
        await page.GetByTestId("search-gpus").PressAsync("Tab");
        await page.GetByTestId("search-button").ClickAsync();
        var results = page.GetByTestId("search-results");
        await Assertions.Expect(results).ToContainTextAsync("7.7777");
        await Assertions.Expect(results).ToContainTextAsync("nebius-eu-mi355x");
        await Assertions.Expect(results.Locator("tbody tr").Filter(new() { HasText = "7.7777" }).Locator("td").Nth(1)).ToHaveTextAsync("40");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "market-search.png"), FullPage = true });

        await page.GetByTestId("search-max-price").FillAsync("7.7776");
        await page.GetByTestId("search-max-price").PressAsync("Tab");
        await page.GetByTestId("search-button").ClickAsync();
        await Assertions.Expect(page.GetByTestId("search-empty")).ToBeVisibleAsync();
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
        var (page, errors) = await SignedInAsync(token, "microsoft");

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

        // The desk acted as the signed-in token: the journal names it for the bid and the cancel.
        var id = (await GetAsync(token, "api/v1/me")).GetProperty("token").GetString();
        var audit = await GetAsync(await fixture.TokenAsync("microsoft", "admin"), "api/v1/audit?limit=1000");
        var rows = audit.GetProperty("items").EnumerateArray().TakeLast(2).ToList();
        Assert.Equal(["bid", "cancel"], rows.Select(r => r.GetProperty("kind").GetString()));
        Assert.All(rows, r => Assert.Equal($$"""{"kind":"token","id":"{{id}}","name":"browser"}""", r.GetProperty("actor").GetRawText()));
    }

    /// <summary>A GET of the API with a token, its JSON.</summary>
    private async Task<System.Text.Json.JsonElement> GetAsync(string token, string path)
    {
        using var http = new HttpClient { BaseAddress = fixture.Server.Address };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(path)).RootElement.Clone();
    }

    [Fact]
    public async Task My_desk_shows_a_fill_as_it_happens_from_the_event_feed()
    {
        var buyer = await fixture.TokenAsync("openai", "market:read", "market:trade");
        var seller = await fixture.TokenAsync("iren", "market:read", "market:trade", "pools:write");
        var (page, errors) = await SignedInAsync(buyer, "openai");
        // Thirty months out, where no seeded order rests: the seller's ask can only meet this bid.
        var start = (int)(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 3600) + 30 * 730;
        var window = $"\"gpus\":4,\"start\":{start},\"end\":{start + 24}";

        // Orders placed elsewhere (the API) appear on the open desk without a reload: the page follows the feed.
        await PostAsync(buyer, "api/v1/orders/bids", $"{{\"sku\":\"GB300\",{window},\"limit\":\"0.5151\"}}");
        await Assertions.Expect(page.GetByTestId("open-orders")).ToContainTextAsync("0.5151");
        await PostAsync(seller, "api/v1/orders/asks", $"{{\"pool\":\"iren-childress-gb300\",{window},\"price\":\"0.5151\"}}");
        await Assertions.Expect(page.GetByTestId("open-orders")).Not.ToContainTextAsync("0.5151");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Events" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("events")).ToContainTextAsync("order.filled");
        await Assertions.Expect(page.GetByTestId("events")).ToContainTextAsync("with iren");
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    private async Task PostAsync(string token, string path, string json)
    {
        using var http = new HttpClient { BaseAddress = fixture.Server.Address };
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_engine_rejection_reason_is_shown_on_the_desk()
    {
        var token = await fixture.TokenAsync("iren", "market:read", "market:trade", "pools:write");
        var (page, _) = await SignedInAsync(token, "iren");

        await page.GetByText("Ask", new() { Exact = true }).ClickAsync();
        await page.Locator(".mud-select").Filter(new() { HasText = "Pool" }).First.ClickAsync();
        await page.GetByText("iren-childress-gb300 (GB300, us-tx)").ClickAsync();
        // Let the pool choice settle before typing, and commit each field (Tab) before placing the order.
        await Assertions.Expect(page.Locator(".mud-popover-open")).ToHaveCountAsync(0);
        await page.GetByTestId("order-gpus").FillAsync("999999");
        await page.GetByTestId("order-gpus").PressAsync("Tab");
        await page.GetByTestId("order-price").FillAsync("2.5000");
        await page.GetByTestId("order-price").PressAsync("Tab");
        await Assertions.Expect(page.GetByTestId("order-gpus")).ToHaveValueAsync("999999");
        await page.GetByTestId("place-order").ClickAsync();

        await Assertions.Expect(page.GetByTestId("order-result")).ToContainTextAsync("exceeds pool iren-childress-gb300's capacity");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task My_desk_shows_the_account_and_a_bid_beyond_it_is_refused_naming_credit()
    {
        await AdminAsync(HttpMethod.Post, "api/v1/admin/organizations", """{"id":"xai","name":"xAI"}""");
        await AdminAsync(HttpMethod.Put, "api/v1/admin/organizations/xai/credit", """{"limitUsd":"100.00"}""");
        await AdminAsync(HttpMethod.Post, "api/v1/admin/organizations/xai/ledger", """{"kind":"collateral","amountUsd":"400.00","reference":"LC-1"}""");
        var token = await fixture.TokenAsync("xai", "market:read", "market:trade");
        var (page, errors) = await SignedInAsync(token, "xai");

        await Assertions.Expect(page.GetByTestId("account-limit")).ToHaveTextAsync("100.00");
        await Assertions.Expect(page.GetByTestId("account-collateral")).ToHaveTextAsync("400.00");
        await Assertions.Expect(page.GetByTestId("account-available")).ToHaveTextAsync("500.00");
        // 8 GPUs × 24 hours × 3.00 = 576.00, more than the 500.00 available.
        await page.GetByTestId("place-order").ClickAsync();
        await Assertions.Expect(page.GetByTestId("order-result")).ToContainTextAsync("credit: needed 576.00, available 500.00");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Account" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("account-entries")).ToContainTextAsync("LC-1");
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    private async Task AdminAsync(HttpMethod method, string path, string json)
    {
        using var http = new HttpClient { BaseAddress = fixture.Server.Address };
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", fixture.Server.AdminToken);
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_bad_price_is_flagged_as_you_type()
    {
        var token = await fixture.TokenAsync("meta", "market:read", "market:trade");
        var (page, _) = await SignedInAsync(token, "meta");

        await page.GetByTestId("order-price").FillAsync("1.23456");
        await Assertions.Expect(page.GetByText("at most 4 decimals")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("place-order")).ToBeDisabledAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_microsoft_iren_deal_shows_its_kpis_and_a_price_change_moves_npv_at_once()
    {
        var (page, errors) = await OpenAsync("/deals", 1280, 900);
        await page.GetByTestId("deal-iren-microsoft-2025").ClickAsync();

        await Assertions.Expect(page.GetByTestId("kpi-tcv")).ToHaveTextAsync("$9,700.0M");
        await Assertions.Expect(page.GetByTestId("kpi-arr")).ToHaveTextAsync("$1,940.0M");
        await Assertions.Expect(page.GetByTestId("kpi-ebitda")).ToHaveTextAsync("85.0 %");
        var npv = await page.GetByTestId("kpi-npv").InnerTextAsync();

        await page.GetByTestId("input-price").FillAsync("3.5000");
        await Assertions.Expect(page.GetByTestId("kpi-npv")).Not.ToHaveTextAsync(npv);
        await Assertions.Expect(page.GetByTestId("kpi-price")).ToHaveTextAsync("3.5000");

        await page.GetByTestId("run-montecarlo").ClickAsync();
        await Assertions.Expect(page.GetByTestId("montecarlo-result")).ToContainTextAsync("P50");
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_pasted_deal_is_analyzed_and_a_broken_one_names_the_field()
    {
        var (page, _) = await OpenAsync("/deals", 1280, 900);
        await page.GetByTestId("deal-json").FillAsync("{\"tranches\":[{\"gpus\":-1,\"startMonth\":0,\"termMonths\":2}]}");
        await page.GetByTestId("analyze-own").ClickAsync();
        await Assertions.Expect(page.GetByTestId("deal-error")).ToContainTextAsync("tranches[0].gpus");

        await page.GetByTestId("deal-json").FillAsync("""{"tranches":[{"gpus":10,"startMonth":0,"termMonths":2}],"pricePerGpuHour":2,"prepaymentFraction":0.1,"equipmentUsdPerGpu":1000,"facilityUsdPerMw":1000000,"kwPerGpu":1,"pue":1.5,"powerUsdPerMwh":100,"otherOpexFraction":0.1,"residualFraction":0.5,"discountRateAnnual":0,"depreciationMonths":24}""");
        await page.GetByTestId("analyze-own").ClickAsync();
        await Assertions.Expect(page.GetByTestId("kpi-npv")).ToHaveTextAsync("$9,090");
        await Assertions.Expect(page.GetByTestId("kpi-tcv")).ToHaveTextAsync("$29,200");
        await Assertions.Expect(page.GetByTestId("kpi-payback")).ToHaveTextAsync("1");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Mining_vs_ai_compares_three_uses_of_a_megawatt()
    {
        var (page, errors) = await OpenAsync("/mining", 1280, 900);
        await Assertions.Expect(page.GetByTestId("mining-table")).ToContainTextAsync("bitcoin mining");
        await Assertions.Expect(page.GetByTestId("mining-table")).ToContainTextAsync("AI GPU cloud");
        await Assertions.Expect(page.GetByTestId("mining-table")).ToContainTextAsync("AI colocation");
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Microsoft_sees_its_iren_offtake_with_tranches_invoices_and_economics()
    {
        var token = await fixture.TokenAsync("microsoft", "market:read", "market:trade");
        var (page, errors) = await SignedInAsync(token, "microsoft");

        await page.GetByRole(AriaRole.Link, new() { Name = "Offtake contracts" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("offtake-aggregate")).ToContainTextAsync("76,000");
        await Assertions.Expect(page.GetByTestId("my-offtakes")).ToContainTextAsync("otc-microsoft-iren-2025");
        var tranches = page.GetByTestId("tranches");
        await Assertions.Expect(tranches).ToContainTextAsync("2026-03");
        await Assertions.Expect(tranches).ToContainTextAsync("2026-12");
        await Assertions.Expect(tranches.Locator("tbody tr")).ToHaveCountAsync(4);
        await Assertions.Expect(page.GetByTestId("economics")).ToContainTextAsync("$9,700.0M");
        // The book terms: the prepayment is credited back from the 24th month of service (March 2028), as in the deal preset.
        var terms = page.GetByTestId("contract-terms");
        await Assertions.Expect(terms).ToContainTextAsync("2028-03 (after 24 months of service)");
        await Assertions.Expect(terms).ToContainTextAsync("730 hours a month");
        await Assertions.Expect(page.GetByTestId("assign-form")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "offtake-contract.png"), FullPage = true });
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_book_charts_value_by_year_and_lists_the_microsoft_iren_contract()
    {
        // A two-sided book over one whole month 33 months out (where no other test trades) sets the GB300 curve: mid 2.40, flat
        // everywhere else, below the contract's 2.91 a GPU-hour, so Microsoft's mark is a loss in every year.
        var now = DateTimeOffset.UtcNow;
        var month = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(33);
        var window = $"\"start\":{month.ToUnixTimeSeconds() / 3600},\"end\":{month.AddMonths(1).ToUnixTimeSeconds() / 3600}";
        await PostAsync(await fixture.TokenAsync("iren", "market:read", "market:trade", "pools:write"), "api/v1/orders/asks",
            $"{{\"pool\":\"iren-childress-gb300\",\"gpus\":8,{window},\"price\":\"2.5000\"}}");
        await PostAsync(await fixture.TokenAsync("meta", "market:read", "market:trade"), "api/v1/orders/bids", $"{{\"sku\":\"GB300\",\"gpus\":8,{window},\"limit\":\"2.3000\"}}");
        var token = await fixture.TokenAsync("microsoft", "market:read");
        var (page, errors) = await SignedInAsync(token, "microsoft");

        await page.GetByRole(AriaRole.Link, new() { Name = "Book" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Book");
        var row = page.GetByTestId("book-contract-row").Filter(new() { HasText = "otc-microsoft-iren-2025" });
        await Assertions.Expect(row).ToContainTextAsync("buyer");
        await Assertions.Expect(row).ToContainTextAsync("GB300");
        await Assertions.Expect(row).ToContainTextAsync("-$");
        await Assertions.Expect(page.GetByTestId("book-by-sku")).ToContainTextAsync("GB300");
        await Assertions.Expect(page.GetByTestId("book-chart").Locator(".mud-chart").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("book-by-year")).ToContainTextAsync("2031"); // the contract's last tranche runs to November 2031
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "book-signed-in.png"), FullPage = true });

        // The contract page shows the same mark beside the contract.
        await page.GetByRole(AriaRole.Link, new() { Name = "Offtake contracts" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("contract-marks")).ToContainTextAsync("As buyer");
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_buyer_opens_an_rfq_and_a_seller_sees_it_open()
    {
        var buyer = await fixture.TokenAsync("meta", "market:read", "market:trade");
        var (page, errors) = await SignedInAsync(buyer, "meta");
        await page.GetByRole(AriaRole.Link, new() { Name = "RFQs" }).ClickAsync();
        await page.GetByTestId("rfq-gpus").FillAsync("2304");
        await page.GetByTestId("open-rfq").ClickAsync();
        await Assertions.Expect(page.GetByTestId("rfq-message")).ToContainTextAsync("RFQ opened");
        await Assertions.Expect(page.GetByTestId("my-rfqs")).ToContainTextAsync("2,304");
        await page.Context.CloseAsync();

        var seller = await fixture.TokenAsync("nscale", "market:read", "market:trade", "pools:write");
        (page, var sellerErrors) = await SignedInAsync(seller, "nscale");
        await page.GetByRole(AriaRole.Link, new() { Name = "RFQs" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("open-rfqs")).ToContainTextAsync("meta");
        // An offer its pools cannot back is refused with the reason, not stored.
        await page.GetByTestId("open-rfqs").GetByRole(AriaRole.Button, new() { Name = "Offer" }).First.ClickAsync();
        await page.GetByTestId("submit-offer").ClickAsync();
        await Assertions.Expect(page.GetByTestId("rfq-message")).ToContainTextAsync("pool");
        Assert.Empty(errors);
        Assert.Empty(sellerErrors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_preset_scenario_solves_to_a_plan_and_a_broken_one_names_the_field()
    {
        // The page opens on the hyperscaler 2026–2030 preset: Microsoft's neocloud deals against build and spot.
        var (page, errors) = await OpenAsync("/plan", 1280, 900);
        await Assertions.Expect(page.GetByTestId("scenario-json")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("hyperscaler-2026-2030"));
        await page.GetByTestId("solve").ClickAsync();
        await Assertions.Expect(page.GetByTestId("plan-summary")).ToContainTextAsync("optimal", new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("plan-years")).ToContainTextAsync("2030");
        await Assertions.Expect(page.GetByTestId("plan-decisions")).ToContainTextAsync("iren-microsoft-2025");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "plan-solved.png"), FullPage = true });

        var json = await page.GetByTestId("scenario-json").InputValueAsync();
        await page.GetByTestId("scenario-json").FillAsync(json.Replace("\"horizonMonths\": 60", "\"horizonMonths\": 0", StringComparison.Ordinal));
        await page.GetByTestId("solve").ClickAsync();
        await Assertions.Expect(page.GetByTestId("plan-error")).ToContainTextAsync("horizonMonths");
        Assert.Empty(errors);
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

    [Fact]
    public async Task A_standing_procurement_starts_from_my_desk_shows_what_it_cannot_buy_and_stops()
    {
        var token = await fixture.TokenAsync("anthropic", "market:read", "market:trade");
        var (page, errors) = await SignedInAsync(token, "anthropic");

        // No ask is under a cent, so the runner reports the block it cannot buy.
        await page.GetByTestId("procure-gpus").FillAsync("8");
        await page.GetByTestId("procure-max-price").FillAsync("0.0100");
        await page.GetByTestId("procure-start").ClickAsync();
        await Assertions.Expect(page.GetByTestId("procure-result")).ToContainTextAsync("started");
        await Assertions.Expect(page.GetByTestId("procurements")).ToContainTextAsync("no ask under 0.0100");

        await page.Locator("[data-testid^=stop-prc_]").First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("procure-result")).ToContainTextAsync("stopped");
        await Assertions.Expect(page.GetByTestId("procurements")).ToContainTextAsync("stopped");
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    /// <summary>Opens My desk and signs in with the token; the organization's chip shows in the app bar.</summary>
    private Task<(IPage Page, List<string> Errors)> SignedInAsync(string token, string organization) =>
        BrowserPages.SignedInAsync(fixture.Browser, fixture.Server.Address, token, organization);

    private Task<(IPage Page, List<string> Errors)> OpenAsync(string path, int width, int height) =>
        BrowserPages.OpenAsync(fixture.Browser, fixture.Server.Address, path, width, height);
}
