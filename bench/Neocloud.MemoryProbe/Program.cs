using System.Diagnostics;
using System.Globalization;
using Neocloud.Market.Commands;
using Neocloud.Market.Generation;

// What the machine gives a matching engine whose state is far larger than its caches: the time of one dependent load
// at a random place in working sets of growing size (each load's address comes from the one before, as when following
// references from an order to its pool to its steps), and the least any engine does per command of the benchmark's
// stream (`neocloud market bench --pools 10000 --commands 1000000 --seed 1`): read the command, check its order id
// among those seen and record it, find an ask's pool, and emit one event. Everything else an engine does is on top.

var steps = 5_000_000;
if (args.Length > 0 && (!int.TryParse(args[0], CultureInfo.InvariantCulture, out steps) || steps < 1))
{
    Console.Error.WriteLine($"usage: Neocloud.MemoryProbe [loads per working set, a positive whole number; got '{args[0]}']");
    return 2;
}
foreach (var mebibytes in new[] { 1, 8, 64, 512 })
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"dependent random load, {mebibytes,3} MiB working set: {DependentLoadNanoseconds(mebibytes, steps),6:0.0} ns"));
}
var stream = StreamGenerator.Generate(10_000, 1_000_000, 1).ToList();
for (var run = 1; run <= 3; run++)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bookkeeping alone over the 10,000-pool, 1,000,000-command stream, run {run}: {BookkeepingPerSecond(stream):#,0} commands/s"));
}
return 0;

static double DependentLoadNanoseconds(int mebibytes, int steps)
{
    // One slot per 64-byte line, linked in a random cycle, so every load misses unless the working set fits a cache.
    const int IntsPerLine = 16;
    var lines = mebibytes * 1024 * 1024 / 64;
    var next = new int[lines * IntsPerLine];
    var order = Enumerable.Range(0, lines).ToArray();
    new Random(1).Shuffle(order);
    for (var i = 0; i < lines; i++) next[order[i] * IntsPerLine] = order[(i + 1) % lines] * IntsPerLine;
    var at = 0;
    for (var i = 0; i < Math.Min(lines, 1_000_000); i++) at = next[at];
    var started = Stopwatch.GetTimestamp();
    for (var i = 0; i < steps; i++) at = next[at];
    var elapsed = Stopwatch.GetElapsedTime(started);
    GC.KeepAlive(at);
    return elapsed.TotalNanoseconds / steps;
}

static double BookkeepingPerSecond(List<MarketCommand> stream)
{
    var orders = new Dictionary<string, MarketCommand?>(StringComparer.Ordinal);
    var pools = new Dictionary<string, PoolCommand>(StringComparer.Ordinal);
    var events = new List<MarketEvent>(64);
    var started = Stopwatch.GetTimestamp();
    foreach (var command in stream)
    {
        events.Clear();
        switch (command)
        {
            case PoolCommand pool:
                pools[pool.PoolId] = pool;
                break;
            case AskCommand ask when !orders.ContainsKey(ask.OrderId) && pools.ContainsKey(ask.PoolId):
                orders[ask.OrderId] = ask;
                events.Add(MarketEvent.Rested(ask.OrderId));
                break;
            case BidCommand bid when !orders.ContainsKey(bid.OrderId):
                orders[bid.OrderId] = bid;
                events.Add(MarketEvent.Rested(bid.OrderId));
                break;
            case CancelCommand cancel when orders.GetValueOrDefault(cancel.OrderId) is not null:
                orders[cancel.OrderId] = null;
                events.Add(MarketEvent.Cancelled(cancel.OrderId));
                break;
        }
    }
    return stream.Count / Stopwatch.GetElapsedTime(started).TotalSeconds;
}
