using System.Text.Json;
using Neocloud.Testing;

namespace Neocloud.Cli.Tests.Client;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ClientCommandTests : IAsyncLifetime
{
    private readonly TempDirectory _home = new("neocloud-cli-home-");
    private TestServer _server = null!;

    private string Config => _home.File("config.json");

    private string Url => _server.Address.ToString();

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _home.Dispose();
    }

    [Fact]
    public void Login_checks_the_token_and_stores_it_for_later_commands()
    {
        var login = CliRun.WithConfig(Config, "login", "--url", Url, "--token", _server.AdminToken);
        Assert.Equal(0, login.ExitCode);
        Assert.Contains("as admin", login.Output);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Config));

        var list = CliRun.WithConfig(Config, "order", "list", "--json");
        Assert.Equal(0, list.ExitCode);
        Assert.Empty(JsonDocument.Parse(list.Output).RootElement.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public void A_wrong_token_is_one_line_and_exit_2()
    {
        var run = CliRun.WithConfig(Config, "login", "--url", Url, "--token", "nc_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: the exchange refused the token (401)", run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.False(File.Exists(Config));
    }

    [Fact]
    public void An_unreachable_exchange_is_one_line_and_exit_2()
    {
        var run = CliRun.WithConfig(Config, "contracts", "--url", "http://127.0.0.1:9", "--token", _server.AdminToken);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: cannot reach the exchange at http://127.0.0.1:9", run.Error);
    }

    [Fact]
    public void Without_login_the_cli_says_how_to_log_in()
    {
        var run = CliRun.WithConfig(Config, "order", "list");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("neocloud login", run.Error);
    }

    [Fact]
    public void A_bid_placed_from_the_cli_rests_in_the_book_lists_and_cancels()
    {
        CliRun.WithConfig(Config, "login", "--url", Url, "--token", _server.AdminToken);

        var bid = CliRun.WithConfig(Config, "order", "bid", "--sku", "H100", "--gpus", "8", "--start", "490000", "--end", "490024", "--limit", "0.5000", "--json");
        Assert.Equal(0, bid.ExitCode);
        var order = JsonDocument.Parse(bid.Output).RootElement.GetProperty("order");
        Assert.Equal("open", order.GetProperty("status").GetString());

        var open = CliRun.WithConfig(Config, "order", "list", "--status", "open");
        Assert.Contains(order.GetProperty("id").GetString()!, open.Output);

        var cancel = CliRun.WithConfig(Config, "order", "cancel", order.GetProperty("id").GetString()!);
        Assert.Equal(0, cancel.ExitCode);
        Assert.Contains("cancelled", cancel.Output);
    }

    [Fact]
    public void A_bad_order_is_refused_with_the_field_named()
    {
        CliRun.WithConfig(Config, "login", "--url", Url, "--token", _server.AdminToken);
        var run = CliRun.WithConfig(Config, "order", "bid", "--sku", "H100", "--gpus", "-3", "--start", "490000", "--end", "490024", "--limit", "1.0");
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: 400 The request is not valid: gpus: must be >= 1", run.Error);
    }

    [Fact]
    public void Market_data_commands_print_tables_and_json()
    {
        CliRun.WithConfig(Config, "login", "--url", Url, "--token", _server.AdminToken);
        var book = CliRun.WithConfig(Config, "market", "book", "GB300");
        Assert.Equal(0, book.ExitCode);
        Assert.Contains("price", book.Output);

        var quote = CliRun.WithConfig(Config, "market", "quote", "GB300", "--gpus", "8", "--start", "490000", "--end", "490010", "--json");
        Assert.Equal(0, quote.ExitCode);
        Assert.Equal("GB300", JsonDocument.Parse(quote.Output).RootElement.GetProperty("sku").GetString());

        var index = CliRun.WithConfig(Config, "market", "index", "GB300", "--from", "2026-01-01", "--to", "2026-01-31", "--json");
        Assert.Equal(0, index.ExitCode);
        Assert.Empty(JsonDocument.Parse(index.Output).RootElement.GetProperty("days").EnumerateArray());
        Assert.Equal(0, CliRun.WithConfig(Config, "market", "trades", "GB300").ExitCode);
    }
}
