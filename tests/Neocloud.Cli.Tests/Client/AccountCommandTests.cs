using System.Text.Json;
using Neocloud.Testing;

namespace Neocloud.Cli.Tests.Client;

/// <summary><c>neocloud account …</c> and <c>neocloud admin credit|ledger|account|accounts</c> against a real exchange on 127.0.0.1.</summary>
public sealed class AccountCommandTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private string _trader = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _trader = await _server.NewOrganizationAsync("meta", "market:read", "market:trade");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public void An_administrator_sets_a_limit_and_records_money_and_the_organization_sees_both()
    {
        var credit = As(_server.AdminToken, "admin", "credit", "meta", "250000.00", "--json");
        var collateral = As(_server.AdminToken, "admin", "ledger", "meta", "collateral", "50000.00", "--reference", "LC-7", "--json");
        var payment = As(_server.AdminToken, "admin", "ledger", "meta", "payment", "1000.00", "--reference", "wire 1");
        var account = As(_trader, "account", "--json");
        var table = As(_trader, "account");
        var entries = As(_trader, "account", "entries", "--json");
        var all = As(_server.AdminToken, "admin", "accounts");
        var none = As(_server.AdminToken, "admin", "credit", "meta", "none", "--json");

        Assert.True(credit.ExitCode == 0, credit.Error);
        Assert.Equal("250000.00", JsonDocument.Parse(credit.Output).RootElement.GetProperty("limitUsd").GetString());
        Assert.True(collateral.ExitCode == 0, collateral.Error);
        Assert.Equal(("collateral", "50000.00", "LC-7"), (JsonDocument.Parse(collateral.Output).RootElement.GetProperty("kind").GetString(),
            JsonDocument.Parse(collateral.Output).RootElement.GetProperty("amountUsd").GetString(), JsonDocument.Parse(collateral.Output).RootElement.GetProperty("reference").GetString()));
        Assert.True(payment.ExitCode == 0, payment.Error);
        Assert.Contains("wire 1", payment.Output);
        var figures = JsonDocument.Parse(account.Output).RootElement;
        Assert.Equal(("50000.00", "1000.00", "301000.00"), (figures.GetProperty("collateralUsd").GetString(), figures.GetProperty("balanceUsd").GetString(),
            figures.GetProperty("availableUsd").GetString()));
        Assert.Contains("301000.00", table.Output);
        Assert.Equal(["collateral", "payment"], JsonDocument.Parse(entries.Output).RootElement.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
        Assert.Contains("exchange cash account", all.Output);
        Assert.True(none.ExitCode == 0, none.Error);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(none.Output).RootElement.GetProperty("limitUsd").ValueKind);
    }

    [Theory]
    [InlineData("error: 403", "trader", "admin", "credit", "meta", "1.00")]
    [InlineData("error: 400 The request is not valid: limitUsd: '12x' is not an amount of dollars", "admin", "admin", "credit", "meta", "12x")]
    [InlineData("error: 404 Not found: no organization 'nobody'", "admin", "admin", "credit", "nobody", "1.00")]
    [InlineData("error: 400 The request is not valid: amountUsd: must be more than zero", "admin", "admin", "ledger", "meta", "payment", "0", "--reference", "x")]
    [InlineData("error: 409 Not enough collateral", "admin", "admin", "ledger", "meta", "collateral_return", "5.00", "--reference", "x")]
    public void Bad_input_is_one_line_and_exit_2(string error, string who, params string[] args)
    {
        var run = As(who == "admin" ? _server.AdminToken : _trader, args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(error, run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    private CliRun As(string token, params string[] args) => CliRun.Of([.. args, "--url", _server.Address.ToString(), "--token", token]);
}
