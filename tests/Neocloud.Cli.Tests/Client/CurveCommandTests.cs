using System.Text.Json;
using Neocloud.Domain.Time;
using Neocloud.Testing;

namespace Neocloud.Cli.Tests.Client;

/// <summary><c>neocloud market curve</c> against a real exchange on 127.0.0.1: an ask at 3.0000 and a bid at 2.0000 over next month and the two after.</summary>
public sealed class CurveCommandTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private string _buyer = null!, _seller = null!;
    private readonly CalendarMonth _next = CalendarMonth.Of(DateTimeOffset.UtcNow).AddMonths(1);

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _buyer = await _server.NewOrganizationAsync("microsoft", "market:read", "market:trade");
        _seller = await _server.NewOrganizationAsync("iren", "market:read", "market:trade", "pools:write");
        await CurveMarket.RestAsync(_server, _seller, _buyer, "iren-curve", _next);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private CliRun As(string token, params string[] args) => CliRun.Of([.. args, "--url", _server.Address.ToString(), "--token", token]);

    [Fact]
    public void Curve_shows_month_price_and_source_as_a_table_and_as_json()
    {
        var table = As(_buyer, "market", "curve", "GB300");
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains("source", table.Output);
        Assert.Matches($@"{_next}\s*│\s*2\.5000\s*│\s*book", table.Output);
        Assert.Matches($@"{_next.AddMonths(-1)}\s*│\s*2\.5000\s*│\s*flat", table.Output);

        var json = As(_buyer, "market", "curve", "GB300", "--json");
        Assert.True(json.ExitCode == 0, json.Error);
        var months = JsonDocument.Parse(json.Output).RootElement.GetProperty("months").EnumerateArray().ToList();
        Assert.Equal(36, months.Count);
        Assert.Equal(("2.5000", "book"), (months[3].GetProperty("price").GetString(), months[3].GetProperty("source").GetString()));
        Assert.Equal(("2.5000", "flat"), (months[4].GetProperty("price").GetString(), months[4].GetProperty("source").GetString()));
    }

    [Fact]
    public void An_unknown_sku_is_an_error()
    {
        var run = As(_buyer, "market", "curve", "NOPE");
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: 404", run.Error);
    }
}
