using Neocloud.Domain.Money;
using Neocloud.Domain.Time;
using Neocloud.Market.Commands;

namespace Neocloud.Market.Generation;

/// <summary>
/// A reproducible random command stream with a realistic mix, so anybody can rerun a benchmark: pools of every SKU
/// across regions with a two-step capacity ramp, then 35% asks from the pools' providers (a week to four months),
/// 55% bids from buyers (an hour to three months, 20% IOC, 70% for any region), and 10% cancels — of resting orders,
/// of traded ones and of unknown ids. A <see cref="StreamMix"/> adds market v2's orders: bids with alternatives,
/// pool-targeted bids and portfolios, a few of them breaking a v2 rule (SKUs of two groups, a SKU twice, a pool of
/// another SKU, one leg or seventeen).
/// </summary>
public static class StreamGenerator
{
    private static readonly string[] s_skus = ["H100", "H200", "B200", "B300", "GB200", "GB300", "MI300X", "MI355X"];
    private static readonly long[] s_referenceTicks = [2_3500, 3_5000, 5_3000, 3_6000, 4_5400, 3_2500, 2_0000, 3_0000];
    private static readonly string[] s_regions = ["us-tx", "us-nj", "us-ny", "ca-bc", "eu-pt", "eu-no", "eu-gb", "us-ok"];

    /// <summary>The first hour of generated windows (late 2025).</summary>
    public const int FirstHour = 490_000;

    /// <summary>Generates <paramref name="pools"/> pool commands and then <paramref name="commands"/> order and cancel commands.</summary>
    /// <remarks>A plain mix draws exactly the numbers it always drew, so the stream of a seed never changes.</remarks>
    public static IEnumerable<MarketCommand> Generate(int pools, int commands, int seed, int horizonHours = 43_800, StreamMix? mix = null)
    {
        mix ??= StreamMix.Plain;
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
            if (!mix.IsPlain && random.Next(100) < mix.PortfolioPercent)
            {
                placed.Add($"f{c}");
                yield return Portfolio($"f{c}", $"buyer{random.Next(50)}", random, horizonHours, pools);
                continue;
            }
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
                var bid = new BidCommand(id, $"buyer{random.Next(50)}", s_skus[sku], random.Next(10) < 3 ? s_regions[random.Next(s_regions.Length)] : null,
                    random.Next(1, 65), HourWindow.Of(start, start + hours), Around(s_referenceTicks[sku], random), random.Next(5) == 0);
                if (!mix.IsPlain)
                {
                    var kind = random.Next(100);
                    if (kind < mix.AlternativesPercent) bid = bid with { Alternatives = Alternatives(sku, random) };
                    else if (kind < mix.AlternativesPercent + mix.PoolBidPercent) bid = Targeted(bid, poolSku, random);
                }
                yield return bid;
            }
            else
            {
                var id = placed.Count > 0 && random.Next(10) > 0 ? placed[random.Next(placed.Count)] : $"x{c}";
                yield return new CancelCommand(id);
            }
        }
    }

    /// <summary>The SKU and its group partner (the SKUs come in pairs of one group), in either order, each at its own limit; now and then a broken set.</summary>
    private static List<Alternative> Alternatives(int sku, Random random)
    {
        var skus = random.Next(2) == 0 ? new List<int> { sku, sku ^ 1 } : [sku ^ 1, sku];
        if (random.Next(4) == 0) skus.RemoveAt(1);
        switch (random.Next(40))
        {
            case 0: skus.Add((sku + 2) % s_skus.Length); break; // another group
            case 1: skus.Add(sku); break; // a SKU twice
        }
        return [.. skus.Select(s => new Alternative(s_skus[s], Around(s_referenceTicks[s], random)))];
    }

    /// <summary>The bid for one pool (its SKU), sometimes with the group's other SKU too; now and then a pool of another group or none at all.</summary>
    private static BidCommand Targeted(BidCommand bid, int[] poolSku, Random random)
    {
        var pool = random.Next(poolSku.Length);
        var sku = poolSku[pool];
        var targeted = bid with { Sku = s_skus[sku], Limit = Around(s_referenceTicks[sku], random), PoolId = $"p{pool}" };
        if (random.Next(3) == 0) targeted = targeted with { Alternatives = [new(s_skus[sku ^ 1], Around(s_referenceTicks[sku ^ 1], random)), new(targeted.Sku, targeted.Limit)] };
        return random.Next(40) switch
        {
            0 => targeted with { PoolId = $"p{poolSku.Length + 7}" },
            1 => targeted with { Sku = s_skus[(sku + 2) % s_skus.Length], Alternatives = null },
            _ => targeted,
        };
    }

    /// <summary>A portfolio of two to four legs in one group (now and then one leg or seventeen), each leg a bid body.</summary>
    private static PortfolioCommand Portfolio(string id, string account, Random random, int horizonHours, int pools)
    {
        var group = random.Next(s_skus.Length / 2);
        var count = random.Next(50) switch { 0 => 1, 1 => 17, _ => random.Next(2, 5) };
        var legs = new List<BidCommand>(count);
        for (var i = 0; i < count; i++)
        {
            var sku = 2 * group + random.Next(2);
            var hours = random.Next(2) == 0 ? random.Next(1, 48) : 24 * random.Next(2, 30);
            var start = FirstHour + random.Next(0, Math.Max(1, horizonHours - hours));
            var leg = new BidCommand(PortfolioCommand.LegId(id, i), account, s_skus[sku], random.Next(4) == 0 ? s_regions[random.Next(s_regions.Length)] : null,
                random.Next(1, 33), HourWindow.Of(start, start + hours), Around(s_referenceTicks[sku], random), ImmediateOrCancel: true);
            legs.Add(random.Next(3) == 0 ? leg with { Alternatives = Alternatives(sku, random) } : leg);
        }
        return new PortfolioCommand(id, account, legs);
    }

    private static Price Around(long ticks, Random random) => Price.FromTicks(Math.Max(100, ticks * random.Next(85, 116) / 100 / 100 * 100));
}

/// <summary>
/// How much of a generated stream is market v2: the percent of bids written with alternatives and of bids naming a
/// pool, and the percent of commands that are portfolios.
/// </summary>
public sealed record StreamMix(int AlternativesPercent = 0, int PoolBidPercent = 0, int PortfolioPercent = 0)
{
    /// <summary>Only the orders of the first market: the stream every seed always gave.</summary>
    public static readonly StreamMix Plain = new();

    /// <summary>A mix with every kind of order of market v2 in it (for tests).</summary>
    public static readonly StreamMix Everything = new(AlternativesPercent: 20, PoolBidPercent: 10, PortfolioPercent: 5);

    public bool IsPlain => AlternativesPercent == 0 && PoolBidPercent == 0 && PortfolioPercent == 0;
}
