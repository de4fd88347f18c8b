using System.Text.Json;

namespace Neocloud.Cli.Tests.Sites;

public class SiteCommandTests
{
    [Fact]
    public void Compare_mining_prints_three_uses_per_megawatt()
    {
        var run = CliRun.Of("site", "compare-mining", "--json");
        Assert.Equal(0, run.ExitCode);
        var uses = JsonDocument.Parse(run.Output).RootElement.GetProperty("perMegawattYear").EnumerateArray().ToList();
        Assert.Equal(["bitcoin mining", "AI GPU cloud", "AI colocation"], uses.Select(u => u.GetProperty("use").GetString()));
        Assert.InRange(uses[0].GetProperty("revenueUsd").GetDecimal(), 900_000m, 1_100_000m);
    }

    [Fact]
    public void A_site_brings_its_power_price_and_megawatts()
    {
        var json = JsonDocument.Parse(CliRun.Of("site", "compare-mining", "--site", "cipher-barber-lake", "--json").Output).RootElement;
        Assert.Equal(30m, json.GetProperty("powerUsdPerMwh").GetDecimal());
        Assert.Equal("cipher-barber-lake", json.GetProperty("site").GetString());
    }

    [Fact]
    public void Options_override_the_defaults_and_bad_values_are_refused()
    {
        var cheap = JsonDocument.Parse(CliRun.Of("site", "compare-mining", "--mw", "50", "--power-price", "35", "--hashprice", "50", "--jth", "17.5", "--json").Output).RootElement;
        Assert.Equal(50m, cheap.GetProperty("megawatts").GetDecimal());
        var unknown = CliRun.Of("site", "compare-mining", "--site", "atlantis");
        Assert.Equal(2, unknown.ExitCode);
        Assert.StartsWith("error: --site: unknown site 'atlantis'", unknown.Error);
        Assert.Equal("error: --jth: must be > 0, got 0", CliRun.Of("site", "compare-mining", "--jth", "0").Error.Trim());
    }
}
