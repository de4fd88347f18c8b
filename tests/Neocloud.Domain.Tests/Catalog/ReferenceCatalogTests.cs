using System.Text.Json.Nodes;
using Neocloud.Domain.Catalog;

namespace Neocloud.Domain.Tests.Catalog;

public sealed class ReferenceCatalogTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("neocloud-catalog-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Embedded_catalog_has_the_skus_providers_and_buyers_the_market_needs()
    {
        var catalog = ReferenceCatalog.Embedded;
        foreach (var sku in new[] { "H100", "H200", "B200", "B300", "GB200", "GB300", "MI300X", "MI355X" })
            Assert.NotNull(catalog.FindSku(sku));
        foreach (var provider in new[] { "iren", "coreweave", "crusoe", "nebius", "nscale", "lambda" })
            Assert.Equal(OrganizationRole.Provider, catalog.FindOrganization(provider)?.Role);
        foreach (var buyer in new[] { "microsoft", "meta", "openai" })
            Assert.Equal(OrganizationRole.Buyer, catalog.FindOrganization(buyer)?.Role);
        Assert.Contains(catalog.Sites, s => s.Id == "iren-childress" && s.Status == SiteStatus.AiLive);
    }

    [Fact]
    public void Every_figure_carries_its_source_url()
    {
        var catalog = ReferenceCatalog.Embedded;
        var figures = catalog.Skus.SelectMany(s => new[] { s.HbmGb, s.MemoryTbPerSecond, s.Bf16Tflops, s.Fp8Tflops, s.Fp4Tflops, s.TdpWatts, s.GpuPriceUsd, s.RackPriceUsd, s.RackKw })
            .Concat(catalog.Sites.SelectMany(s => new[] { s.SecuredMw, s.CriticalItMw, s.PowerUsdPerMwh, s.Pue }))
            .Concat(catalog.Deals.SelectMany(d => new[] { d.ValueUsd, d.TermYears, d.Gpus, d.ItMw, d.PrepaymentFraction }))
            .OfType<Figure>()
            .ToList();
        Assert.True(figures.Count > 100);
        Assert.All(figures, f => Assert.StartsWith("https://", f.SourceUrl));
    }

    [Fact]
    public void Microsoft_iren_deal_derives_about_2_91_per_gpu_hour_and_9_7m_per_mw_year()
    {
        var deal = ReferenceCatalog.Embedded.Deals.Single(d => d.Id == "iren-microsoft-2025");
        Assert.Equal(2.91m, decimal.Round(deal.ImpliedPricePerGpuHour!.Value, 2));
        Assert.Equal(9.7m, decimal.Round(deal.UsdPerItMwYear!.Value / 1_000_000m, 1));
    }

    [Fact]
    public void Nvl72_all_in_power_per_gpu_comes_from_the_rack()
    {
        var gb200 = ReferenceCatalog.Embedded.FindSku("GB200")!;
        Assert.Equal(120m / 72m, gb200.AllInKwPerGpu);
        Assert.Null(ReferenceCatalog.Embedded.FindSku("H100")!.AllInKwPerGpu);
    }

    [Fact]
    public void A_copy_of_the_files_on_disk_loads_like_the_embedded_catalog()
    {
        WriteEmbeddedCopy();
        var catalog = ReferenceCatalog.LoadDirectory(_directory);
        Assert.Equal(ReferenceCatalog.Embedded.Skus.Count, catalog.Skus.Count);
        Assert.Equal(ReferenceCatalog.Embedded.Deals.Select(d => d.Id), catalog.Deals.Select(d => d.Id));
    }

    [Theory]
    [InlineData("skus.json", "$[2].fp8Tflops.source", "unknown source key 'Z9'")]
    [InlineData("skus.json", "$[0].tdpWatts.value", "must be > 0")]
    [InlineData("sites.json", "$[1].provider", "unknown organization 'nobody'")]
    [InlineData("sites.json", "$[0].provider", "is a buyer, not a provider")]
    [InlineData("deals.json", "$[3].sku", "unknown SKU 'Z100'")]
    [InlineData("organizations.json", "$[1].id", "duplicate id 'iren'")]
    [InlineData("sites.json", "$[0].pue.value", "a PUE is at least 1")]
    public void A_broken_file_is_named_with_the_json_path_of_the_problem(string file, string path, string problem)
    {
        WriteEmbeddedCopy();
        Mutate(file, root =>
        {
            switch (path)
            {
                case "$[2].fp8Tflops.source": root[2]!["fp8Tflops"]!["source"] = "Z9"; break;
                case "$[0].tdpWatts.value": root[0]!["tdpWatts"]!["value"] = -700; break;
                case "$[1].provider": root[1]!["provider"] = "nobody"; break;
                case "$[0].provider": root[0]!["provider"] = "microsoft"; break;
                case "$[3].sku": root[3]!["sku"] = "Z100"; break;
                case "$[1].id": root[1]!["id"] = "iren"; break;
                case "$[0].pue.value": root[0]!["pue"] = new JsonObject { ["value"] = 0.9, ["source"] = "E3" }; break;
            }
        });

        var error = Assert.Throws<ReferenceDataException>(() => ReferenceCatalog.LoadDirectory(_directory));

        Assert.Equal(file, error.File);
        Assert.Equal(path, error.JsonPath);
        Assert.Contains(problem, error.Problem);
    }

    [Fact]
    public void A_missing_field_is_named()
    {
        WriteEmbeddedCopy();
        Mutate("skus.json", root => root[4]!.AsObject().Remove("fp8Tflops"));
        var error = Assert.Throws<ReferenceDataException>(() => ReferenceCatalog.LoadDirectory(_directory));
        Assert.Equal("skus.json", error.File);
        Assert.Contains("fp8Tflops", error.Message);
    }

    [Fact]
    public void A_wrong_type_is_named_with_its_path_and_line()
    {
        WriteEmbeddedCopy();
        Mutate("sites.json", root => root[2]!["securedMw"]!["value"] = "six hundred");
        var error = Assert.Throws<ReferenceDataException>(() => ReferenceCatalog.LoadDirectory(_directory));
        Assert.Equal("$[2].securedMw.value", error.JsonPath);
        Assert.Contains("line", error.Problem);
    }

    [Fact]
    public void An_unknown_field_and_an_unknown_status_are_rejected()
    {
        WriteEmbeddedCopy();
        Mutate("sites.json", root => root[0]!["status"] = "melting");
        var status = Assert.Throws<ReferenceDataException>(() => ReferenceCatalog.LoadDirectory(_directory));
        Assert.Equal("$[0].status", status.JsonPath);

        WriteEmbeddedCopy();
        Mutate("deals.json", root => root[0]!["colour"] = "blue");
        var unknown = Assert.Throws<ReferenceDataException>(() => ReferenceCatalog.LoadDirectory(_directory));
        Assert.Equal("deals.json", unknown.File);
        Assert.Contains("colour", unknown.Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        WriteEmbeddedCopy();
        File.Delete(Path.Combine(_directory, "deals.json"));
        var error = Assert.Throws<ReferenceDataException>(() => ReferenceCatalog.LoadDirectory(_directory));
        Assert.Equal("deals.json: $: file not found", error.Message);
    }

    private void WriteEmbeddedCopy()
    {
        var assembly = typeof(ReferenceCatalog).Assembly;
        foreach (var name in ReferenceCatalog.FileNames)
        {
            using var resource = assembly.GetManifestResourceStream($"Neocloud.Domain.Catalog.Data.{name}")!;
            using var file = File.Create(Path.Combine(_directory, name));
            resource.CopyTo(file);
        }
    }

    private void Mutate(string file, Action<JsonArray> change)
    {
        var path = Path.Combine(_directory, file);
        var root = JsonNode.Parse(File.ReadAllText(path))!.AsArray();
        change(root);
        File.WriteAllText(path, root.ToJsonString());
    }
}
