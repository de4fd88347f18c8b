using Neocloud.Domain.Money;
using Neocloud.Domain.Time;
using Neocloud.Market.Commands;

namespace Neocloud.Market.Generation;

/// <summary>
/// A reproducible random command stream with a realistic mix, so anybody can rerun a benchmark: pools of every SKU
/// across regions with a two-step capacity ramp, then 35% asks from the pools' providers (a week to four months),
/// 55% bids from buyers (an hour to three months, 20% IOC, 70% for any region), and 10% cancels — of resting orders,
/// of traded ones and of unknown ids.
/// </summary>
public static class StreamGenerator
{
    private static readonly string[] s_skus = ["H100", "H200", "B200", "B300", "GB200", "GB300", "MI300X", "MI355X"];
    private static readonly long[] s_referenceTicks = [2_3500, 3_5000, 5_3000, 3_6000, 4_5400, 3_2500, 2_0000, 3_0000];
    private static readonly string[] s_regions = ["us-tx", "us-nj", "us-ny", "ca-bc", "eu-pt", "eu-no", "eu-gb", "us-ok"];

    /// <summary>The first hour of generated windows (late 2025).</summary>
    public const int FirstHour = 490_000;

    /// <summary>Generates <paramref name="pools"/> pool commands and then <paramref name="commands"/> order and cancel commands.</summary>
    public static IEnumerable<MarketCommand> Generate(int pools, int commands, int seed, int horizonHours = 43_800)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pools, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizonHours, 24 * 7);
        var random = new Random(seed);
        var poolSku = new int[pools];
        var poolRegion = new string[pools];
        for (var p = 0; p < pools; p++)
        {
            poolSku[p] = random.Next(s_skus.Length);
            poolRegion[p] = s_regions[random.Next(s_regions.Length)];
            var gpus = 72 * random.Next(8, 64);
            var ramp = FirstHour + random.Next(0, horizonHours / 4);
            yield return new PoolCommand($"p{p}", $"s{p % Math.Max(1, pools / 4)}", poolRegion[p], s_skus[poolSku[p]],
                [new Segment(FirstHour, ramp, gpus / 2), new Segment(ramp, FirstHour + horizonHours, gpus)]);
        }

        var placed = new List<string>();
        for (var c = 0; c < commands; c++)
        {
            var roll = random.Next(100);
            if (roll < 35)
            {
                var p = random.Next(pools);
                var hours = 24 * random.Next(7, 120);
                var start = FirstHour + random.Next(0, Math.Max(1, horizonHours - hours));
                var id = $"a{c}";
                placed.Add(id);
                yield return new AskCommand(id, $"s{p % Math.Max(1, pools / 4)}", $"p{p}", 8 * random.Next(1, 17), HourWindow.Of(start, Math.Min(start + hours, FirstHour + horizonHours)),
                    Around(s_referenceTicks[poolSku[p]], random));
            }
            else if (roll < 90)
            {
                var sku = random.Next(s_skus.Length);
                var hours = random.Next(4) switch { 0 => random.Next(1, 24), 1 => 24 * random.Next(1, 14), _ => 24 * random.Next(14, 90) };
                var start = FirstHour + random.Next(0, Math.Max(1, horizonHours - hours));
                var id = $"b{c}";
                placed.Add(id);
                yield return new BidCommand(id, $"buyer{random.Next(50)}", s_skus[sku], random.Next(10) < 3 ? s_regions[random.Next(s_regions.Length)] : null,
                    random.Next(1, 65), HourWindow.Of(start, start + hours), Around(s_referenceTicks[sku], random), random.Next(5) == 0);
            }
            else
            {
                var id = placed.Count > 0 && random.Next(10) > 0 ? placed[random.Next(placed.Count)] : $"x{c}";
                yield return new CancelCommand(id);
            }
        }
    }

    private static Price Around(long ticks, Random random) => Price.FromTicks(Math.Max(100, ticks * random.Next(85, 116) / 100 / 100 * 100));
}
