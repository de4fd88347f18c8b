using System.Text.Json;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Seed;
using Neocloud.Testing;

namespace Neocloud.Cli.Tests.Client;

/// <summary>
/// <c>neocloud contract marks</c> and <c>neocloud book</c> against a real exchange on 127.0.0.1: the seeded
/// Microsoft–IREN contract marked to a curve of 2.5000 (an ask at 3.00 and a bid at 2.00 over the next three months,
/// flat beyond).
/// </summary>
public sealed class MarksCommandTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private string _buyer = null!, _seller = null!, _other = null!;
    private readonly CalendarMonth _next = CalendarMonth.Of(DateTimeOffset.UtcNow).AddMonths(1);

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _buyer = await _server.NewOrganizationAsync("microsoft", "market:read", "market:trade");
        _seller = await _server.NewOrganizationAsync("iren", "market:read", "market:trade", "pools:write");
        _other = await _server.NewOrganizationAsync("meta", "market:read");
        await CurveMarket.RestAsync(_server, _seller, _buyer, "iren-marks", _next);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private CliRun As(string token, params string[] args) => CliRun.Of([.. args, "--url", _server.Address.ToString(), "--token", token]);

    [Fact]
    public void Contract_marks_show_the_months_and_total_as_a_table_and_as_json()
    {
        var table = As(_buyer, "contract", "marks", OfftakeSeed.ContractId);
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains("as buyer", table.Output);
        Assert.Contains("discounted at 0.1 a year", table.Output);
        var gpus = OfftakeSeed.Terms.Tranches.Where(t => t.Start <= _next && _next < t.End).Sum(t => t.Gpus);
        Assert.Matches($@"{_next}\s*│\s*{gpus}\s*│\s*730\s*│\s*2\.5\d*\s*│", table.Output);
        Assert.Contains("total -", table.Output);

        var buyer = JsonDocument.Parse(As(_buyer, "contract", "marks", OfftakeSeed.ContractId, "--json").Output).RootElement;
        var seller = JsonDocument.Parse(As(_seller, "contract", "marks", OfftakeSeed.ContractId, "--json").Output).RootElement;
        var months = buyer.GetProperty("months").EnumerateArray().ToList();
        Assert.Equal(_next.ToString(), months[0].GetProperty("month").GetString());
        Assert.Equal(OfftakeSeed.Terms.End.AddMonths(-1).ToString(), months[^1].GetProperty("month").GetString());
        Assert.All(months, m => Assert.Equal(2.5m, m.GetProperty("curvePrice").GetDecimal()));
        // The seeded price (2.91396… a GPU-hour) is above the curve: the buyer's mark is a loss, the seller's the same gain.
        Assert.True(buyer.GetProperty("totalUsd").GetDecimal() < 0m);
        Assert.Equal(-buyer.GetProperty("totalUsd").GetDecimal(), seller.GetProperty("totalUsd").GetDecimal());
        Assert.Equal("seller", seller.GetProperty("side").GetString());
    }

    [Fact]
    public void Marks_of_a_contract_one_is_not_a_party_to_are_an_error()
    {
        var run = As(_other, "contract", "marks", OfftakeSeed.ContractId);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: 404", run.Error);
    }

    [Fact]
    public void Book_shows_totals_by_sku_and_by_year()
    {
        var table = As(_buyer, "book");
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains("By SKU", table.Output);
        Assert.Contains("By year", table.Output);
        Assert.Contains(OfftakeSeed.ContractId, table.Output);
        Assert.Matches($@"│\s*{_next.Year}\s*│", table.Output);

        var json = JsonDocument.Parse(As(_buyer, "book", "--json").Output).RootElement;
        var contracts = json.GetProperty("contracts").EnumerateArray().ToList();
        var seeded = Assert.Single(contracts, c => c.GetProperty("id").GetString() == OfftakeSeed.ContractId);
        var gb300 = Assert.Single(json.GetProperty("bySku").EnumerateArray(), s => s.GetProperty("sku").GetString() == "GB300");
        Assert.Equal(seeded.GetProperty("totalUsd").GetDecimal(), gb300.GetProperty("contractsUsd").GetDecimal());
        Assert.Equal(OfftakeSeed.Terms.End.AddMonths(-1).Year, json.GetProperty("byYear").EnumerateArray().Last().GetProperty("year").GetInt32());
    }
}
