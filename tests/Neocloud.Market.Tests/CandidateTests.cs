using CsCheck;
using Neocloud.Domain.Money;
using Neocloud.Domain.Time;
using Neocloud.Market.Commands;
using Neocloud.Market.Compact;
using Neocloud.Market.Engine;
using Neocloud.Market.Generation;
using Neocloud.Market.Indexed;
using Neocloud.Market.Reference;

namespace Neocloud.Market.Tests;

/// <summary>Capacity search: the asks a would-be bid could take, the same from every engine and true to the matching rule.</summary>
public class CandidateTests
{
    private static readonly string?[] s_regions = [null, "us-tx", "eu-pt", "nowhere"];
    private static readonly string[] s_buyers = ["b0", "b1", "s0", "s1", "nobody"];

    [Fact]
    public void Every_engine_finds_the_same_candidates_on_random_streams() =>
        Gen.Int.Sample(seed =>
        {
            var scale = seed % 3 == 0 ? 60 : 1;
            var (fast, compact, plain) = (new IndexedEngine(), new CompactEngine(), new ReferenceEngine());
            var events = new List<MarketEvent>();
            var random = new Random(seed);
            var stream = Streams.Random(seed, 80, adversarial: seed % 2 == 0, scale: scale, gpuScale: seed % 5 == 0 ? 36 : 1);
            for (var i = 0; i < stream.Count; i++)
            {
                Streams.Apply(fast, stream[i], events);
                Streams.Apply(compact, stream[i], events);
                Streams.Apply(plain, stream[i], events);
                // Ask after some commands, not only at the end: partly filled asks are the interesting ones.
                if (i % 8 != 7) continue;
                for (var q = 0; q < 6; q++)
                {
                    var start = random.Next(-1, 40 * scale);
                    var end = start + random.Next(-1, 20 * scale);
                    long? max = random.Next(3) == 0 ? null : 100L * random.Next(1, 6);
                    var query = (Sku: random.Next(2) == 0 ? "GB300" : "H100", Region: s_regions[random.Next(s_regions.Length)],
                        Gpus: random.Next(-1, 16) * (seed % 5 == 0 ? 36 : 1), start, end, max, Buyer: s_buyers[random.Next(s_buyers.Length)]);
                    var expected = plain.Candidates(query.Sku, query.Region, query.Gpus, query.start, query.end, query.max, query.Buyer);
                    var actual = fast.Candidates(query.Sku, query.Region, query.Gpus, query.start, query.end, query.max, query.Buyer);
                    if (!actual.SequenceEqual(expected)) return false;
                    if (!compact.Candidates(query.Sku, query.Region, query.Gpus, query.start, query.end, query.max, query.Buyer).SequenceEqual(expected)) return false;
                    // The quote of a bid that could be placed (a window of whole hours from 0 on, at least one GPU) is the reference's.
                    if (query.start >= 0 && query.end > query.start && compact.Quote(query.Sku, query.Region, Math.Max(1, query.Gpus), query.start, query.end, query.Buyer)
                        != plain.Quote(query.Sku, query.Region, Math.Max(1, query.Gpus), query.start, query.end, query.Buyer)) return false;
                    // The first candidate is the ask a bid at that limit would take: its price is the quote.
                    if (query.max is null && query.Gpus > 0 && query.end > query.start
                        && expected.FirstOrDefault()?.PriceTicks != plain.Quote(query.Sku, query.Region, query.Gpus, query.start, query.end, query.Buyer))
                        return false;
                }
            }
            return true;
        }, iter: 600);

    [Fact]
    public void Every_engine_finds_the_same_candidates_on_a_generated_market()
    {
        var (fast, compact, plain) = (new IndexedEngine(), new CompactEngine(), new ReferenceEngine());
        var events = new List<MarketEvent>();
        foreach (var command in StreamGenerator.Generate(pools: 12, commands: 1500, seed: 7, horizonHours: 24 * 120))
        {
            fast.Apply(command, events);
            compact.Apply(command, events);
            plain.Apply(command, events);
        }
        Gen.Select(Gen.Int[0, 24 * 120], Gen.Int[1, 24 * 30], Gen.Int[1, 64], Gen.Int[0, 7]).Sample((offset, hours, gpus, pick) =>
        {
            var start = StreamGenerator.FirstHour + offset;
            var sku = new[] { "H100", "H200", "B200", "B300", "GB200", "GB300", "MI300X", "MI355X" }[pick];
            long? max = pick % 2 == 0 ? null : 4_0000;
            var expected = plain.Candidates(sku, null, gpus, start, start + hours, max, $"buyer{pick}");
            return fast.Candidates(sku, null, gpus, start, start + hours, max, $"buyer{pick}").SequenceEqual(expected)
                && compact.Candidates(sku, null, gpus, start, start + hours, max, $"buyer{pick}").SequenceEqual(expected);
        }, iter: 300);
    }

    [Fact]
    public void Candidates_run_cheapest_first_then_earliest_and_skip_the_buyers_own_asks()
    {
        foreach (IMatchingEngine engine in new IMatchingEngine[] { new IndexedEngine(), new CompactEngine(), new ReferenceEngine() })
        {
            var events = new List<MarketEvent>();
            engine.Apply(new PoolCommand("tx", "iren", "us-tx", "GB300", [new Segment(0, 100, 100)]), events);
            engine.Apply(new PoolCommand("pt", "nscale", "eu-pt", "GB300", [new Segment(0, 100, 100)]), events);
            engine.Apply(Ask("a1", "iren", "tx", 10, 3_0000), events);
            engine.Apply(Ask("a2", "nscale", "pt", 10, 2_5000), events);
            engine.Apply(Ask("a3", "iren", "tx", 20, 2_5000), events);
            engine.Apply(Ask("a4", "iren", "tx", 4, 2_0000), events);

            Assert.Equal(
                [new AskCandidate("pt", 2_5000, 2, 10), new AskCandidate("tx", 2_5000, 3, 20), new AskCandidate("tx", 3_0000, 1, 10)],
                engine.Candidates("GB300", null, 8, 10, 20, null, "msft"));
            Assert.Equal([new AskCandidate("pt", 2_5000, 2, 10)], engine.Candidates("GB300", null, 8, 10, 20, null, "iren"));
            Assert.Equal([new AskCandidate("tx", 2_5000, 3, 20)], engine.Candidates("GB300", "us-tx", 8, 10, 20, 2_9999, "msft"));
        }
    }

    [Fact]
    public void Free_gpus_are_the_fewest_left_in_any_hour_of_the_window()
    {
        foreach (IMatchingEngine engine in new IMatchingEngine[] { new IndexedEngine(), new CompactEngine(), new ReferenceEngine() })
        {
            var events = new List<MarketEvent>();
            engine.Apply(new PoolCommand("tx", "iren", "us-tx", "GB300", [new Segment(0, 100, 100)]), events);
            engine.Apply(Ask("a1", "iren", "tx", 20, 3_0000), events);
            engine.Apply(new BidCommand("b1", "msft", "GB300", null, 12, HourWindow.Of(15, 25), Price.FromTicks(3_0000), false), events);

            Assert.Equal([new AskCandidate("tx", 3_0000, 1, 8)], engine.Candidates("GB300", null, 8, 10, 20, null, "meta"));
            Assert.Equal([new AskCandidate("tx", 3_0000, 1, 20)], engine.Candidates("GB300", null, 8, 25, 30, null, "meta"));
            Assert.Empty(engine.Candidates("GB300", null, 9, 10, 20, null, "meta"));
            Assert.Empty(engine.Candidates("GB300", null, 1, 10, 51, null, "meta"));
        }
    }

    private static AskCommand Ask(string id, string account, string pool, int gpus, long ticks) =>
        new(id, account, pool, gpus, HourWindow.Of(0, 50), Price.FromTicks(ticks));
}
