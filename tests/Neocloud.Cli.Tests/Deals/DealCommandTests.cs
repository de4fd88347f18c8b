using System.Text.Json;
using Neocloud.Testing;

namespace Neocloud.Cli.Tests.Deals;

public sealed class DealCommandTests : IDisposable
{
    private readonly TempDirectory _folder = new("neocloud-deal-cli-");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Analyze_json_has_exactly_the_documented_fields()
    {
        var run = CliRun.Of("deal", "analyze", "iren-microsoft-2025", "--json");

        Assert.Equal(0, run.ExitCode);
        var json = JsonDocument.Parse(run.Output).RootElement;
        Assert.Equal(
            ["tcvUsd", "pricePerGpuHour", "arrUsd", "npvUsd", "irrAnnual", "paybackMonth", "peakFundingUsd", "ebitdaMargin", "months", "leaseNpvCostUsd", "buildNpvCostUsd"],
            json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(9_700_000_000m, json.GetProperty("tcvUsd").GetDecimal());
        var month = json.GetProperty("months")[0];
        Assert.Equal(["month", "revenueUsd", "cashFlowUsd", "cumulativeUsd"], month.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1_940_000_000m, month.GetProperty("cashFlowUsd").GetDecimal());
    }

    [Fact]
    public void Analyze_reports_null_irr_and_payback_when_they_do_not_exist()
    {
        var path = _folder.File("loss.json");
        File.WriteAllText(path, """
            {"tranches":[{"gpus":10,"startMonth":0,"termMonths":2}],"pricePerGpuHour":1,"prepaymentFraction":0,"equipmentUsdPerGpu":1000000,
             "facilityUsdPerMw":0,"kwPerGpu":1,"pue":1.2,"powerUsdPerMwh":50,"otherOpexFraction":0.1,"residualFraction":0,
             "discountRateAnnual":0.1,"depreciationMonths":24}
            """);
        var json = JsonDocument.Parse(CliRun.Of("deal", "analyze", path, "--json").Output).RootElement;
        Assert.Equal(JsonValueKind.Null, json.GetProperty("irrAnnual").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("paybackMonth").ValueKind);
        Assert.False(json.TryGetProperty("leaseNpvCostUsd", out _));
    }

    [Fact]
    public void Analyze_writes_a_png_and_an_svg_chart()
    {
        var png = _folder.File("cash.png");
        var svg = _folder.File("cash.svg");
        Assert.Equal(0, CliRun.Of("deal", "analyze", "iren-microsoft-2025", "--chart", png).ExitCode);
        Assert.Equal(0, CliRun.Of("deal", "analyze", "iren-nvidia-2026", "--chart", svg, "--json").ExitCode);

        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(png)[..4]);
        Assert.True(new FileInfo(png).Length > 10_000);
        Assert.Contains("<svg", File.ReadAllText(svg));
    }

    [Fact]
    public void The_report_shows_kpis_and_years()
    {
        var run = CliRun.Of("deal", "analyze", "iren-microsoft-2025");
        Assert.Contains("$9,700.0M", run.Output);
        Assert.Contains("EBITDA margin", run.Output);
        Assert.Contains("buyer: lease NPV cost", run.Output);
    }

    [Fact]
    public void A_discount_rate_option_changes_the_npv()
    {
        var at10 = JsonDocument.Parse(CliRun.Of("deal", "analyze", "iren-microsoft-2025", "--json").Output).RootElement.GetProperty("npvUsd").GetDecimal();
        var at5 = JsonDocument.Parse(CliRun.Of("deal", "analyze", "iren-microsoft-2025", "--json", "--discount-rate", "0.05").Output).RootElement.GetProperty("npvUsd").GetDecimal();
        Assert.True(at5 > at10);
    }

    [Theory]
    [InlineData("""{"tranches":[{"gpus":-4,"startMonth":0,"termMonths":2}],"pricePerGpuHour":2}""", "tranches[0].gpus: must be >= 1, got -4")]
    [InlineData("""{"tranches":[{"gpus":4,"startMonth":0,"termMonths":0}],"pricePerGpuHour":2}""", "tranches[0].termMonths: must be >= 1, got 0")]
    [InlineData("""{"tranches":[{"gpus":4,"startMonth":0,"termMonths":2}],"pricePerGpuHour":2,"tcvUsd":5}""", "tcvUsd: give either tcvUsd or pricePerGpuHour, not both")]
    [InlineData("""{"tranches":[{"gpus":4,"startMonth":0,"termMonths":2}]}""", "pricePerGpuHour: give either tcvUsd or pricePerGpuHour")]
    [InlineData("""{"tranches":[{"gpus":4,"startMonth":0,"termMonths":2}],"pricePerGpuHour":2,"equipmentUsd":1}""", "prepaymentFraction: is required")]
    public void A_bad_deal_file_is_one_line_naming_the_field_and_exit_2(string json, string problem)
    {
        var path = _folder.File("bad.json");
        File.WriteAllText(path, json);
        var run = CliRun.Of("deal", "analyze", path);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"error: {path}: {problem}", run.Error.Trim());
        Assert.Equal("", run.Output);
    }

    [Fact]
    public void An_unknown_preset_or_missing_file_is_exit_2()
    {
        var preset = CliRun.Of("deal", "analyze", "nope");
        Assert.Equal(2, preset.ExitCode);
        Assert.StartsWith("error: unknown deal preset 'nope' (known: iren-microsoft-2025", preset.Error);
        var file = CliRun.Of("deal", "analyze", "missing.json");
        Assert.Equal("error: deal file 'missing.json' not found", file.Error.Trim());
    }

    [Fact]
    public void Sensitivity_is_a_tornado_sorted_by_npv_swing()
    {
        var run = CliRun.Of("deal", "sensitivity", "iren-microsoft-2025", "--vary", "price=-20%:+20%", "--vary", "power=-50%:+50%", "--json");
        var rows = JsonDocument.Parse(run.Output).RootElement.EnumerateArray().ToList();
        Assert.Equal(["price", "power"], rows.Select(r => r.GetProperty("input").GetString()));
        Assert.True(rows[0].GetProperty("npvHighUsd").GetDecimal() > rows[0].GetProperty("npvLowUsd").GetDecimal());

        var bad = CliRun.Of("deal", "sensitivity", "iren-microsoft-2025", "--vary", "colour=1%:2%");
        Assert.Equal(2, bad.ExitCode);
        Assert.StartsWith("error: --vary: 'colour=1%:2%'", bad.Error);
    }

    [Fact]
    public void Monte_carlo_with_the_same_seed_prints_the_same_result()
    {
        var first = CliRun.Of("deal", "montecarlo", "iren-microsoft-2025", "--runs", "20000", "--seed", "1", "--json");
        var again = CliRun.Of("deal", "montecarlo", "iren-microsoft-2025", "--runs", "20000", "--seed", "1", "--json");
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(first.Output, again.Output);
        var json = JsonDocument.Parse(first.Output).RootElement;
        Assert.True(json.GetProperty("p10NpvUsd").GetDecimal() <= json.GetProperty("p90NpvUsd").GetDecimal());
        Assert.InRange(json.GetProperty("probabilityIrrBelowHurdle").GetDecimal(), 0m, 1m);
        Assert.Equal(2, CliRun.Of("deal", "montecarlo", "iren-microsoft-2025", "--runs", "0").ExitCode);
    }

    [Fact]
    public void Presets_list_every_preset_with_sources()
    {
        var presets = JsonDocument.Parse(CliRun.Of("deal", "presets", "--json").Output).RootElement.EnumerateArray().ToList();
        Assert.Equal("iren-microsoft-2025", presets[0].GetProperty("id").GetString());
        Assert.All(presets, p => Assert.NotEmpty(p.GetProperty("sources").EnumerateArray()));
    }
    [Fact]
    public void Analyze_reads_an_escalator_and_delivery_damages_from_the_file()
    {
        var path = _folder.File("escalated.json");
        File.WriteAllText(path, """
            {"tranches":[{"gpus":10,"startMonth":0,"termMonths":24,"delayMonths":1}],"pricePerGpuHour":2,"prepaymentFraction":0,"equipmentUsdPerGpu":1000,
             "facilityUsdPerMw":0,"kwPerGpu":1,"pue":1.5,"powerUsdPerMwh":100,"otherOpexFraction":0,"residualFraction":0,
             "discountRateAnnual":0,"depreciationMonths":24,"priceIndex":{"kind":"fixed","ratePerYear":0.1},"ldPercentPerMonth":5,"ldCapPercent":20}
            """);

        var json = JsonDocument.Parse(CliRun.Of("deal", "analyze", path, "--json").Output).RootElement;
        var report = CliRun.Of("deal", "analyze", path);

        var months = json.GetProperty("months");
        Assert.Equal(0m, months[0].GetProperty("revenueUsd").GetDecimal());
        // Month 1 bills 10 × 730 × $2 less power (0.01 MW × 1.5 × 730 × $100) less the $730 of damages for month 0.
        Assert.Equal(14_600m - 1_095m - 730m, months[1].GetProperty("cashFlowUsd").GetDecimal());
        Assert.Equal(16_060m, months[12].GetProperty("revenueUsd").GetDecimal());
        Assert.Equal(["month", "revenueUsd", "cashFlowUsd", "cumulativeUsd"], months[1].EnumerateObject().Select(p => p.Name));
        Assert.Equal(0, report.ExitCode);
        Assert.Contains("delivery damages paid", report.Output);
        Assert.Contains("damages", report.Output);
        Assert.Contains("fixed 10.00 % a year", report.Output);
    }

    [Fact]
    public void Analyze_names_a_bad_escalator_field()
    {
        var path = _folder.File("bad.json");
        File.WriteAllText(path, """
            {"tranches":[{"gpus":10,"startMonth":0,"termMonths":24}],"pricePerGpuHour":2,"prepaymentFraction":0,"equipmentUsdPerGpu":1000,
             "facilityUsdPerMw":0,"kwPerGpu":1,"pue":1.5,"powerUsdPerMwh":100,"otherOpexFraction":0,"residualFraction":0,
             "discountRateAnnual":0,"depreciationMonths":24,"priceIndex":{"kind":"fixed","ratePerYear":0.1,"floor":1.1,"cap":1.05}}
            """);

        var run = CliRun.Of("deal", "analyze", path);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("priceIndex.cap", run.Error);
    }
}
