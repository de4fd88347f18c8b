using Neocloud.Domain.Time;
using Neocloud.Testing;
using DomainHour = Neocloud.Domain.Time.Hour;

namespace Neocloud.Client.Tests;

/// <summary>The generated client against a real exchange on 127.0.0.1: a few calls per area, answers read as the API sends them.</summary>
public sealed class ExchangeApiClientTests : IAsyncLifetime
{
    private readonly List<HttpClient> _connections = [];
    private TestServer _server = null!;
    private ExchangeApiClient _admin = null!;
    private ExchangeApiClient _seller = null!;
    private ExchangeApiClient _buyer = null!;
    private int _now;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _now = DomainHour.FromUtc(DateTimeOffset.UtcNow).Value;
        _admin = Connect(_server.AdminToken);
        _seller = Connect(await TokenAsync("iren", "market:read", "market:trade", "pools:write"));
        _buyer = Connect(await TokenAsync("microsoft", "market:read", "market:trade"));
    }

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections) connection.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Catalog_and_market_data_answer_as_typed_views()
    {
        var skus = await _buyer.ListSkusAsync(limit: 100);
        Assert.Contains(skus.Items, sku => sku.Id == "GB300");
        var book = await _buyer.GetBookAsync("GB300");
        Assert.Equal("GB300", book.Sku);
        Assert.NotNull(book.Asks);
        Assert.NotNull(book.Bids);
        var trades = await _buyer.ListMarketTradesAsync("GB300", limit: 5);
        Assert.NotNull(trades.Items);
        var index = await _buyer.GetIndexAsync("GB300");
        Assert.NotNull(index.Days);
    }

    [Fact]
    public async Task A_seller_lists_a_pool_and_a_buyer_finds_quotes_takes_lists_and_cancels()
    {
        var pool = await _seller.CreatePoolAsync(new CreatePoolBody
        {
            Id = "iren-client", Sku = "GB300", Region = "us-tx", Capacity = [new StepBody { Start = _now, End = _now + 2_000, Gpus = 144 }],
        });
        Assert.Equal("iren-client", pool.Id);
        var step = await _seller.AddCapacityAsync("iren-client", new StepBody { Start = _now + 2_000, End = _now + 3_000, Gpus = 144 });
        Assert.NotNull(step);
        var ask = await _seller.PlaceAskAsync(new AskBody { Pool = "iren-client", Gpus = 72, Start = _now + 24, End = _now + 1_000, Price = "2.4500" });
        Assert.Equal(OrderStatus.Open, ask.Order.Status);

        var offers = await _buyer.SearchOffersAsync("GB300", gpus: 8, from: _now + 48, to: _now + 72, provider: "iren");
        var offer = Assert.Single(offers.Items, o => o.Pool == "iren-client");
        Assert.Equal("2.4500", offer.Price);
        Assert.Equal(72, offer.FreeGpus);
        var quote = await _buyer.GetQuoteAsync("GB300", gpus: 8, start: _now + 48, end: _now + 72, region: "us-tx");
        Assert.NotNull(quote.Price);
        Assert.Equal(HourText.Of(_now + 48), quote.StartsAt);

        var bid = await _buyer.PlaceBidAsync(new BidBody { Sku = "GB300", Limit = "3.0000", Region = "us-tx", Gpus = 8, Start = _now + 48, End = _now + 72, Tif = "IOC" });
        var trade = Assert.Single(bid.Trades);
        Assert.Equal(_now + 48, trade.Start);
        Assert.Equal(HourText.Of(_now + 48), trade.StartsAt);
        Assert.Equal("buy", trade.Side);

        var resting = await _buyer.PlaceBidAsync(new BidBody { Sku = "GB300", Limit = "0.5000", Gpus = 8, Start = _now + 48, End = _now + 72 });
        var id = resting.Order.Id;
        var open = await _buyer.ListOrdersAsync("open");
        Assert.Contains(open.Items, order => order.Id == id);
        var cancelled = await _buyer.CancelOrderAsync(id);
        Assert.Equal(OrderStatus.Cancelled, cancelled.Status);
    }

    [Fact]
    public async Task Every_read_answer_deserializes_into_its_generated_type()
    {
        Assert.Equal("microsoft", (await _buyer.GetMeAsync()).Organization);
        Assert.Equal("GB300", (await _buyer.GetSkuAsync("GB300")).Id);
        Assert.NotEmpty((await _buyer.ListProvidersAsync()).Items);
        Assert.NotEmpty((await _buyer.ListBuyersAsync()).Items);
        var sites = await _buyer.ListSitesAsync();
        Assert.Equal(sites.Items.First().Id, (await _buyer.GetSiteAsync(sites.Items.First().Id)).Id);
        Assert.NotNull((await _buyer.ListPublicDealsAsync()).Items);
        var pools = await _buyer.ListPoolsAsync(limit: 5);
        Assert.NotEmpty(pools.Items);
        Assert.Equal(pools.Items.First().Id, (await _buyer.GetPoolAsync(pools.Items.First().Id, from: _now, to: _now + 48)).Id);
        Assert.NotNull((await _buyer.ListPortfoliosAsync()).Items);
        Assert.NotNull((await _buyer.ListTradesAsync()).Items);
        Assert.NotNull((await _buyer.ListContractsAsync()).Items);
        Assert.Equal("GB300", (await _buyer.GetQuoteAsync("GB300", gpus: 8, start: _now + 48, end: _now + 72)).Sku);
        Assert.Equal(36, (await _buyer.GetCurveAsync("GB300")).Months.Count);

        var presets = await _buyer.ListDealPresetsAsync();
        var preset = await _buyer.GetDealPresetAsync(presets.Items.First().Id);
        Assert.NotEmpty(preset.Sources);
        Assert.Equal(preset.Analysis.NpvUsd, (await _buyer.AnalyzeDealAsync(preset.Deal!)).NpvUsd);

        var plans = await _buyer.ListPlanPresetsAsync();
        Assert.NotNull(await _buyer.GetPlanPresetAsync(plans.First().Id));

        Assert.NotNull(await _buyer.ListRfqsAsync());
        foreach (var offtake in await _buyer.ListOfftakesAsync())
        {
            Assert.Equal(offtake.Id, (await _buyer.GetOfftakeAsync(offtake.Id)).Id);
            Assert.NotNull(await _buyer.ListOfftakeInvoicesAsync(offtake.Id));
            Assert.NotNull(await _buyer.ListSlaReportsAsync(offtake.Id));
        }
        Assert.NotEmpty((await _admin.ListOrganizationsAsync()).Items);
        Assert.NotEmpty((await _admin.ListTokensAsync("microsoft")).Items);
        Assert.NotEmpty(await _buyer.ListEventTypesAsync());
    }

    [Fact]
    public async Task A_bad_field_is_a_problem_document_naming_it()
    {
        var refused = await Assert.ThrowsAsync<ApiException<Problem>>(() =>
            _buyer.PlaceBidAsync(new BidBody { Sku = "GB300", Limit = "3.10", Gpus = -5, Start = _now + 24, End = _now + 48 }));

        Assert.Equal(400, refused.StatusCode);
        Assert.Equal(400, refused.Result.Status);
        Assert.Contains("must be >= 1", Assert.Single(refused.Result.Errors["gpus"]));
    }

    [Fact]
    public async Task An_unknown_order_is_a_404_problem()
    {
        var missing = await Assert.ThrowsAsync<ApiException<Problem>>(() => _buyer.GetOrderAsync("nope"));

        Assert.Equal(404, missing.StatusCode);
        Assert.False(string.IsNullOrEmpty(missing.Result.Title));
    }

    [Fact]
    public async Task An_rfq_opens_lists_and_is_withdrawn()
    {
        var rfq = await _buyer.OpenRfqAsync(new RfqBody
        {
            Skus = ["GB300"], Gpus = 1_000, EarliestStart = "2027-01", LatestStart = "2027-06", TermMonths = 24, MaxPricePerGpuHour = "3.50",
            ClosesAt = DateTimeOffset.UtcNow.AddDays(1), Ramp = [new RampStep { Gpus = 1_000, MonthOffset = 0 }],
        });
        var id = rfq.Id;
        Assert.Equal(RfqStatus.Open, rfq.Status);

        var listed = await _seller.ListRfqsAsync();
        Assert.Contains(listed, r => r.Id == id);
        await _buyer.WithdrawRfqAsync(id);
        Assert.NotEqual(RfqStatus.Open, (await _buyer.GetRfqAsync(id)).Status);
    }

    [Fact]
    public async Task A_post_without_a_body_reaches_the_handler()
    {
        // terminate takes no body: the client sends none (with its Idempotency-Key), and the answer is about the contract.
        var missing = await Assert.ThrowsAsync<ApiException<Problem>>(() => _buyer.TerminateOfftakeAsync("otc-nope"));

        Assert.Equal(404, missing.StatusCode);
        Assert.Contains("otc-nope", missing.Result.Detail);
    }

    [Fact]
    public async Task A_procurement_starts_lists_and_stops_as_typed_views()
    {
        var started = await _buyer.StartProcurementAsync(new ProcurementBody { Sku = "GB300", Gpus = 8, HorizonHours = 336, BlockHours = 168, MaxPrice = "3.10" });
        Assert.Equal(ProcurementStatus.Active, started.Status);
        Assert.Equal(8, started.Gpus);

        var listed = await _buyer.ListProcurementsAsync(limit: 10);
        Assert.Contains(listed.Items, p => p.Id == started.Id);
        var stopped = await _buyer.StopProcurementAsync(started.Id);
        Assert.Equal(ProcurementStatus.Stopped, stopped.Status);
        Assert.NotNull(stopped.Stopped);
    }

    [Fact]
    public async Task An_admin_creates_rotates_and_revokes_tokens()
    {
        var organization = await _admin.CreateOrganizationAsync(new CreateOrganizationBody { Id = "acme", Name = "Acme GPU" });
        Assert.Equal("acme", organization.Id);
        var created = await _admin.CreateTokenAsync("acme", new CreateTokenBody { Scopes = ["market:read"], Label = "client-test" });
        var tokenId = created.Id;
        Assert.Equal("acme", (await Connect(created.Token!).GetMeAsync()).Organization);

        var tokens = await _admin.ListTokensAsync("acme");
        Assert.Contains(tokens.Items, t => t.Id == tokenId);
        var rotated = await _admin.RotateTokenAsync(tokenId, new RotateTokenBody { GraceSeconds = 0 });
        var fresh = Connect(rotated.Token!);
        Assert.Equal("acme", (await fresh.GetMeAsync()).Organization);

        await _admin.RevokeTokenAsync(rotated.Id);
        var refused = await Assert.ThrowsAnyAsync<ApiException>(() => fresh.GetMeAsync());
        Assert.Equal(401, refused.StatusCode);
    }

    private ExchangeApiClient Connect(string token)
    {
        var http = ExchangeHttp.Create(_server.Address, token);
        _connections.Add(http);
        return ExchangeHttp.Client(http);
    }

    private async Task<string> TokenAsync(string organization, params string[] scopes)
    {
        var token = await Connect(_server.AdminToken).CreateTokenAsync(organization, new CreateTokenBody { Scopes = scopes, Label = "client-test" });
        return token.Token!;
    }
}
