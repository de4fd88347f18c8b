using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Neocloud.Market.Commands;
using Neocloud.Market.Engine;
using Neocloud.Market.Generation;
using Neocloud.Market.Replay;

namespace Neocloud.Cli.Market;

/// <summary><c>neocloud market replay|gen|bench</c>: the matching engine offline.</summary>
public static class MarketCommands
{
    public static Command Create(CliContext context)
    {
        var market = new Command("market", "The continuous market: replay command streams offline, generate them, benchmark the engines, or read a running exchange's market data.");
        market.Subcommands.Add(Replay(context));
        market.Subcommands.Add(Generate(context));
        market.Subcommands.Add(Bench(context));
        return market;
    }

    private static Option<string> EngineOption(params string[] allowed)
    {
        var option = new Option<string>("--engine") { Description = $"Which engine: {string.Join(", ", allowed)}.", DefaultValueFactory = _ => MarketEngines.Default };
        option.AcceptOnlyFromAmong(allowed);
        return option;
    }

    /// <summary>The bench's <c>--engine</c>: one engine, <c>both</c> (indexed, then reference), <c>all</c>, or names separated by commas, run in that order.</summary>
    private static Option<string> BenchEngineOption()
    {
        var option = new Option<string>("--engine")
        {
            Description = $"Which engines, run one after the other on the same stream: {string.Join(", ", MarketEngines.Names)}, both (indexed and reference), all, or a list such as compact,indexed.",
            DefaultValueFactory = _ => MarketEngines.Default,
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } value && BenchEngines(value) is null)
                result.AddError($"--engine: '{value}' is not one of {string.Join(", ", MarketEngines.Names)}, both, all, or a comma-separated list of engines");
        });
        return option;
    }

    private static List<string>? BenchEngines(string value) => value switch
    {
        "both" => ["indexed", "reference"],
        "all" => [.. MarketEngines.Names],
        _ => value.Split(',', StringSplitOptions.TrimEntries) is var names && names.Length > 0 && names.All(MarketEngines.Names.Contains) ? [.. names] : null,
    };

    private static Command Replay(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "A JSON Lines file of commands, or - for standard input." };
        var engine = EngineOption([.. MarketEngines.Names]);
        var command = new Command("replay", "Apply commands (JSON Lines) and print the events (JSON Lines); a journal export's contract book facts are passed over.") { file, engine };
        command.SetAction(parsed =>
        {
            var path = parsed.GetValue(file)!;
            if (path != "-" && !File.Exists(path)) throw new UsageException($"file '{path}' not found");
            using var reader = path == "-" ? null : new StreamReader(path);
            var input = reader ?? context.Input;
            var market = MarketEngines.Create(parsed.GetValue(engine)!);
            var events = new List<MarketEvent>();
            var number = 0;
            while (input.ReadLine() is { } line)
            {
                number++;
                // A journal export also holds the contract book's facts: they move no market state (their reservations are commands of their own).
                if (line.Length == 0 || Storage.BookFacts.IsFact(line)) continue;
                var read = ReplayCodec.Parse(line);
                if (read.NotJson is { } problem) throw new UsageException($"line {number}: {problem}");
                events.Clear();
                if (read.Rejection is { } rejection) events.Add(rejection);
                else market.Apply(read.Command!, events);
                foreach (var e in events) context.Output.WriteLine(ReplayCodec.Format(e));
            }
            return 0;
        });
        return command;
    }

    /// <summary>The options that describe a generated stream, market v2's share of it included.</summary>
    private sealed record StreamOptionSet(Option<int> Pools, Option<int> Commands, Option<int> Seed, Option<int> Horizon,
        Option<int> Alternatives, Option<int> PoolBids, Option<int> Portfolios)
    {
        public IEnumerable<Option> All => [Pools, Commands, Seed, Horizon, Alternatives, PoolBids, Portfolios];
    }

    private static StreamOptionSet StreamOptions() => new(
        new Option<int>("--pools") { Description = "Pools to create.", Required = true },
        new Option<int>("--commands") { Description = "Orders and cancels after the pools.", Required = true },
        new Option<int>("--seed") { Description = "Seed: the same seed gives the same stream.", DefaultValueFactory = _ => 1 },
        new Option<int>("--horizon-hours") { Description = "Hours the pools and orders span (default 5 years).", DefaultValueFactory = _ => 43_800 },
        new Option<int>("--alternatives-percent") { Description = "Percent of bids written with alternatives (the SKU and its group partner)." },
        new Option<int>("--pool-bid-percent") { Description = "Percent of bids naming a pool." },
        new Option<int>("--portfolio-percent") { Description = "Percent of commands that are portfolio orders (2-4 legs)." });

    private static (int Pools, int Commands, int Seed, int Horizon, StreamMix Mix) ReadStream(ParseResult parsed, StreamOptionSet o)
    {
        var pools = parsed.GetValue(o.Pools);
        var commands = parsed.GetValue(o.Commands);
        var horizon = parsed.GetValue(o.Horizon);
        if (pools is < 1 or > 1_000_000) throw new UsageException($"--pools: must be between 1 and 1,000,000, got {pools}");
        if (commands is < 0 or > 100_000_000) throw new UsageException($"--commands: must be between 0 and 100,000,000, got {commands}");
        if (horizon is < 168 or > 87_600) throw new UsageException($"--horizon-hours: must be between 168 and 87,600, got {horizon}");
        var mix = new StreamMix(Percent(parsed, o.Alternatives), Percent(parsed, o.PoolBids), Percent(parsed, o.Portfolios));
        if (mix.AlternativesPercent + mix.PoolBidPercent > 100)
            throw new UsageException($"--alternatives-percent and --pool-bid-percent: together at most 100, got {mix.AlternativesPercent + mix.PoolBidPercent}");
        return (pools, commands, parsed.GetValue(o.Seed), horizon, mix);
    }

    private static int Percent(ParseResult parsed, Option<int> option) =>
        parsed.GetValue(option) is var percent and >= 0 and <= 100 ? percent : throw new UsageException($"{option.Name}: must be between 0 and 100, got {parsed.GetValue(option)}");

    private static Command Generate(CliContext context)
    {
        var options = StreamOptions();
        var command = new Command("gen", "Write a reproducible random command stream (JSON Lines) with a realistic mix.");
        foreach (var option in options.All) command.Options.Add(option);
        command.SetAction(parsed =>
        {
            var (pools, commands, seed, horizon, mix) = ReadStream(parsed, options);
            foreach (var c in StreamGenerator.Generate(pools, commands, seed, horizon, mix)) context.Output.WriteLine(ReplayCodec.Format(c));
            return 0;
        });
        return command;
    }

    private static Command Bench(CliContext context)
    {
        var options = StreamOptions();
        var engine = BenchEngineOption();
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var streamed = new Option<bool>("--streamed")
        {
            Description = "Generate each command as it is applied instead of holding the whole stream in memory first, so the peak working set is the engine's (the time then includes generating).",
        };
        var recovery = new Option<bool>("--recovery") { Description = "After the run, export the engine's state and time reading it back into a new engine of the same kind (snapshot recovery)." };
        var byKind = new Option<bool>("--by-kind")
        {
            Description = "Also time each command and report the time per kind (ask, bid, cancel, …), over the whole run and over its first and last tenth (each command's clock reads add a little).",
        };
        var command = new Command("bench", "Run a generated stream in-process and measure commands per second, trades, resting orders and memory.")
        { engine, json, byKind, streamed, recovery };
        foreach (var option in options.All) command.Options.Add(option);
        command.SetAction(parsed =>
        {
            var (pools, commands, seed, horizon, mix) = ReadStream(parsed, options);
            IEnumerable<MarketCommand> Stream() => StreamGenerator.Generate(pools, commands, seed, horizon, mix);
            IEnumerable<MarketCommand> stream = parsed.GetValue(streamed) ? new DeferredStream(Stream) : Stream().ToList();
            var results = new List<BenchResult>();
            var timeKinds = parsed.GetValue(byKind);
            foreach (var name in BenchEngines(parsed.GetValue(engine)!)!) results.Add(Measure(name, stream, timeKinds, parsed.GetValue(recovery)));
            bool? identical = results.Count >= 2 ? results.All(r => r.Hash == results[0].Hash && r.Events == results[0].Events) : null;
            double? ratio = results.Count == 2 ? results[0].CommandsPerSecond / results[1].CommandsPerSecond : null;
            if (parsed.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(new { pools, commands, seed, horizonHours = horizon, mix, cores = Environment.ProcessorCount, results, identicalEvents = identical, speedRatio = ratio },
                    new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
            }
            else
            {
                context.Output.WriteLine($"{pools:#,0} pools, {commands:#,0} commands, seed {seed}, {horizon:#,0}-hour horizon, {Environment.ProcessorCount} cores"
                    + (mix.IsPlain ? "" : $"; {mix.AlternativesPercent}% of bids with alternatives, {mix.PoolBidPercent}% for a pool, {mix.PortfolioPercent}% of commands portfolios"));
                foreach (var r in results)
                {
                    context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{r.Engine,-10} {r.CommandsPerSecond,14:#,0} commands/s  {r.Seconds,8:0.000} s  trades {r.Trades:#,0}  resting {r.Resting:#,0}  allocated {r.AllocatedBytes / 1048576.0:#,0.0} MiB  engine heap {r.EngineHeapBytes / 1048576.0:#,0.0} MiB  peak working set {r.PeakWorkingSetBytes / 1048576.0:#,0} MiB"));
                    if (r.Collections is { } gc)
                        context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  collections: {gc.Gen0} gen0, {gc.Gen1} gen1, {gc.Gen2} gen2, paused {gc.PauseSeconds:0.000} s"));
                    if (r.Recovery is { } back)
                    {
                        context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"  recovery: export {back.ExportSeconds:0.000} s, import {back.ImportSeconds:0.000} s ({back.RestingOrders:#,0} resting orders read back)"));
                    }
                    foreach (var k in r.Kinds ?? [])
                    {
                        context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"  {k.Kind,-9} {k.Commands,10:#,0} commands  {k.MicrosecondsEach,9:0.00} µs each ({k.FirstTenthMicroseconds:0.00} in the first tenth of the run, {k.LastTenthMicroseconds:0.00} in the last)  {k.ShareOfTime,6:0.0%} of the time  {k.BytesEach,7:0} bytes allocated each"));
                    }
                }
                if (identical is { } same)
                {
                    context.Output.WriteLine(!same ? "EVENTS DIFFER between the engines"
                        : ratio is { } r ? string.Create(CultureInfo.InvariantCulture, $"identical events; {results[0].Engine} is {r:0.00}x {results[1].Engine}") : "identical events");
                }
            }
            return identical == false ? 1 : 0;
        });
        return command;
    }

    /// <summary>
    /// One engine's run of a stream; <see cref="Kinds"/> only when each command was timed, <see cref="Recovery"/> only when
    /// asked. <c>EngineHeapBytes</c> is the managed heap the engine holds at the end (after a full collection), the stream
    /// not counted.
    /// </summary>
    public sealed record BenchResult(string Engine, double Seconds, double CommandsPerSecond, long Events, long Trades, int Resting, long AllocatedBytes, long EngineHeapBytes, long PeakWorkingSetBytes, string Hash)
    {
        public IReadOnlyList<KindTime>? Kinds { get; init; }

        public RecoveryTime? Recovery { get; init; }

        /// <summary>Garbage collections during the run, by generation, and the time they paused it.</summary>
        public Collections? Collections { get; init; }
    }

    /// <summary>Garbage collections of each generation during a run, and the seconds they paused it.</summary>
    public sealed record Collections(int Gen0, int Gen1, int Gen2, double PauseSeconds);

    /// <summary>How long the engine's state took to export and to read back into a new engine of the same kind.</summary>
    public sealed record RecoveryTime(double ExportSeconds, double ImportSeconds, int RestingOrders);

    /// <summary>A stream generated afresh each time it is read, so it is never held in memory.</summary>
    private sealed class DeferredStream(Func<IEnumerable<MarketCommand>> generate) : IEnumerable<MarketCommand>
    {
        public IEnumerator<MarketCommand> GetEnumerator() => generate().GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>The time one kind of command took: mean over the run and over its first and last tenth, and its share of the run.</summary>
    public sealed record KindTime(string Kind, long Commands, double MicrosecondsEach, double FirstTenthMicroseconds, double LastTenthMicroseconds, double ShareOfTime)
    {
        /// <summary>Bytes the engine allocated per command of this kind, on average.</summary>
        public double BytesEach { get; init; }
    }

    private static BenchResult Measure(string name, IEnumerable<MarketCommand> stream, bool timeKinds, bool recovery)
    {
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var engine = MarketEngines.Create(name);
        var events = new List<MarketEvent>(64);
        long count = 0, trades = 0;
        var hash = new HashCode();
        // Per kind: ticks and commands over the whole run, its first tenth and its last tenth.
        var kinds = timeKinds ? new Dictionary<string, (long Ticks, long Count, long FirstTicks, long FirstCount, long LastTicks, long LastCount, long Bytes)>() : null;
        var total = stream is List<MarketCommand> list ? list.Count : 0;
        var tenth = total / 10;
        var index = 0;
        var applied = 0;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var (gen0, gen1, gen2, paused) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
        var clock = Stopwatch.StartNew();
        foreach (var command in stream)
        {
            applied++;
            events.Clear();
            if (kinds is null) engine.Apply(command, events);
            else
            {
                var bytes = GC.GetAllocatedBytesForCurrentThread();
                var started = Stopwatch.GetTimestamp();
                engine.Apply(command, events);
                var ticks = Stopwatch.GetTimestamp() - started;
                bytes = GC.GetAllocatedBytesForCurrentThread() - bytes;
                ref var kind = ref CollectionsMarshal.GetValueRefOrAddDefault(kinds, command.Op, out _);
                kind.Ticks += ticks;
                kind.Bytes += bytes;
                kind.Count++;
                if (index < tenth) (kind.FirstTicks, kind.FirstCount) = (kind.FirstTicks + ticks, kind.FirstCount + 1);
                if (index >= total - tenth) (kind.LastTicks, kind.LastCount) = (kind.LastTicks + ticks, kind.LastCount + 1);
                index++;
            }
            foreach (var e in events)
            {
                count++;
                if (e.Kind == EventKind.Trade) trades++;
                hash.Add(e);
            }
        }
        clock.Stop();
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        var collections = new Collections(GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2, (GC.GetTotalPauseDuration() - paused).TotalSeconds);
        var engineHeap = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
        using var process = Process.GetCurrentProcess();
        var peak = process.PeakWorkingSet64;
        RecoveryTime? recovered = null;
        if (recovery)
        {
            var exporting = Stopwatch.StartNew();
            var state = engine.Export();
            exporting.Stop();
            var resting = engine.RestingOrders;
            engine = null;
            GC.Collect();
            var importing = Stopwatch.StartNew();
            var restored = MarketEngines.Create(name);
            restored.Import(state);
            importing.Stop();
            recovered = new RecoveryTime(exporting.Elapsed.TotalSeconds, importing.Elapsed.TotalSeconds, restored.RestingOrders);
            if (restored.RestingOrders != resting) throw new InvalidOperationException($"{name}: {resting} resting orders exported, {restored.RestingOrders} read back");
        }
        else GC.KeepAlive(engine);
        return new BenchResult(name, clock.Elapsed.TotalSeconds, applied / clock.Elapsed.TotalSeconds, count, trades, engine?.RestingOrders ?? recovered!.RestingOrders, allocated,
            engineHeap, peak, hash.ToHashCode().ToString("x8", CultureInfo.InvariantCulture))
        {
            Kinds = kinds is null ? null : KindTimes(kinds),
            Recovery = recovered,
            Collections = collections,
        };
    }

    private static List<KindTime> KindTimes(Dictionary<string, (long Ticks, long Count, long FirstTicks, long FirstCount, long LastTicks, long LastCount, long Bytes)> kinds)
    {
        var total = kinds.Values.Sum(v => v.Ticks);
        return kinds.OrderByDescending(k => k.Value.Ticks).Select(k => new KindTime(k.Key, k.Value.Count, Microseconds(k.Value.Ticks, k.Value.Count),
            Microseconds(k.Value.FirstTicks, k.Value.FirstCount), Microseconds(k.Value.LastTicks, k.Value.LastCount), (double)k.Value.Ticks / total) { BytesEach = (double)k.Value.Bytes / k.Value.Count }).ToList();
    }

    private static double Microseconds(long ticks, long count) => count == 0 ? 0 : ticks * 1e6 / Stopwatch.Frequency / count;
}
