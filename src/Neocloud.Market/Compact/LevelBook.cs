using System.Runtime.CompilerServices;

namespace Neocloud.Market.Compact;

/// <summary>An order as a price level files it: its sequence number, and a way to mark it removed in place.</summary>
internal interface IBookEntry
{
    /// <summary>The order's place in time (unique, increasing as orders arrive).</summary>
    long Sequence { get; }

    /// <summary>True once the order has left the book; scans skip it until the level is compacted.</summary>
    bool Removed { get; }

    /// <summary>Marks the order removed.</summary>
    void Remove();
}

/// <summary>
/// Orders grouped by price level in the order matching visits them (ascending <c>rank</c>: an ask's price, or a bid's
/// limit negated), each level's orders in time order, as in the indexed engine's price levels, but every level's
/// entries live in one array (a slab): a level owns a block of it, grows by moving its block to the free end, and when
/// the slab is full every block is laid out again in rank order, removed entries dropped. No object per level, and a
/// scan that walks the levels in order mostly walks the slab in order, which the hardware prefetcher follows.
/// </summary>
internal sealed class LevelBook<T> where T : struct, IBookEntry
{
    private const int FirstCapacity = 4;

    private Level[] _levels = new Level[4];
    private int _count;
    private T[] _slab = new T[64];
    private int _used;

    /// <summary>The levels, cheapest rank first.</summary>
    public ReadOnlySpan<Level> Levels => _levels.AsSpan(0, _count);

    /// <summary>A level's entries in time order, removed ones included. Valid until the next <see cref="Add"/>.</summary>
    public Span<T> Items(in Level level) => _slab.AsSpan(level.Offset, level.Count);

    /// <summary>Files an order under its level.</summary>
    public void Add(long rank, in T entry)
    {
        var index = Find(rank);
        if (index < 0)
        {
            index = ~index;
            if (_used + FirstCapacity > _slab.Length) Relayout(-1, 0, FirstCapacity);
            if (_count == _levels.Length) Array.Resize(ref _levels, _count * 2);
            Array.Copy(_levels, index, _levels, index + 1, _count - index);
            _levels[index] = new Level { Rank = rank, Offset = _used, Capacity = FirstCapacity };
            _used += FirstCapacity;
            _count++;
        }
        if (_levels[index].Count == _levels[index].Capacity) Grow(index);
        ref var level = ref _levels[index];
        var at = level.Count;
        // Orders arrive in sequence, so this is an append; a snapshot read back out of order still files correctly.
        if (at > 0 && _slab[level.Offset + at - 1].Sequence > entry.Sequence)
        {
            at = ~Search(level, entry.Sequence);
            Array.Copy(_slab, level.Offset + at, _slab, level.Offset + at + 1, level.Count - at);
        }
        _slab[level.Offset + at] = entry;
        level.Count++;
    }

    /// <summary>Marks an order removed; true when no level has any order left (the caller drops the whole book).</summary>
    public bool Remove(long rank, long sequence)
    {
        var index = Find(rank);
        if (index < 0) return _count == 0;
        ref var level = ref _levels[index];
        var at = Search(level, sequence);
        if (at < 0 || _slab[level.Offset + at].Removed) return _count == 0;
        _slab[level.Offset + at].Remove();
        if (++level.Removed * 2 >= level.Count) Compact(ref level);
        if (level.Count == 0)
        {
            // Its block stays unused until the next layout.
            Array.Copy(_levels, index + 1, _levels, index, _count - index - 1);
            _levels[--_count] = default;
        }
        return _count == 0;
    }

    /// <summary>The entry of an order filed here, to update in place, or a null reference.</summary>
    public ref T Entry(long rank, long sequence)
    {
        var index = Find(rank);
        if (index < 0) return ref Unsafe.NullRef<T>();
        var at = Search(_levels[index], sequence);
        return ref at < 0 ? ref Unsafe.NullRef<T>() : ref _slab[_levels[index].Offset + at];
    }

    private void Grow(int index)
    {
        ref var level = ref _levels[index];
        var grown = level.Capacity * 2;
        if (level.Offset + level.Capacity == _used && level.Offset + grown <= _slab.Length)
        {
            // The last block: it grows where it is.
            _used = level.Offset + grown;
            level.Capacity = grown;
            return;
        }
        if (_used + grown > _slab.Length)
        {
            Relayout(index, grown, 0);
            return;
        }
        Array.Copy(_slab, level.Offset, _slab, _used, level.Count);
        level.Offset = _used;
        level.Capacity = grown;
        _used += grown;
    }

    /// <summary>
    /// Lays every level out again in rank order, dropping removed entries; level <paramref name="growing"/> gets at least
    /// <paramref name="capacity"/>, and <paramref name="extra"/> more is kept free. The slab is reused while it has room
    /// for a quarter more than the layout needs (the layout is built in a scratch array and copied back), so a book
    /// that does not grow allocates nothing.
    /// </summary>
    private void Relayout(int growing, int capacity, int extra)
    {
        var total = extra;
        for (var i = 0; i < _count; i++)
        {
            var live = _levels[i].Count - _levels[i].Removed;
            total += i == growing ? Math.Max(capacity, CapacityFor(live)) : CapacityFor(live);
        }
        // Reused while a quarter of it stays free after the layout; otherwise twice the layout, so a growing book
        // allocates a new slab only each time it has grown by 60% (and one that shrank to a quarter gives memory back).
        var reuse = total + total / 4 <= _slab.Length && _slab.Length <= 8 * Math.Max(16, total);
        var wanted = Math.Max(16, 2 * total);
        T[] target;
        if (reuse)
        {
            if (s_scratch is null || s_scratch.Length < total) s_scratch = new T[Math.Max(total, 2 * (s_scratch?.Length ?? 0))];
            target = s_scratch;
        }
        else target = new T[wanted];
        var used = 0;
        for (var i = 0; i < _count; i++)
        {
            ref var level = ref _levels[i];
            var kept = 0;
            foreach (ref readonly var entry in _slab.AsSpan(level.Offset, level.Count))
            {
                if (!entry.Removed) target[used + kept++] = entry;
            }
            level.Offset = used;
            level.Count = kept;
            level.Removed = 0;
            level.Capacity = i == growing ? Math.Max(capacity, CapacityFor(kept)) : CapacityFor(kept);
            used += level.Capacity;
        }
        if (reuse)
        {
            // Only the entries held are copied back; the rest of each block is stale and never read (counts bound every read).
            target.AsSpan(0, used).CopyTo(_slab);
        }
        else _slab = target;
        _used = used;
    }

    /// <summary>Where a layout is built before it is copied back into a slab that is reused (one per thread: engines run one per thread).</summary>
    [ThreadStatic]
    private static T[]? s_scratch;

    /// <summary>A block for <paramref name="live"/> entries with room for a quarter more (at least four).</summary>
    private static int CapacityFor(int live) => Math.Max(FirstCapacity, live + Math.Max(1, live / 4));

    private void Compact(ref Level level)
    {
        var items = _slab.AsSpan(level.Offset, level.Count);
        var kept = 0;
        for (var i = 0; i < items.Length; i++)
        {
            if (!items[i].Removed) items[kept++] = items[i];
        }
        items[kept..].Clear();
        level.Count = kept;
        level.Removed = 0;
    }

    private int Find(long rank)
    {
        // Levels are few (one per price in use), so a plain binary search over the ranks.
        int low = 0, high = _count - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var r = _levels[middle].Rank;
            if (r == rank) return middle;
            if (r < rank) low = middle + 1;
            else high = middle - 1;
        }
        return ~low;
    }

    private int Search(in Level level, long sequence)
    {
        int low = 0, high = level.Count - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var s = _slab[level.Offset + middle].Sequence;
            if (s == sequence) return middle;
            if (s < sequence) low = middle + 1;
            else high = middle - 1;
        }
        return ~low;
    }

    /// <summary>One price level: where its block of the slab starts, how many entries it holds (removed ones included) and has room for.</summary>
    internal struct Level
    {
        public long Rank;
        public int Offset;
        public int Count;
        public int Capacity;
        public int Removed;
    }
}
