using System.Runtime.CompilerServices;

namespace Neocloud.Market.Indexed;

/// <summary>An order as one price level files it: its sequence number, and a way to mark it removed in place.</summary>
internal interface ILevelEntry
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
/// limit negated), each level's orders in time order. Levels are structs in one array and entries structs in one
/// array per level, so a scan reads memory in order; a removed order is marked in place and a level is compacted
/// once half of it is removed, so removal costs two binary searches instead of a shift.
/// </summary>
internal sealed class PriceLevels<T> where T : struct, ILevelEntry
{
    private Level[] _levels = new Level[2];
    private int _count;

    /// <summary>The levels, cheapest rank first.</summary>
    public ReadOnlySpan<Level> Levels => _levels.AsSpan(0, _count);

    /// <summary>Files an order under its level.</summary>
    public void Add(long rank, in T entry)
    {
        var index = Find(rank);
        if (index < 0)
        {
            index = ~index;
            if (_count == _levels.Length) Array.Resize(ref _levels, _count * 2);
            Array.Copy(_levels, index, _levels, index + 1, _count - index);
            _levels[index] = new Level(rank);
            _count++;
        }
        _levels[index].Add(entry);
    }

    /// <summary>Marks an order removed; true when no level has any order left (the caller drops the whole set).</summary>
    public bool Remove(long rank, long sequence)
    {
        var index = Find(rank);
        if (index < 0) return _count == 0;
        ref var level = ref _levels[index];
        if (level.Remove(sequence) && level.Count == 0)
        {
            Array.Copy(_levels, index + 1, _levels, index, _count - index - 1);
            _levels[--_count] = default;
        }
        return _count == 0;
    }

    /// <summary>The entry of an order filed here, to update in place, or a null reference.</summary>
    public ref T Entry(long rank, long sequence)
    {
        var index = Find(rank);
        return ref index < 0 ? ref Unsafe.NullRef<T>() : ref _levels[index].Entry(sequence);
    }

    private int Find(long rank) => Levels.BinarySearch(new LevelOf(rank));

    /// <summary>Compares a level with a rank, for <see cref="MemoryExtensions.BinarySearch{T, TComparable}(ReadOnlySpan{T}, TComparable)"/>.</summary>
    private readonly struct LevelOf(long rank) : IComparable<Level>
    {
        public int CompareTo(Level other) => rank.CompareTo(other.Rank);
    }

    /// <summary>Compares an entry with a sequence number, for the same search.</summary>
    private readonly struct EntryOf(long sequence) : IComparable<T>
    {
        public int CompareTo(T other) => sequence.CompareTo(other.Sequence);
    }

    /// <summary>One price level: its orders in time order, some possibly marked removed.</summary>
    internal struct Level(long rank)
    {
        private T[] _items = new T[4];
        private int _removed;

        public readonly long Rank = rank;

        /// <summary>Entries held, removed ones included.</summary>
        public int Count { readonly get; private set; }

        /// <summary>The entries in time order; skip the removed ones. Writable, for what an entry remembers of its order.</summary>
        public readonly Span<T> Items => _items.AsSpan(0, Count);

        public void Add(in T entry)
        {
            if (Count == _items.Length) Array.Resize(ref _items, Count * 2);
            var index = Count;
            // Orders arrive in sequence, so this is an append; a snapshot read back out of order still files correctly.
            if (index > 0 && _items[index - 1].Sequence > entry.Sequence)
            {
                index = ~Search(entry.Sequence);
                Array.Copy(_items, index, _items, index + 1, Count - index);
            }
            _items[index] = entry;
            Count++;
        }

        /// <summary>Marks the order removed; true when it was found.</summary>
        public bool Remove(long sequence)
        {
            var index = Search(sequence);
            if (index < 0 || _items[index].Removed) return false;
            _items[index].Remove();
            if (++_removed * 2 >= Count) Compact();
            return true;
        }

        public readonly ref T Entry(long sequence)
        {
            var index = Search(sequence);
            return ref index < 0 ? ref Unsafe.NullRef<T>() : ref _items[index];
        }

        private void Compact()
        {
            var kept = 0;
            for (var i = 0; i < Count; i++)
            {
                if (!_items[i].Removed) _items[kept++] = _items[i];
            }
            Array.Clear(_items, kept, Count - kept);
            Count = kept;
            _removed = 0;
            if (_items.Length > 16 && Count < _items.Length / 4) Array.Resize(ref _items, Math.Max(4, Count * 2));
        }

        private readonly int Search(long sequence) => ((ReadOnlySpan<T>)Items).BinarySearch(new EntryOf(sequence));
    }
}
