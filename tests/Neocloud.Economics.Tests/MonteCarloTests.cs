using Neocloud.Economics.MonteCarlo;
using Neocloud.Economics.Presets;
using Neocloud.Economics.Sensitivity;

namespace Neocloud.Economics.Tests;

public class MonteCarloTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(2026)]
    public void The_fast_monte_carlo_agrees_with_rebuilding_every_run(int seed)
    {
        var deal = DealPresets.Find("iren-microsoft-2025")!.Terms;
        var fast = DealMonteCarlo.Run(deal, 300, seed, 0.15m);
        var plain = ReferenceMonteCarlo.Run(deal, 300, seed, 0.15m);

        Assert.Equal(plain.ProbabilityBelowHurdle, fast.ProbabilityBelowHurdle);
        Assert.Equal(plain.P10NpvUsd, fast.P10NpvUsd, 2);
        Assert.Equal(plain.P50NpvUsd, fast.P50NpvUsd, 2);
        Assert.Equal(plain.P90NpvUsd, fast.P90NpvUsd, 2);
        Assert.Equal(plain.MeanNpvUsd, fast.MeanNpvUsd, 2);
    }

    [Fact]
    public void The_same_seed_gives_the_same_result_and_another_seed_another()
    {
        var deal = DealPresets.Find("iren-microsoft-2025")!.Terms;
        var first = DealMonteCarlo.Run(deal, 5_000, 1, 0.15m);
        var again = DealMonteCarlo.Run(deal, 5_000, 1, 0.15m);
        var other = DealMonteCarlo.Run(deal, 5_000, 2, 0.15m);

        Assert.Equal(first with { Histogram = [] }, again with { Histogram = [] });
        Assert.Equal(first.Histogram, again.Histogram);
        Assert.NotEqual(first.P50NpvUsd, other.P50NpvUsd);
        Assert.True(first.P10NpvUsd <= first.P50NpvUsd && first.P50NpvUsd <= first.P90NpvUsd);
        Assert.Equal(5_000, first.Histogram.Sum(b => b.Runs));
    }

    [Fact]
    public void Draws_stay_inside_their_distributions()
    {
        var model = new RiskModel(3, 0.1m);
        for (var i = 0; i < 10_000; i++)
        {
            var draw = model.Next();
            Assert.InRange(draw.Utilization, 0.85m, 1m);
            Assert.InRange(draw.ResidualFraction, 0m, 0.2m);
            Assert.InRange(draw.DelayMonths, 0, RiskModel.MaxDelayMonths);
            Assert.True(draw.PowerPriceFactor > 0);
        }
    }

    [Fact]
    public void The_tornado_moves_npv_the_right_way_and_sorts_by_swing()
    {
        var deal = DealPresets.Find("iren-microsoft-2025")!.Terms;
        var rows = Tornado.Run(deal, Tornado.DefaultRanges);

        var price = rows.Single(r => r.Input == DealInput.Price);
        var power = rows.Single(r => r.Input == DealInput.PowerPrice);
        Assert.True(price.NpvHighUsd > price.NpvLowUsd);
        Assert.True(power.NpvHighUsd < power.NpvLowUsd);
        Assert.Equal(rows.OrderByDescending(r => r.NpvSwingUsd).Select(r => r.Input), rows.Select(r => r.Input));
        Assert.Equal(DealInput.Price, rows[0].Input);
    }
}
