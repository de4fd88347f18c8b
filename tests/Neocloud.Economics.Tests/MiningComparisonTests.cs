using Neocloud.Economics.Mining;

namespace Neocloud.Economics.Tests;

public class MiningComparisonTests
{
    [Fact]
    public void A_megawatt_of_mining_earns_about_a_million_dollars_a_year()
    {
        var uses = MiningComparison.Compare(1m, 38m, MiningInputs.Default, AiHostingInputs.Default);
        var mining = uses.Single(u => u.Use == "bitcoin mining");

        // facts.md §6: ~$0.93–1.10M per MW-year at $43–46/PH/day and ~15 J/TH.
        Assert.InRange(mining.RevenueUsd, 930_000m, 1_100_000m);
        Assert.Equal(8_760m * 38m, mining.PowerUsd);
    }

    [Fact]
    public void Ai_gpu_cloud_earns_most_per_megawatt_and_colocation_sits_between()
    {
        var uses = MiningComparison.Compare(1m, 38m, MiningInputs.Default, AiHostingInputs.Default).ToDictionary(u => u.Use);

        Assert.True(uses["AI GPU cloud"].RevenueUsd > uses["AI colocation"].RevenueUsd);
        Assert.True(uses["AI colocation"].RevenueUsd > uses["bitcoin mining"].RevenueUsd);
        // The Microsoft–IREN deal is ~$9.7M per IT-MW-year billed fully; one facility MW at PUE 1.1 is 0.91 IT-MW.
        Assert.InRange(uses["AI GPU cloud"].RevenueUsd, 7_500_000m, 9_000_000m);
    }

    [Fact]
    public void Results_scale_with_megawatts_and_payback_is_capex_over_ebitda()
    {
        var one = MiningComparison.Compare(1m, 38m, MiningInputs.Default, AiHostingInputs.Default);
        var fifty = MiningComparison.Compare(50m, 38m, MiningInputs.Default, AiHostingInputs.Default);
        for (var i = 0; i < one.Count; i++)
        {
            Assert.Equal(one[i].RevenueUsd * 50m, fifty[i].RevenueUsd, 6);
            Assert.Equal(one[i].CapexUsd / one[i].EbitdaUsd, one[i].PaybackYears);
        }
    }

    [Fact]
    public void Expensive_power_makes_mining_lose_money_and_then_it_never_pays_back()
    {
        var mining = MiningComparison.Compare(1m, 200m, MiningInputs.Default, AiHostingInputs.Default).Single(u => u.Use == "bitcoin mining");
        Assert.True(mining.EbitdaUsd < 0);
        Assert.Null(mining.PaybackYears);
    }
}
