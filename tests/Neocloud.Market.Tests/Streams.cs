using Neocloud.Market.Commands;

namespace Neocloud.Market.Tests;

/// <summary>Small random command streams that hit the edges: few pools and hours, overlapping asks, duplicate ids, bad fields.</summary>
public static class Streams
{
    private static readonly string[] s_skus = ["GB300", "H100"];
    private static readonly string[] s_regions = ["us-tx", "eu-pt"];

    /// <summary>
    /// A random stream from a seed; <paramref name="adversarial"/> makes capacity tight and ids collide,
    /// <paramref name="scale"/> stretches hours and <paramref name="gpuScale"/> multiplies GPU counts.
    /// </summary>
    public static List<MarketCommand> Random(int seed, int length, bool adversarial, int scale = 1, int gpuScale = 1)
    {
        var random = new Random(seed);
        var commands = new List<MarketCommand>();
        var pools = random.Next(1, 4);
        var hours = (adversarial ? 12 : 40) * scale;
        for (var p = 0; p < pools; p++)
        {
            var cut = random.Next(1, hours);
            commands.Add(new PoolCommand($"p{p}", $"s{p % 2}", s_regions[random.Next(2)], s_skus[random.Next(2)],
                [new Segment(0, cut, gpuScale * random.Next(0, 20)), new Segment(cut + random.Next(0, 3), hours, gpuScale * random.Next(5, 40))]));
        }
        if (adversarial) commands.Add(new PoolCommand("p0", "s9", "us-tx", "H100", [new Segment(0, 5, 1)]));
        var ids = 0;
        for (var i = 0; i < length; i++)
        {
            var id = adversarial && random.Next(6) == 0 && ids > 0 ? $"o{random.Next(ids)}" : $"o{ids++}";
            var start = random.Next(adversarial ? -1 : 0, hours);
            var end = start + random.Next(adversarial ? -1 : 1, (adversarial ? 8 : 20) * scale);
            var gpus = gpuScale * random.Next(adversarial ? -1 : 1, adversarial ? 25 : 15) + (gpuScale > 1 ? random.Next(gpuScale) : 0);
            switch (random.Next(12))
            {
                case < 4:
                    var pool = random.Next(pools + (adversarial ? 1 : 0));
                    var account = random.Next(8) == 0 ? "b1" : $"s{pool % 2}";
                    commands.Add(new AskCommand(id, account, $"p{pool}", gpus, start, end, 100 * random.Next(1, 6)));
                    break;
                case < 8:
                    commands.Add(new BidCommand(id, random.Next(6) == 0 ? "s0" : $"b{random.Next(3)}", s_skus[random.Next(2)],
                        random.Next(3) == 0 ? s_regions[random.Next(2)] : null, gpus, start, end, 100 * random.Next(1, 6), random.Next(4) == 0));
                    break;
                case 10:
                    // Offtake reservations take capacity outside the book; ids sometimes repeat or are released twice.
                    var reservation = adversarial && random.Next(4) == 0 ? $"r{random.Next(i + 1)}" : $"r{i}";
                    commands.Add(new ReserveCommand(reservation, $"b{random.Next(3)}", $"p{random.Next(pools + (adversarial ? 1 : 0))}", gpus, start, end));
                    break;
                case 11:
                    commands.Add(new ReleaseCommand($"r{random.Next(i + 1)}", random.Next(adversarial ? -2 : 0, hours)));
                    break;
                default:
                    commands.Add(new CancelCommand(ids == 0 ? "none" : $"o{random.Next(ids + 1)}"));
                    break;
            }
        }
        return commands;
    }
}
