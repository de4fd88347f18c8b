namespace Neocloud.Domain.Catalog;

/// <summary>
/// Market groups: SKUs that substitute for one another trade in one group — one book, one single writer and, in a
/// cluster, one shard. GB200+GB300 <c>rack-blackwell</c>, B200+B300 <c>hgx-blackwell</c>, H100+H200 <c>hopper</c>,
/// MI300X/MI325X/MI355X <c>instinct</c>; any other SKU is a group alone, named by its id in lower case.
/// </summary>
public static class MarketGroups
{
    /// <summary>The named groups and their SKUs, in a fixed order (a group's place in it is its ordinal).</summary>
    public static readonly IReadOnlyList<(string Name, IReadOnlyList<string> Skus)> Named =
    [
        ("rack-blackwell", ["GB200", "GB300"]),
        ("hgx-blackwell", ["B200", "B300"]),
        ("hopper", ["H100", "H200"]),
        ("instinct", ["MI300X", "MI325X", "MI355X"]),
    ];

    /// <summary>How many ordinals there are: the named groups, then room for SKUs alone.</summary>
    public const int OrdinalSpace = 1024;

    /// <summary>The group a SKU trades in.</summary>
    public static string Of(string sku)
    {
        foreach (var (name, skus) in Named)
        {
            foreach (var member in skus)
            {
                if (string.Equals(member, sku, StringComparison.OrdinalIgnoreCase)) return name;
            }
        }
        return sku.ToLowerInvariant();
    }

    /// <summary>The SKUs of a group (a SKU alone is its own group).</summary>
    public static IReadOnlyList<string> SkusOf(string group)
    {
        foreach (var (name, skus) in Named)
        {
            if (name == group) return skus;
        }
        return [group.ToUpperInvariant()];
    }

    /// <summary>
    /// A group's ordinal in [1, <see cref="OrdinalSpace"/>): its place among the named groups, or for a SKU alone a
    /// stable number from its name. Shards in a cluster number their trades with it so the numbers never collide.
    /// </summary>
    public static int OrdinalOf(string group)
    {
        for (var i = 0; i < Named.Count; i++)
        {
            if (Named[i].Name == group) return i + 1;
        }
        // FNV-1a: stable across processes and runs, unlike string.GetHashCode.
        var hash = 2166136261u;
        foreach (var c in group)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return Named.Count + 1 + (int)(hash % (uint)(OrdinalSpace - Named.Count - 1));
    }

    /// <summary>Every group of the catalog's SKUs, named groups first.</summary>
    public static IReadOnlyList<string> All(ReferenceCatalog catalog) =>
        Named.Select(g => g.Name).Concat(catalog.Skus.Select(s => Of(s.Id))).Distinct().ToList();
}
