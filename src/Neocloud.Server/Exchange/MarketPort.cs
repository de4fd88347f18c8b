using System.Text.Json;
using System.Text.Json.Nodes;
using Neocloud.Domain.Money;
using Neocloud.Domain.Time;

namespace Neocloud.Server.Exchange;

/// <summary>
/// The continuous market of DESIGN.md, written plainly: pools with step capacity, asks with per-hour remaining GPUs,
/// bids matched all-or-none against one ask, price-time priority, no overselling. One thread at a time.
/// </summary>
public sealed class MarketPort : IMarketPort
{
    private readonly Dictionary<string, PoolState> _pools = [];
    private readonly Dictionary<string, AskState> _asks = [];
    private readonly Dictionary<string, BidState> _bids = [];
    private readonly Dictionary<string, string> _accounts = [];
    private long _sequence;

    /// <summary>A new, empty market.</summary>
    public static IMarketPort Create() => new MarketPort();

    public CommandOutcome Apply(ExchangeCommand command) => command switch
    {
        CreatePool pool => ApplyPool(pool.PoolId, pool.OrganizationId, pool.Region, pool.Sku, pool.Capacity.Select(c => new Segment(c.Window.Start.Value, c.Window.End.Value, c.Gpus)).ToList()),
        AddCapacity add => ApplyCapacity(add.PoolId, new Segment(add.Step.Window.Start.Value, add.Step.Window.End.Value, add.Step.Gpus)),
        PlaceAsk ask => ApplyAsk(ask.OrderId, ask.OrganizationId, ask.PoolId, ask.Gpus, ask.Window.Start.Value, ask.Window.End.Value, ask.Price.Ticks),
        PlaceBid bid => ApplyBid(bid.OrderId, bid.OrganizationId, bid.Sku, bid.Region, bid.Gpus, bid.Window.Start.Value, bid.Window.End.Value, bid.Limit.Ticks, bid.ImmediateOrCancel),
        CancelOrder cancel => ApplyCancel(cancel.OrderId),
        _ => throw new ArgumentException($"unknown command {command.GetType().Name}", nameof(command)),
    };

    public string ToJournalLine(ExchangeCommand command)
    {
        JsonObject line = command switch
        {
            CreatePool pool => new JsonObject
            {
                ["op"] = "pool", ["id"] = pool.PoolId, ["provider"] = pool.OrganizationId, ["region"] = pool.Region, ["sku"] = pool.Sku,
                ["capacity"] = new JsonArray(pool.Capacity.Select(c => (JsonNode)new JsonObject { ["start"] = c.Window.Start.Value, ["end"] = c.Window.End.Value, ["gpus"] = c.Gpus }).ToArray()),
            },
            AddCapacity add => new JsonObject { ["op"] = "capacity", ["pool"] = add.PoolId, ["start"] = add.Step.Window.Start.Value, ["end"] = add.Step.Window.End.Value, ["gpus"] = add.Step.Gpus },
            PlaceAsk ask => new JsonObject
            {
                ["op"] = "ask", ["id"] = ask.OrderId, ["account"] = ask.OrganizationId, ["pool"] = ask.PoolId, ["gpus"] = ask.Gpus,
                ["start"] = ask.Window.Start.Value, ["end"] = ask.Window.End.Value, ["price"] = ask.Price.ToString(),
            },
            PlaceBid bid => new JsonObject
            {
                ["op"] = "bid", ["id"] = bid.OrderId, ["account"] = bid.OrganizationId, ["sku"] = bid.Sku, ["region"] = bid.Region, ["gpus"] = bid.Gpus,
                ["start"] = bid.Window.Start.Value, ["end"] = bid.Window.End.Value, ["limit"] = bid.Limit.ToString(), ["tif"] = bid.ImmediateOrCancel ? "IOC" : "GTC",
            },
            CancelOrder cancel => new JsonObject { ["op"] = "cancel", ["id"] = cancel.OrderId },
            _ => throw new ArgumentException($"unknown command {command.GetType().Name}", nameof(command)),
        };
        return line.ToJsonString();
    }

    public void Replay(string journalLine)
    {
        var outcome = Apply(Parse(journalLine));
        if (outcome.IsRejected) throw new InvalidOperationException($"journal line rejected on replay ({outcome.RejectedReason}): {journalLine}");
    }

    /// <summary>Reads a journal line back into the command it records.</summary>
    public static ExchangeCommand Parse(string journalLine)
    {
        var json = JsonNode.Parse(journalLine)!.AsObject();
        string Text(string name) => json[name]!.GetValue<string>();
        int Number(string name) => json[name]!.GetValue<int>();
        Price Money(string name) => Price.TryParse(Text(name), out var price, out var error) ? price : throw new FormatException(error);
        return Text("op") switch
        {
            "pool" => new CreatePool(Text("provider"), Text("id"), null, Text("sku"), Text("region"),
                json["capacity"]!.AsArray().Select(c => new CapacityStep(HourWindow.Of(c!["start"]!.GetValue<int>(), c["end"]!.GetValue<int>()), c["gpus"]!.GetValue<int>())).ToList()),
            "capacity" => new AddCapacity("", Text("pool"), new CapacityStep(HourWindow.Of(Number("start"), Number("end")), Number("gpus"))),
            "ask" => new PlaceAsk(Text("account"), Text("id"), Text("pool"), Number("gpus"), HourWindow.Of(Number("start"), Number("end")), Money("price")),
            "bid" => new PlaceBid(Text("account"), Text("id"), Text("sku"), json["region"]?.GetValue<string>(), Number("gpus"), HourWindow.Of(Number("start"), Number("end")),
                Money("limit"), Text("tif") == "IOC"),
            "cancel" => new CancelOrder("", Text("id")),
            var op => throw new FormatException($"unknown op '{op}'"),
        };
    }

    public void WriteSnapshot(Stream destination)
    {
        var state = new Snapshot(_sequence,
            _pools.Values.Select(p => new PoolSnapshot(p.Id, p.Provider, p.Region, p.Sku, p.Capacity, p.Sold)).ToList(),
            _asks.Values.Select(a => new AskSnapshot(a.Id, a.Account, a.Pool, a.Gpus, a.Start, a.End, a.PriceTicks, a.Sequence, a.Remaining)).ToList(),
            _bids.Values.Select(b => new BidSnapshot(b.Id, b.Account, b.Sku, b.Region, b.Gpus, b.Start, b.End, b.LimitTicks, b.Sequence)).ToList(),
            _accounts);
        JsonSerializer.Serialize(destination, state);
    }

    public void ReadSnapshot(Stream source)
    {
        var state = JsonSerializer.Deserialize<Snapshot>(source) ?? throw new InvalidOperationException("empty snapshot");
        _pools.Clear();
        _asks.Clear();
        _bids.Clear();
        _accounts.Clear();
        _sequence = state.Sequence;
        foreach (var p in state.Pools) _pools[p.Id] = new PoolState(p.Id, p.Provider, p.Region, p.Sku) { Capacity = p.Capacity, Sold = p.Sold };
        foreach (var a in state.Asks) _asks[a.Id] = new AskState(a.Id, a.Account, a.Pool, a.Gpus, a.Start, a.End, a.PriceTicks, a.Sequence) { Remaining = a.Remaining };
        foreach (var b in state.Bids) _bids[b.Id] = new BidState(b.Id, b.Account, b.Sku, b.Region, b.Gpus, b.Start, b.End, b.LimitTicks, b.Sequence);
        foreach (var (id, account) in state.Accounts) _accounts[id] = account;
    }

    public bool IsOpen(string orderId) => _bids.ContainsKey(orderId) || _asks.ContainsKey(orderId);

    public string? AccountOf(string orderId) => _accounts.GetValueOrDefault(orderId);

    public PoolInfo? Pool(string poolId) => _pools.TryGetValue(poolId, out var p) ? new PoolInfo(p.Id, p.Provider, p.Sku, p.Region) : null;

    public IReadOnlyList<BookLevel> Book(string sku, string? region) =>
        _asks.Values.Where(a => _pools[a.Pool].Sku == sku && (region is null || _pools[a.Pool].Region == region) && a.Remaining.Any(s => s.Gpus > 0))
            .GroupBy(a => a.PriceTicks)
            .OrderBy(g => g.Key)
            .Select(g => new BookLevel(Price.FromTicks(g.Key), g.Count(), g.Sum(a => a.Remaining.Sum(s => (long)s.Gpus * (s.End - s.Start))),
                g.Max(a => a.Remaining.Max(s => s.Gpus)), new Hour(g.Min(a => a.Start)), new Hour(g.Max(a => a.End))))
            .ToList();

    public IReadOnlyList<BookLevel> Bids(string sku, string? region) =>
        _bids.Values.Where(b => b.Sku == sku && (region is null || b.Region is null || b.Region == region))
            .GroupBy(b => b.LimitTicks)
            .OrderByDescending(g => g.Key)
            .Select(g => new BookLevel(Price.FromTicks(g.Key), g.Count(), g.Sum(b => (long)b.Gpus * (b.End - b.Start)), g.Max(b => b.Gpus),
                new Hour(g.Min(b => b.Start)), new Hour(g.Max(b => b.End))))
            .ToList();

    public Price? Quote(string sku, string? region, int gpus, HourWindow window, string buyer) =>
        BestAsk(sku, region, gpus, window.Start.Value, window.End.Value, long.MaxValue, buyer) is { } ask ? Price.FromTicks(ask.PriceTicks) : null;

    public IReadOnlyList<PoolUsageStep> Usage(string poolId, HourWindow window)
    {
        if (!_pools.TryGetValue(poolId, out var pool)) return [];
        int from = window.Start.Value, to = window.End.Value;
        var offered = _asks.Values.Where(a => a.Pool == poolId).SelectMany(a => a.Remaining).ToList();
        var cuts = new SortedSet<int> { from, to };
        foreach (var s in pool.Capacity.Concat(pool.Sold).Concat(offered))
        {
            if (s.Start > from && s.Start < to) cuts.Add(s.Start);
            if (s.End > from && s.End < to) cuts.Add(s.End);
        }
        var points = cuts.ToList();
        var steps = new List<PoolUsageStep>();
        for (var i = 0; i + 1 < points.Count; i++)
        {
            var hour = points[i];
            var step = new PoolUsageStep(new Hour(hour), new Hour(points[i + 1]), At(pool.Capacity, hour), At(pool.Sold, hour), At(offered, hour));
            if (steps.Count > 0 && steps[^1] is var last && last.Capacity == step.Capacity && last.Sold == step.Sold && last.Offered == step.Offered)
                steps[^1] = last with { End = step.End };
            else
                steps.Add(step);
        }
        return steps;
    }

    private CommandOutcome ApplyPool(string id, string provider, string region, string sku, List<Segment> capacity)
    {
        if (_pools.ContainsKey(id)) return CommandOutcome.Rejected($"pool {id} already exists");
        if (CapacityError(capacity) is { } error) return CommandOutcome.Rejected($"pool {id}: {error}");
        _pools[id] = new PoolState(id, provider, region, sku) { Capacity = capacity.OrderBy(s => s.Start).ToList() };
        return new CommandOutcome(null, [], false, false);
    }

    private CommandOutcome ApplyCapacity(string poolId, Segment segment)
    {
        if (!_pools.TryGetValue(poolId, out var pool)) return CommandOutcome.Rejected($"unknown pool {poolId}");
        var all = pool.Capacity.Append(segment).ToList();
        if (CapacityError(all) is { } error) return CommandOutcome.Rejected($"pool {poolId}: {error}");
        pool.Capacity = all.OrderBy(s => s.Start).ToList();
        return new CommandOutcome(null, [], false, false);
    }

    private CommandOutcome ApplyAsk(string id, string account, string poolId, int gpus, int start, int end, long priceTicks)
    {
        if (_accounts.ContainsKey(id)) return CommandOutcome.Rejected($"order id {id} was already used");
        if (!_pools.TryGetValue(poolId, out var pool)) return CommandOutcome.Rejected($"ask {id}: unknown pool {poolId}");
        if (pool.Provider != account) return CommandOutcome.Rejected($"ask {id}: account {account} is not pool {poolId}'s provider");
        var offered = _asks.Values.Where(a => a.Pool == poolId).SelectMany(a => a.Remaining).ToList();
        for (var hour = start; hour < end; hour = NextCut(pool, offered, hour, end))
        {
            var used = At(pool.Sold, hour) + At(offered, hour);
            if (used + gpus > At(pool.Capacity, hour))
                return CommandOutcome.Rejected($"ask {id} exceeds pool {poolId}'s capacity at hour {hour}: {used} sold or offered of {At(pool.Capacity, hour)}, {gpus} more asked");
        }

        var ask = new AskState(id, account, poolId, gpus, start, end, priceTicks, ++_sequence) { Remaining = [new Segment(start, end, gpus)] };
        _accounts[id] = account;
        _asks[id] = ask;
        var trades = new List<Fill>();
        foreach (var bid in _bids.Values.OrderByDescending(b => b.LimitTicks).ThenBy(b => b.Sequence).ToList())
        {
            if (!Eligible(ask, pool, bid.Sku, bid.Region, bid.Gpus, bid.Start, bid.End, bid.LimitTicks, bid.Account)) continue;
            trades.Add(Fill(ask, pool, bid.Id, bid.Gpus, bid.Start, bid.End, bid.LimitTicks));
            _bids.Remove(bid.Id);
        }
        var rested = ask.Remaining.Any(s => s.Gpus > 0);
        if (!rested) _asks.Remove(id);
        return new CommandOutcome(null, trades, rested, false);
    }

    private CommandOutcome ApplyBid(string id, string account, string sku, string? region, int gpus, int start, int end, long limitTicks, bool ioc)
    {
        if (_accounts.ContainsKey(id)) return CommandOutcome.Rejected($"order id {id} was already used");
        _accounts[id] = account;
        _sequence++;
        if (BestAsk(sku, region, gpus, start, end, limitTicks, account) is { } ask)
        {
            var fill = Fill(ask, _pools[ask.Pool], id, gpus, start, end, ask.PriceTicks);
            if (ask.Remaining.All(s => s.Gpus == 0)) _asks.Remove(ask.Id);
            return new CommandOutcome(null, [fill], false, false);
        }
        if (ioc) return new CommandOutcome(null, [], false, true);
        _bids[id] = new BidState(id, account, sku, region, gpus, start, end, limitTicks, _sequence);
        return new CommandOutcome(null, [], true, false);
    }

    private CommandOutcome ApplyCancel(string id)
    {
        if (_bids.Remove(id)) return new CommandOutcome(null, [], false, true);
        if (_asks.Remove(id)) return new CommandOutcome(null, [], false, true);
        return CommandOutcome.Rejected($"order {id} is not a resting bid or an open ask");
    }

    private AskState? BestAsk(string sku, string? region, int gpus, int start, int end, long limitTicks, string buyer) =>
        _asks.Values.Where(a => Eligible(a, _pools[a.Pool], sku, region, gpus, start, end, limitTicks, buyer))
            .OrderBy(a => a.PriceTicks).ThenBy(a => a.Sequence).FirstOrDefault();

    private static bool Eligible(AskState ask, PoolState pool, string sku, string? region, int gpus, int start, int end, long limitTicks, string buyer) =>
        pool.Sku == sku && (region is null || pool.Region == region) && ask.Start <= start && end <= ask.End && ask.PriceTicks <= limitTicks
        && ask.Account != buyer && ask.Remaining.Where(s => s.Start < end && start < s.End).All(s => s.Gpus >= gpus)
        && Covered(ask.Remaining, start, end);

    private static bool Covered(List<Segment> segments, int start, int end)
    {
        var hour = start;
        foreach (var s in segments.OrderBy(s => s.Start))
        {
            if (s.End <= hour) continue;
            if (s.Start > hour) return false;
            hour = s.End;
            if (hour >= end) return true;
        }
        return hour >= end;
    }

    private static Fill Fill(AskState ask, PoolState pool, string bidId, int gpus, int start, int end, long priceTicks)
    {
        var remaining = new List<Segment>();
        foreach (var s in ask.Remaining)
        {
            if (s.End <= start || end <= s.Start)
            {
                remaining.Add(s);
                continue;
            }
            if (s.Start < start) remaining.Add(s with { End = start });
            remaining.Add(new Segment(Math.Max(s.Start, start), Math.Min(s.End, end), s.Gpus - gpus));
            if (end < s.End) remaining.Add(s with { Start = end });
        }
        ask.Remaining = remaining;
        pool.Sold.Add(new Segment(start, end, gpus));
        return new Fill(bidId, ask.Id, pool.Id, gpus, HourWindow.Of(start, end), Price.FromTicks(priceTicks));
    }

    private static string? CapacityError(List<Segment> segments)
    {
        foreach (var s in segments)
        {
            if (s.Start < 0 || s.End <= s.Start || s.Gpus < 0)
                return $"capacity segment [{s.Start}, {s.End}) with {s.Gpus} GPUs is not valid";
        }
        var sorted = segments.OrderBy(s => s.Start).ToList();
        for (var i = 1; i < sorted.Count; i++)
        {
            if (sorted[i].Start < sorted[i - 1].End)
                return $"capacity segments [{sorted[i - 1].Start}, {sorted[i - 1].End}) and [{sorted[i].Start}, {sorted[i].End}) overlap";
        }
        return null;
    }

    private static int At(List<Segment> segments, int hour)
    {
        var total = 0;
        foreach (var s in segments)
        {
            if (s.Start <= hour && hour < s.End) total += s.Gpus;
        }
        return total;
    }

    private static int NextCut(PoolState pool, List<Segment> offered, int hour, int end)
    {
        var next = end;
        foreach (var s in pool.Capacity.Concat(pool.Sold).Concat(offered))
        {
            if (s.Start > hour && s.Start < next) next = s.Start;
            if (s.End > hour && s.End < next) next = s.End;
        }
        return next;
    }

    /// <summary><c>Gpus</c> in every hour of <c>[Start, End)</c>.</summary>
    public sealed record Segment(int Start, int End, int Gpus);

    private sealed class PoolState(string id, string provider, string region, string sku)
    {
        public string Id { get; } = id;
        public string Provider { get; } = provider;
        public string Region { get; } = region;
        public string Sku { get; } = sku;
        public List<Segment> Capacity { get; set; } = [];
        public List<Segment> Sold { get; set; } = [];
    }

    private sealed class AskState(string id, string account, string pool, int gpus, int start, int end, long priceTicks, long sequence)
    {
        public string Id { get; } = id;
        public string Account { get; } = account;
        public string Pool { get; } = pool;
        public int Gpus { get; } = gpus;
        public int Start { get; } = start;
        public int End { get; } = end;
        public long PriceTicks { get; } = priceTicks;
        public long Sequence { get; } = sequence;
        public List<Segment> Remaining { get; set; } = [];
    }

    private sealed record BidState(string Id, string Account, string Sku, string? Region, int Gpus, int Start, int End, long LimitTicks, long Sequence);

    private sealed record PoolSnapshot(string Id, string Provider, string Region, string Sku, List<Segment> Capacity, List<Segment> Sold);

    private sealed record AskSnapshot(string Id, string Account, string Pool, int Gpus, int Start, int End, long PriceTicks, long Sequence, List<Segment> Remaining);

    private sealed record BidSnapshot(string Id, string Account, string Sku, string? Region, int Gpus, int Start, int End, long LimitTicks, long Sequence);

    private sealed record Snapshot(long Sequence, List<PoolSnapshot> Pools, List<AskSnapshot> Asks, List<BidSnapshot> Bids, Dictionary<string, string> Accounts);
}
