using CsCheck;
using Neocloud.Domain.Orders;
using Neocloud.Market.Commands;
using Neocloud.Market.Compact;
using Neocloud.Market.Engine;
using Neocloud.Market.Indexed;
using Neocloud.Market.Reference;
using Neocloud.Market.Replay;

namespace Neocloud.Market.Tests;

/// <summary>The fast engines against the plain one on thousands of random streams, and the promise after every command.</summary>
public class DifferentialTests
{
    [Fact]
    public void Both_engines_emit_identical_events_on_random_streams() =>
        Gen.Int.Sample(seed => SameEvents(Streams.Random(seed, 60, adversarial: false)), iter: 1500);

    [Fact]
    public void Both_engines_emit_identical_events_on_adversarial_streams() =>
        Gen.Int.Sample(seed => SameEvents(Streams.Random(seed, 80, adversarial: true)), iter: 1500);

    [Fact]
    public void Both_engines_agree_when_windows_span_many_buckets() =>
        // Scale 60 keeps windows inside a few of the indexed engine's four-week buckets; 600 spans up to eighteen.
        Gen.Int.Sample(seed => SameEvents(Streams.Random(seed, 60, adversarial: seed % 2 == 0, scale: seed % 3 == 0 ? 600 : 60)), iter: 600);

    [Fact]
    public void Both_engines_agree_when_gpu_counts_pass_a_byte() =>
        // The indexed engine screens asks with per-slot maxima held in bytes: counts up to ~900 cross its 128 and 255 edges.
        Gen.Int.Sample(seed => SameEvents(Streams.Random(seed, 60, adversarial: seed % 2 == 0, scale: seed % 3 == 0 ? 1 : 60, gpuScale: 36)), iter: 600);

    [Fact]
    public void Both_engines_emit_identical_events_on_streams_with_alternatives_pool_bids_and_portfolios() =>
        Gen.Int.Sample(seed => SameEvents(Streams.Random(seed, 80, adversarial: seed % 2 == 0, scale: seed % 5 == 0 ? 60 : 1, v2: true)), iter: 2000);

    [Fact]
    public void The_random_streams_reach_every_kind_of_event()
    {
        var kinds = Enumerable.Range(0, 200).SelectMany(seed => Run(new ReferenceEngine(), Streams.Random(seed, 80, adversarial: seed % 2 == 0, v2: seed % 3 == 0))).Select(e => e.Kind).ToHashSet();
        Assert.Equal(Enum.GetValues<EventKind>().ToHashSet(), kinds);
    }

    [Fact]
    public void The_v2_streams_fill_and_cancel_portfolios_and_trade_alternatives_at_each_sku()
    {
        var events = Enumerable.Range(0, 300).SelectMany(seed => Run(new ReferenceEngine(), Streams.Random(seed, 80, adversarial: seed % 2 == 0, v2: true))).ToList();
        Assert.Contains(events, e => e.Kind == EventKind.Filled);
        Assert.Contains(events, e => e.Kind == EventKind.Cancelled && e.Leg > 0);
        Assert.Contains(events, e => e.Kind == EventKind.Trade && e.Bid!.Contains('#'));
        Assert.Contains(events, e => e.Kind == EventKind.Rejected && e.Reason!.Contains("different market groups"));
        Assert.Contains(events, e => e.Kind == EventKind.Rejected && e.Reason!.Contains("legs, need 2 to 16"));
    }

    [Fact]
    public void No_gpu_hour_is_ever_sold_twice() =>
        Gen.Int.Sample(seed =>
        {
            var engine = new ReferenceEngine();
            var events = new List<MarketEvent>();
            foreach (var line in Streams.Random(seed, 80, adversarial: seed % 2 == 0, v2: seed % 3 == 0))
            {
                Streams.Apply(engine, line, events);
                foreach (var pool in engine.PoolIds)
                {
                    for (var hour = -1; hour < 45; hour++)
                    {
                        if (engine.UsedAt(pool, hour) > engine.CapacityAt(pool, hour)) return false;
                    }
                }
            }
            return true;
        }, iter: 400);

    [Fact]
    public void Every_engine_answers_the_same_queries() =>
        Gen.Int.Sample(seed =>
        {
            var plain = new ReferenceEngine();
            var engines = new IMatchingEngine[] { new IndexedEngine(), new CompactEngine() };
            var events = new List<MarketEvent>();
            // Scale 60 files asks under several buckets, each of which the book must list once.
            foreach (var line in Streams.Random(seed, 60, adversarial: seed % 3 == 0, scale: seed % 2 == 0 ? 60 : 1, v2: seed % 5 < 2))
            {
                foreach (var engine in engines) Streams.Apply(engine, line, events);
                Streams.Apply(plain, line, events);
            }
            return engines.All(fast => SameAnswers(fast, plain));
        }, iter: 500);

    /// <summary>An engine answers every query as the reference engine does.</summary>
    private static bool SameAnswers(IMatchingEngine fast, ReferenceEngine plain)
    {
        foreach (var id in new[] { "o0", "o1", "o5", "o17", "none" })
        {
            if (fast.IsOpen(id) != plain.IsOpen(id)) return false;
        }
        foreach (var sku in new[] { "GB300", "H100", "GB200" })
        {
            if (!fast.Resting(sku).SequenceEqual(plain.Resting(sku))) return false;
            foreach (var region in new[] { null, "us-tx", "eu-pt", "nowhere" })
            {
                if (!fast.Asks(sku, region).SequenceEqual(plain.Asks(sku, region))) return false;
                if (!fast.Bids(sku, region).SequenceEqual(plain.Bids(sku, region))) return false;
                // The best price, found without listing the levels, is the plain engine's first level.
                if (fast.BestPrice(OrderSide.Ask, sku, region) != plain.Asks(sku, region).FirstOrDefault()?.PriceTicks) return false;
                if (fast.BestPrice(OrderSide.Bid, sku, region) != plain.Bids(sku, region).FirstOrDefault()?.PriceTicks) return false;
                if (fast.Quote(sku, region, 3, 2, 9, "b0") != plain.Quote(sku, region, 3, 2, 9, "b0")) return false;
            }
        }
        for (var p = 0; p < 3; p++)
        {
            if (!fast.Usage($"p{p}", 0, 45).SequenceEqual(plain.Usage($"p{p}", 0, 45))) return false;
            if (fast.Pool($"p{p}") != plain.Pool($"p{p}")) return false;
        }
        return fast.RestingOrders == plain.RestingOrders;
    }

    [Fact]
    public void A_snapshot_and_the_rest_of_the_stream_give_the_events_of_a_full_replay() =>
        Gen.Select(Gen.Int, Gen.Int[0, 80]).Sample((seed, cut) =>
        {
            var commands = Streams.Random(seed, 80, adversarial: seed % 2 == 0, scale: seed % 3 == 0 ? 60 : 1, v2: seed % 4 < 2);
            cut = Math.Min(cut, commands.Count);
            var full = Run(new ReferenceEngine(), commands);

            // The snapshot comes from each engine in turn and is read back by every engine, through its JSON.
            var first = MarketEngines.Create(MarketEngines.Names[(seed & int.MaxValue) % MarketEngines.Names.Count]);
            var head = Run(first, commands.Take(cut));
            using var snapshot = new MemoryStream();
            first.Export().WriteTo(snapshot);

            foreach (var name in MarketEngines.Names)
            {
                var resumed = MarketEngines.Create(name);
                snapshot.Position = 0;
                resumed.Import(MarketState.ReadFrom(snapshot));
                var tail = Run(resumed, commands.Skip(cut));
                if (!full.SequenceEqual(head.Concat(tail))) return false;
            }
            return true;
        }, iter: 500);

    [Fact]
    public void A_captured_state_is_the_state_at_capture_whatever_the_engine_does_afterwards() =>
        Gen.Select(Gen.Int, Gen.Int[0, 80]).Sample((seed, cut) =>
        {
            var commands = Streams.Random(seed, 80, adversarial: seed % 2 == 0, scale: seed % 3 == 0 ? 60 : 1, v2: seed % 4 < 2);
            cut = Math.Min(cut, commands.Count);
            IMatchingEngine engine = seed % 2 == 0 ? new IndexedEngine() : new CompactEngine();
            Run(engine, commands.Take(cut));
            using var exported = new MemoryStream();
            engine.Export().WriteTo(exported);

            var captured = engine.Capture();
            Run(engine, commands.Skip(cut));
            using var built = new MemoryStream();
            captured().WriteTo(built);
            return exported.ToArray().AsSpan().SequenceEqual(built.ToArray());
        }, iter: 300);

    /// <summary>The indexed and the compact engine each give the reference engine's events.</summary>
    private static bool SameEvents(List<ReplayCodec.Parsed> commands)
    {
        var expected = Run(new ReferenceEngine(), commands);
        return Run(new IndexedEngine(), commands).SequenceEqual(expected) && Run(new CompactEngine(), commands).SequenceEqual(expected);
    }

    private static List<MarketEvent> Run(IMatchingEngine engine, IEnumerable<ReplayCodec.Parsed> commands)
    {
        var events = new List<MarketEvent>();
        foreach (var command in commands) Streams.Apply(engine, command, events);
        return events;
    }
}
