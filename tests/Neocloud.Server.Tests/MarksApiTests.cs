using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Access;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>
/// <c>GET /offtakes/{id}/marks</c> and <c>GET /book/marks</c> over real HTTP, with the server's clock on the 15th of a
/// month M. The buyer's RFQ (12% a year) awards the seller's offer: 100 GB300 from M+1 for 3 months at 2.50, 730 hours
/// a month. The curve: M+1 trades 10 GPUs at 3.00 (to the buyer) and 10 at 3.40 (to meta), VWAP 3.20; for M+2 and M+3 a
/// resting ask at 3.20 and bid at 2.80, mid 3.00; flat 3.00 beyond. The parties are not the seed's (whose
/// Microsoft–IREN contract would join their books).
/// </summary>
public sealed class MarksApiTests : IAsyncLifetime
{
    private readonly TestClock _clock = new();
    private TestServer _server = null!;
    private HttpClient _seller = null!, _buyer = null!, _meta = null!;
    private CalendarMonth _m;
    private string _contract = null!;

    public async Task InitializeAsync()
    {
        var now = _clock.GetUtcNow();
        _m = CalendarMonth.Of(now).AddMonths(1);
        _clock.Advance(_m.FirstHour.StartUtc.AddDays(14).AddHours(10) - now);
        _server = await TestServer.StartAsync(options => options with { Clock = _clock });
        _seller = _server.Client(await _server.NewOrganizationAsync("nscale", Scopes.MarketRead, Scopes.MarketTrade, Scopes.PoolsWrite));
        _buyer = _server.Client(await _server.NewOrganizationAsync("openai", Scopes.MarketRead, Scopes.MarketTrade));
        _meta = _server.Client(await _server.NewOrganizationAsync("meta", Scopes.MarketRead, Scopes.MarketTrade));
        await Market.Created(await _seller.PostAsJsonAsync("/api/v1/pools", new
        {
            id = "c1", sku = "GB300", region = "us-tx", capacity = new[] { new { start = Hour(0), end = Hour(24), gpus = 1000 } },
        }));

        var rfq = (await Market.Created(await _buyer.PostAsJsonAsync("/api/v1/rfqs", new
        {
            skus = new[] { "GB300" }, gpus = 100, regions = new[] { "us-tx" }, earliestStart = _m.AddMonths(1).ToString(), latestStart = _m.AddMonths(3).ToString(),
            termMonths = 3, maxPricePerGpuHour = "4.00", discountRateAnnual = 0.12, closesAt = _clock.GetUtcNow().AddMinutes(5).ToString("O"),
        }))).GetProperty("id").GetString()!;
        var offer = (await Market.Created(await _seller.PostAsJsonAsync($"/api/v1/rfqs/{rfq}/offers", new
        {
            sku = "GB300", pricePerGpuHour = "2.50", availabilityPercent = 99.9m,
            tranches = new[] { new { pool = "c1", gpus = 100, start = _m.AddMonths(1).ToString(), termMonths = 3 } },
        }))).GetProperty("id").GetString()!;
        _clock.Advance(TimeSpan.FromMinutes(6));
        var awarded = await Market.Created(await _buyer.PostAsJsonAsync($"/api/v1/rfqs/{rfq}/award", new { awards = new[] { new { offer } } }));
        _contract = awarded[0].GetProperty("id").GetString()!;

        await Market.AskAsync(_seller, 10, Hour(1), Hour(2), "3.0000", pool: "c1");
        Assert.Equal("filled", (await Market.BidAsync(_buyer, 10, Hour(1), Hour(2), "3.0000")).GetProperty("order").GetProperty("status").GetString());
        await Market.AskAsync(_seller, 10, Hour(1), Hour(2), "3.4000", pool: "c1");
        Assert.Equal("filled", (await Market.BidAsync(_meta, 10, Hour(1), Hour(2), "3.4000")).GetProperty("order").GetProperty("status").GetString());
        await Market.AskAsync(_seller, 10, Hour(2), Hour(4), "3.2000", pool: "c1");
        await Market.BidAsync(_meta, 5, Hour(2), Hour(4), "2.8000");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private int Hour(int months) => _m.AddMonths(months).FirstHour.Value;

    private static async Task<JsonElement> Ok(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Fact]
    public async Task A_contracts_marks_are_the_buyers_gain_and_the_sellers_loss()
    {
        var buyer = await Ok(await _buyer.GetAsync($"/api/v1/offtakes/{_contract}/marks"));
        var seller = await Ok(await _seller.GetAsync($"/api/v1/offtakes/{_contract}/marks"));

        Assert.Equal((_contract, "buyer", 0.12m), (buyer.GetProperty("contract").GetString(), buyer.GetProperty("side").GetString(), buyer.GetProperty("ratePerYear").GetDecimal()));
        Assert.Equal("seller", seller.GetProperty("side").GetString());
        var months = buyer.GetProperty("months").EnumerateArray().ToList();
        Assert.Equal([_m.AddMonths(1).ToString(), _m.AddMonths(2).ToString(), _m.AddMonths(3).ToString()], months.Select(m => m.GetProperty("month").GetString()));
        Assert.Equal([3.2m, 3.0m, 3.0m], months.Select(m => m.GetProperty("curvePrice").GetDecimal()));
        Assert.All(months, m => Assert.Equal((100, 730, 2.5m), (m.GetProperty("gpus").GetInt32(), m.GetProperty("hours").GetInt32(), m.GetProperty("billedPrice").GetDecimal())));
        // At 12% a year month k is discounted by 1.12^(k/12): 1.0094887929, 1.0190676231, 1.0287373447.
        // M+1: (3.20 − 2.50) × 100 × 730 = 51,100 → 50,619.68; M+2: (3.00 − 2.50) × 100 × 730 = 36,500 → 35,817.05; M+3: 36,500 → 35,480.39.
        Assert.Equal([51100m, 36500m, 36500m], months.Select(m => m.GetProperty("valueUsd").GetDecimal()));
        Assert.Equal([50619.68m, 35817.05m, 35480.39m], months.Select(m => m.GetProperty("discountedUsd").GetDecimal()));
        Assert.Equal(121917.12m, buyer.GetProperty("totalUsd").GetDecimal());
        Assert.Equal(-121917.12m, seller.GetProperty("totalUsd").GetDecimal());
        Assert.Equal(months.Select(m => -m.GetProperty("discountedUsd").GetDecimal()),
            seller.GetProperty("months").EnumerateArray().Select(m => m.GetProperty("discountedUsd").GetDecimal()));
    }

    [Fact]
    public async Task An_assignment_moves_part_of_the_buyers_mark_to_the_assignee()
    {
        // The buyer assigns 40% (40 GPUs) to meta from M+2; the seller and meta accept.
        var proposed = await Market.Created(await _buyer.PostAsJsonAsync($"/api/v1/offtakes/{_contract}/assignments",
            new { to = "meta", share = 0.4m, fromMonth = _m.AddMonths(2).ToString() }));
        var assignment = proposed.GetProperty("id").GetString()!;
        await Ok(await _seller.PostAsync($"/api/v1/offtakes/{_contract}/assignments/{assignment}/accept", null));
        await Ok(await _meta.PostAsync($"/api/v1/offtakes/{_contract}/assignments/{assignment}/accept", null));

        var buyer = await Ok(await _buyer.GetAsync($"/api/v1/offtakes/{_contract}/marks"));
        var assignee = await Ok(await _meta.GetAsync($"/api/v1/offtakes/{_contract}/marks"));
        var seller = await Ok(await _seller.GetAsync($"/api/v1/offtakes/{_contract}/marks"));

        // Buyer: M+1 100 GPUs → 50,619.68; M+2 and M+3 60 GPUs: 0.50 × 60 × 730 = 21,900 → 21,490.23 and 21,288.23; total 93,398.15.
        Assert.Equal([100, 60, 60], buyer.GetProperty("months").EnumerateArray().Select(m => m.GetProperty("gpus").GetInt32()));
        Assert.Equal(93398.15m, buyer.GetProperty("totalUsd").GetDecimal());
        // Assignee, at the contract's 12%: 0, 40, 40 GPUs; 14,600 → 14,326.82 and 14,192.16; total 28,518.98.
        Assert.Equal("assignee", assignee.GetProperty("side").GetString());
        Assert.Equal([0, 40, 40], assignee.GetProperty("months").EnumerateArray().Select(m => m.GetProperty("gpus").GetInt32()));
        Assert.Equal(28518.98m, assignee.GetProperty("totalUsd").GetDecimal());
        // The seller still carries the whole contract.
        Assert.Equal(-121917.12m, seller.GetProperty("totalUsd").GetDecimal());
    }

    [Fact]
    public async Task Marks_of_a_contract_one_is_not_a_party_to_are_404()
    {
        var problem = await (await _meta.GetAsync($"/api/v1/offtakes/{_contract}/marks")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains(_contract, problem.GetProperty("detail").GetString());
        await (await _meta.GetAsync("/api/v1/offtakes/otc-nope/marks")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_book_adds_contracts_and_spot_holdings()
    {
        var book = await Ok(await _buyer.GetAsync("/api/v1/book/marks"));

        var contract = Assert.Single(book.GetProperty("contracts").EnumerateArray());
        Assert.Equal((_contract, "GB300", "buyer", 121917.12m),
            (contract.GetProperty("id").GetString(), contract.GetProperty("sku").GetString(), contract.GetProperty("side").GetString(), contract.GetProperty("totalUsd").GetDecimal()));
        // The buyer's spot holding: 10 GPUs for all of M+1 bought at 3.00, marked at 3.20, discounted at 10% a year for k = 1.
        var hours = (decimal)(Hour(2) - Hour(1));
        var spotUsd = decimal.Round(0.20m * 10 * hours / 1.0079741404289037m, 2, MidpointRounding.ToEven);
        var spot = Assert.Single(book.GetProperty("spot").EnumerateArray());
        Assert.Equal(("buyer", 10 * (long)hours, 3.0m, spotUsd),
            (spot.GetProperty("side").GetString(), spot.GetProperty("gpuHours").GetInt64(), spot.GetProperty("price").GetDecimal(), spot.GetProperty("totalUsd").GetDecimal()));
        var sku = Assert.Single(book.GetProperty("bySku").EnumerateArray());
        Assert.Equal(("GB300", 121917.12m, spotUsd), (sku.GetProperty("sku").GetString(), sku.GetProperty("contractsUsd").GetDecimal(), sku.GetProperty("spotUsd").GetDecimal()));
        Assert.InRange(sku.GetProperty("totalUsd").GetDecimal() - (121917.12m + spotUsd), -0.01m, 0.01m);
        Assert.Equal(sku.GetProperty("totalUsd").GetDecimal(), book.GetProperty("totalUsd").GetDecimal());
        Assert.InRange(book.GetProperty("totalUsd").GetDecimal() - book.GetProperty("byYear").EnumerateArray().Sum(y => y.GetProperty("totalUsd").GetDecimal()), -0.02m, 0.02m);
        Assert.Equal(_m.AddMonths(1).Year, book.GetProperty("byYear")[0].GetProperty("year").GetInt32());

        // The seller's book carries both trades it sold and the contract, with the signs turned.
        var sellersBook = await Ok(await _seller.GetAsync("/api/v1/book/marks"));
        Assert.Equal(-121917.12m, sellersBook.GetProperty("contractsUsd").GetDecimal());
        Assert.Equal(["seller", "seller"], sellersBook.GetProperty("spot").EnumerateArray().Select(s => s.GetProperty("side").GetString()));
        // −(3.20 − 3.00) and −(3.20 − 3.40) on the same GPU-hours cancel out.
        Assert.Equal(0m, sellersBook.GetProperty("spotUsd").GetDecimal());
    }
}
