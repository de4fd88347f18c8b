using Neocloud.Domain.Money;
using Neocloud.Market.Commands;
using Neocloud.Market.Engine;
using Neocloud.Market.Replay;

namespace Neocloud.Market.Tests;

/// <summary>
/// Small random command streams that hit the edges: few pools and hours, overlapping asks, duplicate ids, bad fields.
/// Orders are written as replay lines and read back, because a negative or backwards window cannot be a command: the
/// codec rejects such a line itself, and a stream is what the codec made of each line.
/// </summary>
public static class Streams
{
    private static readonly string[] s_skus = ["GB300", "H100"];

    /// <summary>With market v2: GB300's group partner too, so alternatives and portfolios have two SKUs to choose from.</summary>
    private static readonly string[] s_v2Skus = ["GB300", "H100", "GB200"];
    private static readonly string[] s_regions = ["us-tx", "eu-pt"];

    /// <summary>
    /// A random stream from a seed; <paramref name="adversarial"/> makes capacity tight and ids collide,
    /// <paramref name="scale"/> stretches hours and <paramref name="gpuScale"/> multiplies GPU counts; <paramref name="v2"/>
    /// mixes in market v2's orders (alternatives, pool-targeted bids, portfolios, and lines breaking their rules).
    /// </summary>
    public static List<ReplayCodec.Parsed> Random(int seed, int length, bool adversarial, int scale = 1, int gpuScale = 1, bool v2 = false)
    {
        var skus = v2 ? s_v2Skus : s_skus;
        var random = new Random(seed);
        var commands = new List<ReplayCodec.Parsed>();
        var pools = random.Next(1, 4);
        var hours = (adversarial ? 12 : 40) * scale;
        for (var p = 0; p < pools; p++)
        {
            var cut = random.Next(1, hours);
            commands.Add(Command(new PoolCommand($"p{p}", $"s{p % 2}", s_regions[random.Next(2)], skus[random.Next(skus.Length)],
                [new Segment(0, cut, gpuScale * random.Next(0, 20)), new Segment(cut + random.Next(0, 3), hours, gpuScale * random.Next(5, 40))])));
        }
        if (adversarial) commands.Add(Command(new PoolCommand("p0", "s9", "us-tx", "H100", [new Segment(0, 5, 1)])));
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
                    commands.Add(Line($$"""{"op":"ask","id":"{{id}}","account":"{{account}}","pool":"p{{pool}}","gpus":{{gpus}},"start":{{start}},"end":{{end}},"price":"{{Ticks(100 * random.Next(1, 6))}}"}"""));
                    break;
                case < 8 when v2 && random.Next(3) == 0:
                    commands.Add(Line($$"""{"op":"bid","id":"{{id}}","account":"{{Buyer(random)}}",{{V2Body(random, pools, hours, scale, gpus, start, end, adversarial)}},"tif":"{{(random.Next(4) == 0 ? "IOC" : "GTC")}}"}"""));
                    break;
                case 9 when v2:
                    var legs = random.Next(12) switch { 0 => 1, 1 => 17, _ => random.Next(2, 5) };
                    var bodies = Enumerable.Range(0, legs).Select(_ =>
                    {
                        var legStart = random.Next(adversarial ? -1 : 0, hours);
                        var legEnd = legStart + random.Next(adversarial && random.Next(4) == 0 ? -1 : 1, 8 * scale);
                        return $"{{{V2Body(random, pools, hours, scale, gpuScale * random.Next(1, 10), legStart, legEnd, adversarial)}}}";
                    });
                    commands.Add(Line($$"""{"op":"portfolio","id":"{{(adversarial && random.Next(10) == 0 ? "f#" + i : id)}}","account":"{{Buyer(random)}}","legs":[{{string.Join(",", bodies)}}]}"""));
                    break;
                case < 8:
                    var buyer = random.Next(6) == 0 ? "s0" : $"b{random.Next(3)}";
                    var sku = s_skus[random.Next(2)];
                    var region = random.Next(3) == 0 ? $"\"{s_regions[random.Next(2)]}\"" : "null";
                    var limit = Ticks(100 * random.Next(1, 6));
                    var tif = random.Next(4) == 0 ? "IOC" : "GTC";
                    commands.Add(Line($$"""{"op":"bid","id":"{{id}}","account":"{{buyer}}","sku":"{{sku}}","region":{{region}},"gpus":{{gpus}},"start":{{start}},"end":{{end}},"limit":"{{limit}}","tif":"{{tif}}"}"""));
                    break;
                case 10:
                    // Offtake reservations take capacity outside the book; ids sometimes repeat or are released twice.
                    var reservation = adversarial && random.Next(4) == 0 ? $"r{random.Next(i + 1)}" : $"r{i}";
                    var holder = $"b{random.Next(3)}";
                    var reserved = $"p{random.Next(pools + (adversarial ? 1 : 0))}";
                    commands.Add(Line($$"""{"op":"reserve","id":"{{reservation}}","account":"{{holder}}","pool":"{{reserved}}","gpus":{{gpus}},"start":{{start}},"end":{{end}}}"""));
                    break;
                case 11:
                    commands.Add(Line($$"""{"op":"release","id":"r{{random.Next(i + 1)}}","from":{{random.Next(adversarial ? -2 : 0, hours)}}}"""));
                    break;
                default:
                    commands.Add(Command(new CancelCommand(ids == 0 ? "none" : $"o{random.Next(ids + 1)}")));
                    break;
            }
        }
        return commands;
    }

    private static string Buyer(Random random) => random.Next(6) == 0 ? "s0" : $"b{random.Next(3)}";

    /// <summary>
    /// A v2 bid's body: alternatives (GB300 and GB200 at their own limits, sometimes one, sometimes breaking a rule),
    /// or a plain SKU; and now and then a pool (of the right SKU or not, or unknown) and a region it ignores.
    /// </summary>
    private static string V2Body(Random random, int pools, int hours, int scale, int gpus, int start, int end, bool adversarial)
    {
        string Alternative(string sku) => $$"""{"sku":"{{sku}}","limit":"{{Ticks(100 * random.Next(1, 6))}}"}""";
        var what = random.Next(10) switch
        {
            < 4 => $"\"alternatives\":[{Alternative("GB300")},{Alternative("GB200")}]",
            4 => $"\"alternatives\":[{Alternative("GB200")},{Alternative("GB300")}]",
            5 => $"\"alternatives\":[{Alternative(random.Next(2) == 0 ? "GB200" : "H100")}]",
            6 when adversarial => random.Next(5) switch
            {
                0 => $"\"alternatives\":[{Alternative("GB300")},{Alternative("H100")}]",
                1 => $"\"alternatives\":[{Alternative("GB300")},{Alternative("GB300")}]",
                2 => $"\"alternatives\":[{string.Join(",", Enumerable.Repeat(Alternative("GB200"), 5).Select((a, k) => a.Replace("GB200", k % 2 == 0 ? "GB200" : "GB300")))}]",
                3 => $"\"alternatives\":[],\"sku\":\"GB300\",\"limit\":\"1.0000\"",
                _ => $"\"alternatives\":[{Alternative("GB300")}],\"sku\":\"GB300\"",
            },
            _ => $"\"sku\":\"{s_v2Skus[random.Next(3)]}\",\"limit\":\"{Ticks(100 * random.Next(1, 6))}\"",
        };
        var region = random.Next(3) == 0 ? $"\"{s_regions[random.Next(2)]}\"" : "null";
        var pool = random.Next(3) == 0 ? $",\"pool\":\"p{random.Next(pools + (adversarial ? 1 : 0))}\"" : "";
        return $"{what},\"region\":{region}{pool},\"gpus\":{gpus},\"start\":{start},\"end\":{end}";
    }

    /// <summary>Applies a line of a stream: its command to the engine, or the codec's rejection to the events.</summary>
    public static void Apply(IMatchingEngine engine, ReplayCodec.Parsed line, List<MarketEvent> events)
    {
        if (line.Rejection is { } rejected) events.Add(rejected);
        else engine.Apply(line.Command!, events);
    }

    private static ReplayCodec.Parsed Command(MarketCommand command) => new(command, null, null);

    private static ReplayCodec.Parsed Line(string line)
    {
        var parsed = ReplayCodec.Parse(line);
        return parsed.NotJson is null ? parsed : throw new InvalidOperationException($"{parsed.NotJson}: {line}");
    }

    private static string Ticks(long ticks) => Price.FromTicks(ticks).ToString();
}
