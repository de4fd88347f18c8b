namespace Neocloud.Offtake.Offers;

/// <summary>GPUs of a pool neither sold nor offered, constant over <c>[Start, End)</c>.</summary>
public readonly record struct FreeStep(int Start, int End, int Free);

/// <summary>GPUs a tranche needs in every hour of <c>[Start, End)</c>.</summary>
public readonly record struct Need(int Start, int End, int Gpus);

/// <summary>The first hour where a pool cannot back what an offer needs, with what it needs and what is free.</summary>
public readonly record struct Shortfall(int Hour, int Needed, int Free);

/// <summary>
/// Can a pool back an offer? The tranches on one pool may overlap, so their needs add up; the pool's free GPUs come
/// as steps (hours outside every step have none). Walks the breakpoints of both, not every hour.
/// </summary>
public static class CapacityCheck
{
    /// <summary>The first hour the needs exceed the free GPUs, or null when the pool backs them all.</summary>
    public static Shortfall? FirstShortfall(IReadOnlyList<Need> needs, IReadOnlyList<FreeStep> free)
    {
        var breaks = new SortedSet<int>();
        foreach (var n in needs)
        {
            if (n.Gpus <= 0 || n.End <= n.Start) continue;
            breaks.Add(n.Start);
            breaks.Add(n.End);
        }
        foreach (var f in free)
        {
            breaks.Add(f.Start);
            breaks.Add(f.End);
        }
        int? previous = null;
        foreach (var hour in breaks)
        {
            if (previous is { } start)
            {
                // Needs and free GPUs are constant between two breakpoints, so the first hour speaks for the span.
                var needed = 0;
                foreach (var n in needs)
                {
                    if (n.Gpus > 0 && n.Start <= start && start < n.End) needed += n.Gpus;
                }
                if (needed > 0)
                {
                    var available = 0;
                    foreach (var f in free)
                    {
                        if (f.Start <= start && start < f.End) available = f.Free;
                    }
                    if (needed > available) return new Shortfall(start, needed, available);
                }
            }
            previous = hour;
        }
        return null;
    }
}
