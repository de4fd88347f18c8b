using System.Text.Json;
using Neocloud.Testing;

namespace Neocloud.Cli.Tests.Client;

/// <summary><c>neocloud index …</c> against a real exchange on 127.0.0.1.</summary>
public sealed class IndexCommandTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("neocloud-index-cli-");
    private TestServer _server = null!;
    private string _reader = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _reader = await _server.NewOrganizationAsync("meta", "market:read");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public void Values_set_from_options_and_a_file_are_shown_and_listed()
    {
        var file = _directory.File("values.json");
        File.WriteAllText(file, """{"values":[{"month":"2026-02","value":101.50},{"month":"2026-03","value":"102.25"}]}""");

        var fromOptions = As(_server.AdminToken, "index", "set", "cpi.us", "--value", "2026-01=100", "--value", "2026-02=101");
        var fromFile = As(_server.AdminToken, "index", "set", "cpi.us", "--file", file);
        var show = As(_reader, "index", "show", "cpi.us", "--json");
        var table = As(_reader, "index", "show", "cpi.us");
        var list = As(_reader, "index", "list");
        var exchange = As(_reader, "index", "show", "exchange:GB300", "--json");

        Assert.True(fromOptions.ExitCode == 0, fromOptions.Error);
        Assert.True(fromFile.ExitCode == 0, fromFile.Error);
        var values = JsonDocument.Parse(show.Output).RootElement.GetProperty("values").EnumerateArray()
            .Select(v => (v.GetProperty("month").GetString(), v.GetProperty("value").GetString())).ToList();
        Assert.Equal([("2026-01", "100"), ("2026-02", "101.50"), ("2026-03", "102.25")], values);
        Assert.Contains("102.25", table.Output);
        Assert.Contains("cpi.us", list.Output);
        Assert.Contains("2026-03", list.Output);
        Assert.True(exchange.ExitCode == 0, exchange.Error);
        Assert.Equal("exchange", JsonDocument.Parse(exchange.Output).RootElement.GetProperty("kind").GetString());
    }

    [Theory]
    [InlineData("error: 403", "reader", "index", "set", "cpi.us", "--value", "2026-01=100")]
    [InlineData("error: 400 The request is not valid: values[0].value: must be positive", "admin", "index", "set", "cpi.us", "--value", "2026-01=0")]
    [InlineData("--value: must be yyyy-MM=value", "admin", "index", "set", "cpi.us", "--value", "2026-01")]
    [InlineData("error: 404 Not found: no index 'nope'", "reader", "index", "show", "nope")]
    public void Bad_input_is_one_line_and_exit_2(string error, string who, params string[] args)
    {
        var run = As(who == "admin" ? _server.AdminToken : _reader, args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(error, run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    private CliRun As(string token, params string[] args) => CliRun.Of([.. args, "--url", _server.Address.ToString(), "--token", token]);
}
