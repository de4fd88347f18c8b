using System.Runtime.InteropServices;
using Neocloud.Market.Commands;
using Neocloud.Market.Engine;

namespace Neocloud.Market.Indexed;

/// <summary>
/// The fast engine. Each pool keeps its capacity, its sold GPUs and its used GPUs (sold + offered) as step functions
/// over breakpoints, so a capacity check walks only the breakpoints inside the ask's window. Orders are filed by SKU
/// and time bucket: an ask under every bucket it covers, a bid under the bucket it starts in. A bid only needs asks
/// covering its first hour (one bucket's set), and an ask only bids starting inside its window (its buckets' sets). Each set holds
/// price levels in matching order (<see cref="PriceLevels{T}"/>), each level its orders in time order as structs
/// carrying the window, region and account, so the search reads memory in order, stops at the first price that
/// cannot trade, and gives the events of a full price-time scan. Memory follows the number of breakpoints and
/// resting orders, not hours × pools.
/// </summary>
/// <remarks>
/// One class in files by concern: this one holds the state and the dispatch; <c>.Commands</c> pools, capacity, cancels
/// and reservations; <c>.Matching</c> asks and bids and the book they rest in; <c>.Queries</c> what readers see;
/// <c>.Snapshot</c> export and import.
/// </remarks>
public sealed partial class IndexedEngine : IMatchingEngine
{
    /// <summary>Hours per time bucket of the order indexes: four weeks, the fastest of 2, 7, 14, 28 and 56 days on the benchmark stream.</summary>
    private const int BucketHours = 672;

    /// <summary>Hours per slot of the bound an ask's entry keeps of what it has left: eight slots per bucket.</summary>
    private const int SlotHours = BucketHours / 8;

    private readonly Dictionary<string, PoolState> _pools = new(StringComparer.Ordinal);
    /// <summary>Every order id ever accepted, with its order while it rests (an <see cref="Ask"/> or a <see cref="Bid"/>), else null.</summary>
    private readonly Dictionary<string, object?> _orders = new(StringComparer.Ordinal);
    private int _resting;
    private readonly Dictionary<string, Reservation> _reservations = new(StringComparer.Ordinal);
    private readonly HashSet<string> _usedReservationIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SkuBook> _books = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _names = new(StringComparer.Ordinal);
    private readonly List<(Bid Bid, long Limit)> _walk = [];
    private readonly List<(Ask Ask, int Gpus, int Start, int End)> _fills = [];
    private long _sequence;

    public int RestingOrders => _resting;

    public void Apply(MarketCommand command, List<MarketEvent> events)
    {
        switch (command)
        {
            case PoolCommand pool: CreatePool(pool, events); break;
            case CapacityCommand capacity: AddCapacity(capacity, events); break;
            case AskCommand ask: PlaceAsk(ask, events); break;
            case BidCommand bid: PlaceBid(bid, events); break;
            case PortfolioCommand portfolio: PlacePortfolio(portfolio, events); break;
            case CancelCommand cancel: Cancel(cancel, events); break;
            case ReserveCommand reserve: Reserve(reserve, events); break;
            case ReleaseCommand release: Release(release, events); break;
            default: throw new ArgumentException($"unknown command {command.GetType().Name}", nameof(command));
        }
    }

    private SkuBook BookOf(string sku)
    {
        ref var book = ref CollectionsMarshal.GetValueRefOrAddDefault(_books, sku, out _);
        return book ??= new SkuBook();
    }

    /// <summary>A small number standing for a region or account name, so order entries compare integers.</summary>
    private int Intern(string name)
    {
        ref var id = ref CollectionsMarshal.GetValueRefOrAddDefault(_names, name, out var exists);
        if (!exists) id = _names.Count - 1;
        return id;
    }

    private PoolState NewPool(string id, string provider, string region, string sku, List<Segment> segments) =>
        new(id, provider, region, Intern(region), sku, BookOf(sku), segments);

    private sealed class PoolState(string id, string provider, string region, int regionId, string sku, SkuBook book, List<Segment> segments)
    {
        public string Id { get; } = id;
        public string Provider { get; } = provider;
        public string Region { get; } = region;
        public int RegionId { get; } = regionId;
        public string Sku { get; } = sku;
        public SkuBook Book { get; } = book;
        public List<Segment> Segments { get; } = segments;
        public StepFunction Capacity { get; } = StepFunction.Of(segments);
        public StepFunction Sold { get; } = new();
        public StepFunction Used { get; } = new();
    }

    private sealed class Ask(string id, string account, PoolState pool, int gpus, int start, int end, long priceTicks, long sequence)
    {
        public string Id { get; } = id;
        public string Account { get; } = account;
        public PoolState Pool { get; } = pool;
        public int Gpus { get; } = gpus;
        public int Start { get; } = start;
        public int End { get; } = end;
        public long PriceTicks { get; } = priceTicks;
        public long Sequence { get; } = sequence;
        public StepFunction Remaining { get; } = new();
    }

    /// <summary>The resting orders of one SKU, filed by bucket for matching.</summary>
    private sealed class SkuBook
    {
        public Dictionary<int, PriceLevels<AskEntry>> AsksByBucket { get; } = [];
        public Dictionary<int, PriceLevels<BidEntry>> BidsByStartBucket { get; } = [];

        /// <summary>Every resting ask once: each is read from the bucket of its first hour.</summary>
        public IEnumerable<Ask> RestingAsks() =>
            from pair in AsksByBucket
            from level in pair.Value.Levels.ToArray()
            from entry in level.Items.ToArray()
            where !entry.Removed && entry.Ask.Start / BucketHours == pair.Key
            select entry.Ask;

        /// <summary>Every resting bid of this SKU (each is filed under one bucket) with its limit for this SKU.</summary>
        public IEnumerable<(Bid Bid, long Limit)> RestingBids() =>
            from levels in BidsByStartBucket.Values
            from level in levels.Levels.ToArray()
            from entry in level.Items.ToArray()
            where !entry.Removed
            select (entry.Bid, -level.Rank);
    }

    /// <summary>An ask as a bucket's price level files it, with what a bid's search tests inline.</summary>
    private struct AskEntry(Ask ask, int region, int account, ulong slotMaxima) : ILevelEntry
    {
        public readonly Ask Ask = ask;

        /// <summary>The ask's GPUs left by hour, read directly for the exact test (one hop fewer than through the ask).</summary>
        public readonly StepFunction Remaining = ask.Remaining;

        public readonly int End = ask.End;
        public readonly int Region = region;
        public readonly int Account = account;

        /// <summary>
        /// The most GPUs left in any hour of each eighth of this bucket, a byte each (capped at 255): a bid needs at least
        /// its GPUs in every eighth its window meets, so most asks that cannot fill it are passed over without reading
        /// their steps.
        /// </summary>
        public ulong SlotMaxima = slotMaxima;

        /// <summary>A step of the ask's hours <c>[ShortFrom, ShortUntil)</c> that had only <see cref="ShortOf"/> GPUs left when a bid last found it short (empty at first).</summary>
        public int ShortFrom, ShortUntil, ShortOf;

        /// <summary>The ask's first hour, or int.MaxValue once removed (so no window test passes).</summary>
        public int Start { get; private set; } = ask.Start;

        public readonly long Sequence { get; } = ask.Sequence;
        public readonly bool Removed => Start == int.MaxValue;
        public void Remove() => Start = int.MaxValue;
    }

    /// <summary>A bid as the bucket it starts in files it, with its window inline.</summary>
    private struct BidEntry(Bid bid) : ILevelEntry
    {
        public readonly Bid Bid = bid;
        public readonly int Start = bid.Start;
        public readonly int End = bid.End;

        public readonly long Sequence { get; } = bid.Sequence;
        public bool Removed { get; private set; }
        public void Remove() => Removed = true;
    }

    private sealed record Reservation(string Id, string Account, PoolState Pool, int Gpus, int Start, int End);

    /// <summary>
    /// A resting bid: its SKU and limit, or with <see cref="Alternatives"/> every SKU it takes (the first is
    /// <c>Sku</c>/<c>LimitTicks</c>; it is filed in each SKU's book at that SKU's limit); and its pool when it names one
    /// (its region is then the pool's).
    /// </summary>
    private sealed record Bid(string Id, string Account, string Sku, string? Region, int Gpus, int Start, int End, long LimitTicks, long Sequence)
    {
        public Alternative[]? Alternatives { get; init; }

        public PoolState? Pool { get; init; }

        /// <summary>Each SKU the bid takes with its limit.</summary>
        public IEnumerable<(string Sku, long Limit)> Choices() =>
            Alternatives is { } alternatives ? alternatives.Select(a => (a.Sku, a.Limit.Ticks)) : [(Sku, LimitTicks)];

        /// <summary>Walk order: the limit the bid has for the ask's SKU, highest first, then time.</summary>
        public static readonly IComparer<(Bid Bid, long Limit)> ByLimitThenTime = Comparer<(Bid Bid, long Limit)>.Create((a, b) =>
            a.Limit != b.Limit ? b.Limit.CompareTo(a.Limit) : a.Bid.Sequence.CompareTo(b.Bid.Sequence));
    }
}
