using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Neocloud.Market.Commands;
using Neocloud.Market.Engine;
using Neocloud.Market.Generation;
using Neocloud.Market.Indexed;
using Neocloud.Market.Reference;
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
        var option = new Option<string>("--engine") { Description = $"Which engine: {string.Join(", ", allowed)}.", DefaultValueFactory = _ => "indexed" };
        option.AcceptOnlyFromAmong(allowed);
        return option;
    }

    private static IMatchingEngine NewEngine(string name) => name == "reference" ? new ReferenceEngine() : new IndexedEngine();

    private static Command Replay(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "A JSON Lines file of commands, or - for standard input." };
        var engine = EngineOption("indexed", "reference");
        var command = new Command("replay", "Apply commands (JSON Lines) and print the events (JSON Lines); a journal export's contract book facts are passed over.") { file, engine };
        command.SetAction(parsed =>
        {
            var path = parsed.GetValue(file)!;
            if (path != "-" && !File.Exists(path)) throw new UsageException($"file '{path}' not found");
            using var reader = path == "-" ? null : new StreamReader(path);
            var input = reader ?? context.Input;
            var market = NewEngine(parsed.GetValue(engine)!);
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
        var engine = EngineOption("indexed", "reference", "both");
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var byKind = new Option<bool>("--by-kind")
        {
            Description = "Also time each command and report the time per kind (ask, bid, cancel, …), over the whole run and over its first and last tenth (each command's clock reads add a little).",
        };
        var command = new Command("bench", "Run a generated stream in-process and measure commands per second, trades, resting orders and memory.")
        { engine, json, byKind };
        foreach (var option in options.All) command.Options.Add(option);
        command.SetAction(parsed =>
        {
            var (pools, commands, seed, horizon, mix) = ReadStream(parsed, options);
            var stream = StreamGenerator.Generate(pools, commands, seed, horizon, mix).ToList();
            var which = parsed.GetValue(engine)!;
            var results = new List<BenchResult>();
            var timeKinds = parsed.GetValue(byKind);
            if (which is "indexed" or "both") results.Add(Measure("indexed", new IndexedEngine(), stream, timeKinds));
            if (which is "reference" or "both") results.Add(Measure("reference", new ReferenceEngine(), stream, timeKinds));
            bool? identical = results.Count == 2 ? results[0].Hash == results[1].Hash && results[0].Events == results[1].Events : null;
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
                        $"{r.Engine,-10} {r.CommandsPerSecond,14:#,0} commands/s  {r.Seconds,8:0.000} s  trades {r.Trades:#,0}  resting {r.Resting:#,0}  allocated {r.AllocatedBytes / 1048576.0:#,0.0} MiB  peak working set {r.PeakWorkingSetBytes / 1048576.0:#,0} MiB"));
                    foreach (var k in r.Kinds ?? [])
                    {
                        context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"  {k.Kind,-9} {k.Commands,10:#,0} commands  {k.MicrosecondsEach,9:0.00} µs each ({k.FirstTenthMicroseconds:0.00} in the first tenth of the run, {k.LastTenthMicroseconds:0.00} in the last)  {k.ShareOfTime,6:0.0%} of the time"));
                    }
                }
                if (identical is { } same) context.Output.WriteLine(same ? $"identical events; indexed is {ratio:0.0}x reference" : "EVENTS DIFFER between the engines");
            }
            return identical == false ? 1 : 0;
        });
        return command;
    }

    /// <summary>One engine's run of a stream; <see cref="Kinds"/> only when each command was timed.</summary>
    public sealed record BenchResult(string Engine, double Seconds, double CommandsPerSecond, long Events, long Trades, int Resting, long AllocatedBytes, long PeakWorkingSetBytes, string Hash)
    {
        public IReadOnlyList<KindTime>? Kinds { get; init; }
    }

    /// <summary>The time one kind of command took: mean over the run and over its first and last tenth, and its share of the run.</summary>
    public sealed record KindTime(string Kind, long Commands, double MicrosecondsEach, double FirstTenthMicroseconds, double LastTenthMicroseconds, double ShareOfTime);

    private static BenchResult Measure(string name, IMatchingEngine engine, List<MarketCommand> stream, bool timeKinds)
    {
        GC.Collect();
        var events = new List<MarketEvent>(64);
        long count = 0, trades = 0;
        var hash = new HashCode();
        // Per kind: ticks and commands over the whole run, its first tenth and its last tenth.
        var kinds = timeKinds ? new Dictionary<string, (long Ticks, long Count, long FirstTicks, long FirstCount, long LastTicks, long LastCount)>() : null;
        var tenth = stream.Count / 10;
        var index = 0;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        foreach (var command in stream)
        {
            events.Clear();
            if (kinds is null) engine.Apply(command, events);
            else
            {
                var started = Stopwatch.GetTimestamp();
                engine.Apply(command, events);
                var ticks = Stopwatch.GetTimestamp() - started;
                ref var kind = ref CollectionsMarshal.GetValueRefOrAddDefault(kinds, command.Op, out _);
                kind.Ticks += ticks;
                kind.Count++;
                if (index < tenth) (kind.FirstTicks, kind.FirstCount) = (kind.FirstTicks + ticks, kind.FirstCount + 1);
                if (index >= stream.Count - tenth) (kind.LastTicks, kind.LastCount) = (kind.LastTicks + ticks, kind.LastCount + 1);
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
        using var process = Process.GetCurrentProcess();
        return new BenchResult(name, clock.Elapsed.TotalSeconds, stream.Count / clock.Elapsed.TotalSeconds, count, trades, engine.RestingOrders, allocated,
            process.PeakWorkingSet64, hash.ToHashCode().ToString("x8", CultureInfo.InvariantCulture))
        {
            Kinds = kinds is null ? null : KindTimes(kinds),
        };
    }

    private static List<KindTime> KindTimes(Dictionary<string, (long Ticks, long Count, long FirstTicks, long FirstCount, long LastTicks, long LastCount)> kinds)
    {
        var total = kinds.Values.Sum(v => v.Ticks);
        return kinds.OrderByDescending(k => k.Value.Ticks).Select(k => new KindTime(k.Key, k.Value.Count, Microseconds(k.Value.Ticks, k.Value.Count),
            Microseconds(k.Value.FirstTicks, k.Value.FirstCount), Microseconds(k.Value.LastTicks, k.Value.LastCount), (double)k.Value.Ticks / total)).ToList();
    }

    private static double Microseconds(long ticks, long count) => count == 0 ? 0 : ticks * 1e6 / Stopwatch.Frequency / count;
}
