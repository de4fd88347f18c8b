using System.Net;
using Neocloud.Exchange.Access;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

public sealed class DealsApiTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _client = _server.Client(await _server.NewOrganizationAsync("meta", Scopes.MarketRead));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Analyze_returns_the_same_numbers_as_the_cli()
    {
        var body = """{"tranches":[{"gpus":10,"startMonth":0,"termMonths":2}],"pricePerGpuHour":2,"prepaymentFraction":0.1,"equipmentUsdPerGpu":1000,"facilityUsdPerMw":1000000,"kwPerGpu":1,"pue":1.5,"powerUsdPerMwh":100,"otherOpexFraction":0.1,"residualFraction":0.5,"discountRateAnnual":0,"depreciationMonths":24}""";
        var analysis = await (await _client.PostJsonAsync("/api/v1/deals/analyze", body)).JsonAsync();
        Assert.Equal(29_200m, analysis.GetProperty("tcvUsd").GetDecimal());
        Assert.Equal(9_090m, analysis.GetProperty("npvUsd").GetDecimal());
        Assert.Equal(1, analysis.GetProperty("paybackMonth").GetInt32());
    }

    [Fact]
    public async Task Analyze_takes_an_escalator_and_delivery_damages()
    {
        var body = """{"tranches":[{"gpus":10,"startMonth":0,"termMonths":3,"delayMonths":1}],"pricePerGpuHour":2,"prepaymentFraction":0.1,"equipmentUsdPerGpu":1000,"facilityUsdPerMw":1000000,"kwPerGpu":1,"pue":1.5,"powerUsdPerMwh":100,"otherOpexFraction":0.1,"residualFraction":0.5,"discountRateAnnual":0,"depreciationMonths":24,"ldPercentPerMonth":5,"ldCapPercent":20,"priceIndex":{"kind":"fixed","ratePerYear":0.1,"resetEveryMonths":2}}""";
        var analysis = await (await _client.PostJsonAsync("/api/v1/deals/analyze", body)).JsonAsync();
        var months = analysis.GetProperty("months");
        Assert.Equal(43_800m, analysis.GetProperty("tcvUsd").GetDecimal());
        Assert.Equal(14_600m, months[1].GetProperty("revenueUsd").GetDecimal());
        Assert.True(months[2].GetProperty("revenueUsd").GetDecimal() > 14_600m);

        var problem = await (await _client.PostJsonAsync("/api/v1/deals/analyze", body.Replace("\"fixed\"", "\"exchange\"", StringComparison.Ordinal)))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["priceIndex.kind"], problem.ErrorFields());
    }

    [Fact]
    public async Task A_bad_deal_body_names_the_field()
    {
        var problem = await (await _client.PostJsonAsync("/api/v1/deals/analyze", """{"tranches":[{"gpus":-1,"startMonth":0,"termMonths":2}]}"""))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["tranches[0].gpus"], problem.ErrorFields());
    }

    [Fact]
    public async Task Presets_list_and_open_with_their_analysis()
    {
        var list = await (await _client.GetAsync("/api/v1/deals/presets")).JsonAsync();
        Assert.Equal("iren-microsoft-2025", list.GetProperty("items")[0].GetProperty("id").GetString());
        var preset = await (await _client.GetAsync("/api/v1/deals/presets/iren-microsoft-2025")).JsonAsync();
        Assert.Equal(9_700_000_000m, preset.GetProperty("analysis").GetProperty("tcvUsd").GetDecimal());
        await (await _client.GetAsync("/api/v1/deals/presets/nope")).ProblemAsync(HttpStatusCode.NotFound);
    }
}
