using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Neocloud.Market.Commands;
using Neocloud.Market.Engine;
using Neocloud.Market.Indexed;

namespace Neocloud.Market.Compact;

/// <summary>
/// The compact engine: the indexed engine's matching (orders filed by SKU and four-week bucket, price levels in
/// matching order, per-slot bounds of what an ask has left, the remembered short step) on a layout with no object per
/// order. Every string is interned once at the edge into an integer handle; an ask is a 40-byte record and a 64-byte
/// block of its GPUs left (<see cref="AskSteps"/>), a bid a 56-byte record, each in a flat array addressed by its
/// handle, handles reused as orders leave. A bucket's price levels keep their entries in one slab
/// (<see cref="LevelBook{T}"/>): 32 bytes per ask entry, two to a cache line, with the window, region and slot bounds
/// a bid tests inline. Events are the reference engine's for every stream.
/// </summary>
/// <remarks>
/// One class in files by concern: this one holds the state and the dispatch; <c>.Commands</c> pools, capacity, cancels
/// and reservations; <c>.Matching</c> asks, bids and portfolios and the book they rest in; <c>.Queries</c> what readers
/// see; <c>.Snapshot</c> export and import.
/// </remarks>
public sealed partial class CompactEngine : IMatchingEngine
{
    /// <summary>Hours per time bucket of the order indexes (as the indexed engine: four weeks).</summary>
    private const int BucketHours = 672;

    /// <summary>Hours per slot of the bound an ask's entry keeps of what it has left: eight slots per bucket.</summary>
    private const int SlotHours = BucketHours / 8;

    /// <summary>In <see cref="_restingAs"/>: the id's order does not rest (it traded, closed, was cancelled or never rested).</summary>
    private const int NotResting = -1;

    /// <summary>Every order id ever accepted.</summary>
    private IdTable _orderIds = new(1024);

    /// <summary>Per order id handle: <see cref="NotResting"/>, an ask (its handle × 2) or a bid (its handle × 2 + 1).</summary>
    private int[] _restingAs = new int[1024];

    private IdTable _poolIds = new();
    private PoolState[] _pools = new PoolState[16];

    /// <summary>Account and region names.</summary>
    private IdTable _names = new();

    private IdTable _skus = new();
    private SkuBook[] _books = new SkuBook[8];

    private AskBody[] _asks = new AskBody[1024];
    private AskSteps[] _askSteps = new AskSteps[1024];
    private Handles _askHandles = new();
    private Breakpoint[]?[] _overflow = new Breakpoint[]?[16];
    private Handles _overflowHandles = new();

    private BidBody[] _bids = new BidBody[1024];
    private Handles _bidHandles = new();
    private AlternativeSet[] _alternatives = new AlternativeSet[16];
    private Handles _alternativeHandles = new();

    private Dictionary<string, Reservation> _reservations = new(StringComparer.Ordinal);
    private HashSet<string> _usedReservationIds = new(StringComparer.Ordinal);
    private long _sequence;
    private int _resting;

    // Scratch space reused by every command.
    private Breakpoint[] _scratch = new Breakpoint[16];
    private WalkItem[] _walk = new WalkItem[64];
    private Fill[] _fills = new Fill[16];

    public int RestingOrders => _resting;

    public void Apply(MarketCommand command, List<MarketEvent> events)
    {
        switch (command)
        {
            case AskCommand ask: PlaceAsk(ask, events); break;
            case BidCommand bid: PlaceBid(bid, events); break;
            case CancelCommand cancel: Cancel(cancel, events); break;
            case PortfolioCommand portfolio: PlacePortfolio(portfolio, events); break;
            case PoolCommand pool: CreatePool(pool, events); break;
            case CapacityCommand capacity: AddCapacity(capacity, events); break;
            case ReserveCommand reserve: Reserve(reserve, events); break;
            case ReleaseCommand release: Release(release, events); break;
            default: throw new ArgumentException($"unknown command {command.GetType().Name}", nameof(command));
        }
    }

    /// <summary>Records that an order id was accepted and returns its handle.</summary>
    private int UseOrderId(string id)
    {
        var handle = _orderIds.Add(id);
        if (handle == _restingAs.Length) Array.Resize(ref _restingAs, handle * 2);
        _restingAs[handle] = NotResting;
        return handle;
    }

    private SkuBook BookOf(int sku)
    {
        if (sku >= _books.Length) Array.Resize(ref _books, Math.Max(sku + 1, _books.Length * 2));
        return _books[sku] ??= new SkuBook();
    }

    /// <summary>The book of a SKU by name, or null when no order or pool ever named it.</summary>
    private SkuBook? BookOf(string sku)
    {
        var id = _skus.Find(sku);
        return id < 0 || id >= _books.Length ? null : _books[id];
    }

    private int NewAsk()
    {
        var handle = _askHandles.Take();
        if (handle == _asks.Length)
        {
            Array.Resize(ref _asks, handle * 2);
            Array.Resize(ref _askSteps, handle * 2);
        }
        return handle;
    }

    private int NewBid()
    {
        var handle = _bidHandles.Take();
        if (handle == _bids.Length) Array.Resize(ref _bids, handle * 2);
        return handle;
    }

    /// <summary>An ask's GPUs left by hour.</summary>
    private ReadOnlySpan<Breakpoint> StepsOf(int ask)
    {
        ref var steps = ref _askSteps[ask];
        return steps.Count <= AskSteps.InlineBreakpoints
            ? MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<InlineBreakpoints, Breakpoint>(ref steps.Inline), steps.Count)
            : _overflow[steps.Overflow].AsSpan(0, steps.Count);
    }

    /// <summary>Adds <paramref name="delta"/> GPUs to an ask's hours <c>[start, end)</c>.</summary>
    private void AddSteps(int ask, int start, int end, int delta)
    {
        var current = StepsOf(ask);
        if (_scratch.Length < current.Length + 2) Array.Resize(ref _scratch, (current.Length + 2) * 2);
        current.CopyTo(_scratch);
        var count = Steps.Add(_scratch, current.Length, start, end, delta);
        SetSteps(ask, _scratch.AsSpan(0, count));
    }

    private void SetSteps(int ask, ReadOnlySpan<Breakpoint> values)
    {
        ref var steps = ref _askSteps[ask];
        var wasOverflow = steps.Count > AskSteps.InlineBreakpoints;
        if (values.Length <= AskSteps.InlineBreakpoints)
        {
            if (wasOverflow) _overflowHandles.Give(steps.Overflow);
            values.CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.As<InlineBreakpoints, Breakpoint>(ref steps.Inline), AskSteps.InlineBreakpoints));
        }
        else
        {
            if (!wasOverflow)
            {
                steps.Overflow = _overflowHandles.Take();
                if (steps.Overflow == _overflow.Length) Array.Resize(ref _overflow, _overflow.Length * 2);
            }
            ref var array = ref _overflow[steps.Overflow];
            if (array is null || array.Length < values.Length) array = new Breakpoint[Math.Max(16, values.Length * 2)];
            values.CopyTo(array);
        }
        steps.Count = values.Length;
    }

    /// <summary>Gives an ask's handle back (and its overflow array, if it had one).</summary>
    private void FreeAsk(int ask)
    {
        ref var steps = ref _askSteps[ask];
        if (steps.Count > AskSteps.InlineBreakpoints) _overflowHandles.Give(steps.Overflow);
        steps = default;
        _askHandles.Give(ask);
    }

    private void FreeBid(int bid)
    {
        if (_bids[bid].Alternatives >= 0) _alternativeHandles.Give(_bids[bid].Alternatives);
        _bidHandles.Give(bid);
    }

    /// <summary>Handles of a flat array: the ones given back first, then new ones at the end.</summary>
    private sealed class Handles
    {
        private int[] _free = new int[16];
        private int _freeCount;

        /// <summary>Handles ever taken (the array must be at least this long).</summary>
        public int HighWater { get; private set; }

        public int Take() => _freeCount > 0 ? _free[--_freeCount] : HighWater++;

        public void Give(int handle)
        {
            if (_freeCount == _free.Length) Array.Resize(ref _free, _freeCount * 2);
            _free[_freeCount++] = handle;
        }
    }

    private sealed class PoolState(string id, string provider, int providerName, string region, int regionName, string sku, int skuId, List<Segment> segments)
    {
        public string Id { get; } = id;
        public string Provider { get; } = provider;
        public int ProviderName { get; } = providerName;
        public string Region { get; } = region;
        public int RegionName { get; } = regionName;
        public string Sku { get; } = sku;
        public int SkuId { get; } = skuId;
        public List<Segment> Segments { get; } = segments;
        public StepFunction Capacity { get; } = StepFunction.Of(segments);
        public StepFunction Sold { get; } = new();

        /// <summary>Capacity less sold and offered GPUs: an ask or reservation fits while it is at least its GPUs.</summary>
        public StepFunction Free { get; } = StepFunction.Of(segments);
    }

    /// <summary>The resting orders of one SKU, filed by bucket for matching.</summary>
    private sealed class SkuBook
    {
        public Dictionary<int, LevelBook<AskEntry>> AsksByBucket { get; } = [];
        public Dictionary<int, LevelBook<BidEntry>> BidsByStartBucket { get; } = [];
    }

    /// <summary>A resting ask (its GPUs left and seller are in <see cref="AskSteps"/> under the same handle).</summary>
    private struct AskBody
    {
        public long PriceTicks;
        public long Sequence;
        public int Id;
        public int Pool;
        public int Gpus;
        public int Start;
        public int End;
    }

    /// <summary>
    /// A resting bid: its SKU and limit (the first alternative's when it has several, in
    /// <see cref="AlternativeSet"/> <see cref="Alternatives"/>, else -1), its region (the pool's for a pool-targeted bid;
    /// -1 for any) and its pool (-1 for any).
    /// </summary>
    private struct BidBody
    {
        public long LimitTicks;
        public long Sequence;
        public int Id;
        public int Account;
        public int Sku;
        public int Region;
        public int Pool;
        public int Alternatives;
        public int Gpus;
        public int Start;
        public int End;
    }

    [InlineArray(Rules.MaxAlternatives)]
    private struct FourSkus
    {
        private int _first;
    }

    [InlineArray(Rules.MaxAlternatives)]
    private struct FourLimits
    {
        private long _first;
    }

    /// <summary>The alternatives a resting bid was written with.</summary>
    private struct AlternativeSet
    {
        public int Count;
        public FourSkus Skus;
        public FourLimits Limits;
    }

    /// <summary>An ask as a bucket's price level files it: what a bid's search tests before it reads the ask's steps.</summary>
    private struct AskEntry(long sequence, int ask, int start, int end, int region, ulong slotMaxima) : IBookEntry
    {
        public readonly long Sequence { get; } = sequence;

        /// <summary>The most GPUs left in any hour of each eighth of the bucket, a byte each (see the indexed engine).</summary>
        public ulong SlotMaxima = slotMaxima;

        /// <summary>The ask's first hour, or int.MaxValue once removed (so no window test passes).</summary>
        public int Start = start;

        public readonly int End = end;
        public readonly int Ask = ask;
        public readonly int Region = region;

        public readonly bool Removed => Start == int.MaxValue;
        public void Remove() => Start = int.MaxValue;
    }

    /// <summary>A bid as the bucket it starts in files it, with its window inline.</summary>
    private struct BidEntry(long sequence, int bid, int start, int end) : IBookEntry
    {
        public readonly long Sequence { get; } = sequence;

        /// <summary>The bid's first hour, or int.MinValue once removed (so no ask's window contains it).</summary>
        public int Start = start;

        public readonly int End = end;
        public readonly int Bid = bid;

        public readonly bool Removed => Start == int.MinValue;
        public void Remove() => Start = int.MinValue;
    }

    /// <summary>A bid an incoming ask gathered, with its limit for the ask's SKU.</summary>
    private readonly record struct WalkItem(long Limit, long Sequence, int Bid);

    /// <summary>Walk order: the limit the bid has for the ask's SKU, highest first, then time.</summary>
    private readonly struct ByLimitThenTime : IComparer<WalkItem>
    {
        public int Compare(WalkItem a, WalkItem b) => a.Limit != b.Limit ? b.Limit.CompareTo(a.Limit) : a.Sequence.CompareTo(b.Sequence);
    }

    /// <summary>A fill a portfolio's leg made, kept to take back.</summary>
    private readonly record struct Fill(int Ask, int Gpus, int Start, int End);

    private sealed record Reservation(string Id, string Account, int Pool, int Gpus, int Start, int End);
}
