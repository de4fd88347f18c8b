using System.Text.Json;
using Neocloud.Domain.Catalog;
using Neocloud.Planning.Scenarios;
using Neocloud.Planning.Solving;

namespace Neocloud.Planning.Tests;

/// <summary>The shipped "hyperscaler 2026–2030" preset: built from the public deals, every source real, and it solves.</summary>
public class PresetTests
{
    private const string Id = "hyperscaler-2026-2030";

    [Fact]
    public void The_preset_is_shipped_and_parses()
    {
        Assert.Contains(Id, PlanPresets.Ids);
        var scenario = PlanPresets.Load(Id);

        Assert.Equal(new DateOnly(2026, 1, 1), scenario.StartMonth);
        Assert.Equal(60, scenario.HorizonMonths);
        Assert.Equal(["iren", "lambda", "nebius", "nscale"], scenario.Offers.Select(o => o.Provider).Distinct().Order());
        Assert.Throws<KeyNotFoundException>(() => PlanPresets.Json("nope"));
    }

    [Fact]
    public void The_offers_are_the_public_Microsoft_deals()
    {
        var scenario = PlanPresets.Load(Id);
        var deals = ReferenceCatalog.Embedded.Deals;
        foreach (var offer in scenario.Offers)
        {
            var deal = Assert.Single(deals, d => offer.Id.StartsWith(d.Id, StringComparison.Ordinal));
            Assert.Equal("microsoft", deal.Buyer);
            Assert.Equal(deal.Seller, offer.Provider);
        }

        // Microsoft–IREN: ~76,000 GB300 for five years at the price that makes the $9.7B contract value, 20% prepaid.
        var iren = scenario.FindOffer("iren-microsoft-2025")!;
        var irenDeal = deals.Single(d => d.Id == "iren-microsoft-2025");
        Assert.Equal(irenDeal.Gpus!.Value, iren.Tranches.Sum(t => t.Gpus));
        Assert.All(iren.Tranches, t => Assert.Equal(irenDeal.TermYears!.Value * 12, t.TermMonths));
        Assert.Equal(irenDeal.PrepaymentFraction!.Value, iren.PrepaymentFraction);
        var tcv = iren.PricePerGpuHour * PlanScenario.HoursPerMonth * iren.Tranches.Sum(t => t.Gpus * (decimal)t.TermMonths);
        Assert.InRange(tcv, irenDeal.ValueUsd!.Value * 0.999m, irenDeal.ValueUsd.Value * 1.001m);

        // Microsoft–Nebius: the $17.4B base value over the offer's GPU-hours.
        var nebius = scenario.FindOffer("nebius-microsoft-2025")!;
        var nebiusTcv = nebius.PricePerGpuHour * PlanScenario.HoursPerMonth * nebius.Tranches.Sum(t => t.Gpus * (decimal)t.TermMonths);
        Assert.InRange(nebiusTcv, 17_380_000_000m, 17_420_000_000m);
    }

    [Fact]
    public void Every_cited_source_is_in_the_reference_data_with_the_same_address()
    {
        using var document = JsonDocument.Parse(PlanPresets.Json(Id));
        var sources = document.RootElement.GetProperty("sources").EnumerateArray().ToList();
        Assert.NotEmpty(sources);
        foreach (var source in sources)
        {
            Assert.False(string.IsNullOrWhiteSpace(source.GetProperty("field").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(source.GetProperty("note").GetString()));
            if (!source.TryGetProperty("source", out var key)) continue;
            Assert.True(ReferenceCatalog.Embedded.Sources.TryGetValue(key.GetString()!, out var url), $"unknown source {key}");
            if (source.TryGetProperty("url", out var given)) Assert.Equal(url, given.GetString());
        }
        // Every offer is backed by at least one cited source.
        foreach (var offer in PlanPresets.Load(Id).Offers)
        {
            Assert.Contains(sources, s => s.TryGetProperty("source", out _)
                && s.GetProperty("field").GetString()!.StartsWith($"offers[{offer.Id[..offer.Id.IndexOf("-20", StringComparison.Ordinal)]}", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void The_preset_solves_within_the_options_it_offers()
    {
        var scenario = PlanPresets.Load(Id);

        var plan = CapacityPlanner.Solve(scenario);

        Assert.True(plan.HasPlan, plan.Message);
        Assert.InRange(plan.Gap, 0, 0.01);
        PlanPropertyTests.AssertWithinOptions(scenario, plan);
        Assert.Equal(plan.Costs.TotalUsd, plan.NpvCostUsd);
        Assert.Equal(scenario.Offers.Count, plan.Offers.Count);
        Assert.Contains(plan.Offers, o => o.Signed);
        Assert.NotEmpty(plan.Builds);
    }
}
