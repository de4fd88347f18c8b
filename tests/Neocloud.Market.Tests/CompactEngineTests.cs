using System.Runtime.CompilerServices;
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

/// <summary>
/// The compact engine's own structures (the price levels' slab, asks' steps beyond the inline ones, reused handles) on
/// markets larger than the differential tests' streams, and all three engines on generated markets.
/// </summary>
public class CompactEngineTests
{
    [Fact]
    public void Every_engine_gives_the_reference_events_on_generated_markets() =>
        // Generated markets of a few pools and hundreds of orders: deep price levels, handles reused many times, windows
        // across the four-week buckets (horizons up to eight weeks), plain and market v2 mixes.
        Gen.Int[0, int.MaxValue].Sample(seed =>
        {
            var stream = StreamGenerator.Generate(pools: 1 + seed % 5, commands: 250, seed, horizonHours: 168 + seed % 1200,
                mix: seed % 2 == 0 ? StreamMix.Everything : StreamMix.Plain).ToList();
            var expected = Run(new ReferenceEngine(), stream);
            return Run(new CompactEngine(), stream).SequenceEqual(expected) && Run(new IndexedEngine(), stream).SequenceEqual(expected);
        }, iter: 150);

    [Fact]
    public void An_ask_filled_in_many_pieces_keeps_every_step_and_gives_the_rest_back_on_cancel()
    {
        // Twelve one-hour fills with gaps between them: 25 breakpoints, far more than the five held inline.
        var (compact, plain) = (new CompactEngine(), new ReferenceEngine());
        var events = new List<MarketEvent>();
        foreach (IMatchingEngine engine in new IMatchingEngine[] { compact, plain })
        {
            engine.Apply(new PoolCommand("p1", "iren", "us-tx", "GB300", [new Segment(0, 100, 50)]), events);
            engine.Apply(new AskCommand("a1", "iren", "p1", 40, HourWindow.Of(0, 60), Price.FromTicks(2_0000)), events);
            for (var i = 0; i < 12; i++)
                engine.Apply(new BidCommand($"b{i}", "msft", "GB300", null, 1 + i, HourWindow.Of(2 + 4 * i, 3 + 4 * i), Price.FromTicks(3_0000), false), events);
        }
        Assert.Equal(plain.Usage("p1", 0, 100), compact.Usage("p1", 0, 100));
        Assert.Equal(plain.Asks("GB300", null), compact.Asks("GB300", null));
        Assert.Equal(plain.Export().Asks.Single().Remaining, compact.Export().Asks.Single().Remaining);
        // A bid for 29 over hours no fill touched trades; one for 30 over hours 40-50, where fills took 11 and 12, finds none.
        Assert.Equal(plain.Quote("GB300", null, 29, 0, 2, "meta"), compact.Quote("GB300", null, 29, 0, 2, "meta"));
        Assert.Null(compact.Quote("GB300", null, 30, 40, 50, "meta"));

        compact.Apply(new CancelCommand("a1"), events);
        Assert.Equal([new UsageStep(0, 2, 50, 0, 0), new UsageStep(2, 3, 50, 1, 0)], compact.Usage("p1", 0, 3));
        // The whole window can be offered again, less what was sold.
        compact.Apply(new AskCommand("a2", "iren", "p1", 38, HourWindow.Of(0, 60), Price.FromTicks(2_0000)), events);
        Assert.Equal(MarketEvent.Rested("a2"), events[^1]);
    }

    [Fact]
    public void Price_levels_keep_rank_then_time_order_through_adds_removes_and_layouts() =>
        Gen.Select(Gen.Int, Gen.Int[1, 40]).Sample((seed, prices) =>
        {
            var random = new Random(seed);
            var book = new LevelBook<TestEntry>();
            var model = new SortedSet<(long Rank, long Sequence)>();
            for (var sequence = 1L; sequence < 3000; sequence++)
            {
                if (model.Count > 0 && random.Next(3) == 0)
                {
                    var gone = model.ElementAt(random.Next(model.Count));
                    model.Remove(gone);
                    if (book.Remove(gone.Rank, gone.Sequence) != (model.Count == 0)) return false;
                }
                var rank = (long)random.Next(prices);
                book.Add(rank, new TestEntry(sequence));
                model.Add((rank, sequence));
            }
            var filed = new List<(long, long)>();
            foreach (ref readonly var level in book.Levels)
            {
                foreach (ref readonly var entry in book.Items(level))
                {
                    if (!entry.Removed) filed.Add((level.Rank, entry.Sequence));
                }
            }
            return filed.SequenceEqual(model) && model.All(m => !Unsafe.IsNullRef(ref book.Entry(m.Rank, m.Sequence)));
        }, iter: 60);

    private struct TestEntry(long sequence) : IBookEntry
    {
        public readonly long Sequence { get; } = sequence;
        public bool Removed { get; private set; }
        public void Remove() => Removed = true;
    }

    private static List<MarketEvent> Run(IMatchingEngine engine, IEnumerable<MarketCommand> commands)
    {
        var events = new List<MarketEvent>();
        foreach (var command in commands) engine.Apply(command, events);
        return events;
    }
}
