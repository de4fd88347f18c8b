using System.Text.Json;
using Neocloud.Cli.Client;
using Neocloud.Domain.Time;
using Neocloud.Testing;

namespace Neocloud.Cli.Tests.Client;

/// <summary>Hour options take dates, UTC times, times from now and numbers; tables show hours as times unless --hours.</summary>
public sealed class HourOptionTests : IAsyncLifetime
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 29, 2, 41, 7, TimeSpan.Zero);

    private readonly TempDirectory _home = new("neocloud-cli-hours-");
    private TestServer _server = null!;

    private string Config => _home.File("config.json");

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        CliRun.WithConfig(Config, "login", "--url", _server.Address.ToString(), "--token", _server.AdminToken);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _home.Dispose();
    }

    [Theory]
    [InlineData("2027-01-01", "2027-01-01T00:00:00Z")]
    [InlineData("2027-01-01T06:00Z", "2027-01-01T06:00:00Z")]
    [InlineData("2027-01-01T06:00:00Z", "2027-01-01T06:00:00Z")]
    [InlineData("+12h", "2026-11-29T14:00:00Z")]
    [InlineData("+7d", "2026-12-06T02:00:00Z")]
    [InlineData("+2w", "2026-12-13T02:00:00Z")]
    [InlineData("490000", "2025-11-24T16:00:00Z")]
    public void An_hour_option_reads_a_date_a_time_a_time_from_now_or_a_number(string text, string hour)
    {
        Assert.True(Hours.TryParse(text, s_now, out var read, out var error), error);
        Assert.Equal(hour, HourText.Of(read));
    }

    [Theory]
    [InlineData("2027-01-01T06:30Z", "must be a whole hour (minutes and seconds 00), got \"2027-01-01T06:30Z\"")]
    [InlineData("2027-01-01T06:00+02:00", "must be a UTC time (ending in Z)")]
    [InlineData("2027-13-01", "must be a date (2027-01-01, midnight UTC), a UTC time (2027-01-01T06:00Z), a time from now (+12h, +7d, +2w) or an hour number")]
    [InlineData("+3m", "must be a date")]
    [InlineData("-1", "must be a date")]
    [InlineData("next week", "must be a date")]
    public void A_value_that_is_no_hour_says_why(string text, string reason)
    {
        Assert.False(Hours.TryParse(text, s_now, out _, out var error));
        Assert.StartsWith(reason, error);
    }

    [Theory]
    [InlineData("order", "bid", "--sku", "GB300", "--gpus", "8", "--start", "2027-01-01T06:30Z", "--end", "+1w", "--limit", "1.0")]
    [InlineData("order", "ask", "--pool", "p1", "--gpus", "8", "--start", "2027-01-01", "--end", "tomorrow", "--price", "1.0")]
    [InlineData("market", "quote", "GB300", "--gpus", "8", "--start", "2027-01-01T06:00+01:00", "--end", "+1w")]
    public void A_bad_hour_option_is_one_line_naming_the_option_and_exit_2(params string[] args)
    {
        var run = CliRun.WithConfig(Config, args);

        Assert.Equal(2, run.ExitCode);
        var option = args.Contains("tomorrow") ? "--end" : "--start";
        Assert.StartsWith($"error: {option}: must be ", run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.Empty(JsonDocument.Parse(CliRun.WithConfig(Config, "order", "list", "--json").Output).RootElement.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public void A_bid_by_date_and_time_lists_as_times_and_with_hours_as_numbers()
    {
        var bid = CliRun.WithConfig(Config, "order", "bid", "--sku", "H100", "--gpus", "8", "--start", "2027-01-01", "--end", "2027-01-01T06:00Z", "--limit", "0.5");
        Assert.Equal(0, bid.ExitCode);
        Assert.Contains("2027-01-01 00:00Z", bid.Output);
        Assert.Contains("2027-01-01 06:00Z", bid.Output);

        var first = Hour.FromUtc(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero)).Value;
        var numbers = CliRun.WithConfig(Config, "order", "list", "--hours");
        Assert.Contains($"{first}", numbers.Output);
        Assert.Contains($"{first + 6}", numbers.Output);
        Assert.DoesNotContain("2027-01-01 00:00Z", numbers.Output);

        var book = CliRun.WithConfig(Config, "market", "book", "H100");
        Assert.Contains("2027-01-01 00:00Z", book.Output);
        Assert.Contains($"{first}", CliRun.WithConfig(Config, "market", "book", "H100", "--hours").Output);
    }

    [Fact]
    public void Json_output_is_the_servers_with_both_the_hour_and_its_time()
    {
        CliRun.WithConfig(Config, "order", "bid", "--sku", "H100", "--gpus", "8", "--start", "2027-01-01T06:00:00Z", "--end", "2027-01-02", "--limit", "0.5");

        var order = JsonDocument.Parse(CliRun.WithConfig(Config, "order", "list", "--json").Output).RootElement.GetProperty("items")[0];

        Assert.Equal(Hour.FromUtc(new DateTimeOffset(2027, 1, 1, 6, 0, 0, TimeSpan.Zero)).Value, order.GetProperty("start").GetInt32());
        Assert.Equal("2027-01-01T06:00:00Z", order.GetProperty("startsAt").GetString());
        Assert.Equal("2027-01-02T00:00:00Z", order.GetProperty("endsAt").GetString());
    }

    [Fact]
    public void A_time_from_now_counts_from_the_current_hour()
    {
        var before = Hour.FromUtc(DateTimeOffset.UtcNow).Value;
        var bid = CliRun.WithConfig(Config, "order", "bid", "--sku", "H100", "--gpus", "8", "--start", "+2w", "--end", "+15d", "--limit", "0.5", "--json");
        var after = Hour.FromUtc(DateTimeOffset.UtcNow).Value;

        var order = JsonDocument.Parse(bid.Output).RootElement.GetProperty("order");
        Assert.InRange(order.GetProperty("start").GetInt32(), before + 336, after + 336);
        Assert.Equal(24, order.GetProperty("end").GetInt32() - order.GetProperty("start").GetInt32());
    }
}
