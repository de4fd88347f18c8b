namespace Neocloud.Market.Compact;

/// <summary>
/// Strings interned once into dense integer handles (0, 1, 2, … in the order they were added), never removed: order
/// ids, pool ids, account and region names, SKUs. Open addressing over one array of 8-byte slots, each holding the
/// name's hash beside its handle, at most half full: looking up a new id (the common case) reads one slot's line and
/// no string.
/// </summary>
internal sealed class IdTable
{
    private ulong[] _slots;
    private string[] _names;
    private int _count;

    public IdTable(int capacity = 16)
    {
        var slots = (int)Math.Max(16, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, capacity) * 2));
        _slots = new ulong[slots];
        _names = new string[Math.Max(8, capacity)];
    }

    /// <summary>Names held.</summary>
    public int Count => _count;

    /// <summary>The name of a handle.</summary>
    public string this[int handle] => _names[handle];

    /// <summary>The names in handle order.</summary>
    public ReadOnlySpan<string> Names => _names.AsSpan(0, _count);

    /// <summary>The handle of a name, or -1.</summary>
    public int Find(string name)
    {
        var hash = Hash(name);
        var mask = _slots.Length - 1;
        for (var i = (int)hash & mask; ; i = (i + 1) & mask)
        {
            var slot = _slots[i];
            if (slot == 0) return -1;
            if ((uint)(slot >> 32) == hash)
            {
                var handle = (int)(uint)slot - 1;
                if (string.Equals(_names[handle], name, StringComparison.Ordinal)) return handle;
            }
        }
    }

    /// <summary>The handle of a name, adding it when it is new.</summary>
    public int Intern(string name)
    {
        var found = Find(name);
        return found >= 0 ? found : Add(name);
    }

    /// <summary>Adds a name that is not held yet and returns its handle.</summary>
    public int Add(string name)
    {
        if ((_count + 1) * 2 > _slots.Length) Grow();
        if (_count == _names.Length) Array.Resize(ref _names, _names.Length * 2);
        var handle = _count++;
        _names[handle] = name;
        Place(_slots, Hash(name), handle);
        return handle;
    }

    private static void Place(ulong[] slots, uint hash, int handle)
    {
        var mask = slots.Length - 1;
        var i = (int)hash & mask;
        while (slots[i] != 0) i = (i + 1) & mask;
        slots[i] = ((ulong)hash << 32) | (uint)(handle + 1);
    }

    private void Grow()
    {
        var grown = new ulong[_slots.Length * 2];
        foreach (var slot in _slots)
        {
            if (slot != 0) Place(grown, (uint)(slot >> 32), (int)(uint)slot - 1);
        }
        _slots = grown;
    }

    private static uint Hash(string name) => (uint)name.GetHashCode();
}
