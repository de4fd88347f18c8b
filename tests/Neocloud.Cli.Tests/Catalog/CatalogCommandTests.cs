using System.Text.Json;

namespace Neocloud.Cli.Tests.Catalog;

public class CatalogCommandTests
{
    [Theory]
    [InlineData("skus", "GB300")]
    [InlineData("providers", "iren")]
    [InlineData("buyers", "microsoft")]
    [InlineData("sites", "iren-childress")]
    [InlineData("deals", "iren-microsoft-2025")]
    public void Each_listing_prints_a_table_with_its_rows(string listing, string expectedId)
    {
        var run = CliRun.Of("catalog", listing);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains(expectedId, run.Output);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public void Json_listing_carries_source_urls_and_derived_figures()
    {
        var run = CliRun.Of("catalog", "deals", "--json");
        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        var iren = json.RootElement.EnumerateArray().Single(d => d.GetProperty("id").GetString() == "iren-microsoft-2025");
        Assert.Equal(9_700_000_000m, iren.GetProperty("valueUsd").GetProperty("value").GetDecimal());
        Assert.StartsWith("https://", iren.GetProperty("valueUsd").GetProperty("sourceUrl").GetString());
        Assert.Equal("gpu-cloud", iren.GetProperty("kind").GetString());
        Assert.Equal(2.92m, decimal.Round(iren.GetProperty("impliedPricePerGpuHour").GetDecimal(), 2, MidpointRounding.ToPositiveInfinity));
    }

    [Fact]
    public void Providers_and_buyers_do_not_mix()
    {
        using var providers = JsonDocument.Parse(CliRun.Of("catalog", "providers", "--json").Output);
        Assert.All(providers.RootElement.EnumerateArray(), p => Assert.Equal("provider", p.GetProperty("role").GetString()));
        Assert.DoesNotContain(providers.RootElement.EnumerateArray(), p => p.GetProperty("id").GetString() == "microsoft");
    }

    [Fact]
    public void A_broken_catalog_directory_gives_one_line_naming_file_and_path_and_exit_2()
    {
        var directory = Directory.CreateTempSubdirectory("neocloud-cli-catalog-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "sources.json"), "{\"S1\": \"not a url\"}");
            var run = CliRun.Of("catalog", "skus", "--catalog", directory);
            Assert.Equal(2, run.ExitCode);
            Assert.Equal("error: sources.json: $.S1: 'not a url' is not an http(s) URL", run.Error.Trim());
            Assert.Equal("", run.Output);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_missing_catalog_directory_is_a_usage_error()
    {
        var run = CliRun.Of("catalog", "sites", "--catalog", "/nonexistent/neocloud");
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: --catalog: directory", run.Error);
    }
}
