using Neocloud.Market.Compact;
using Neocloud.Market.Indexed;
using Neocloud.Market.Reference;

namespace Neocloud.Market.Engine;

/// <summary>The matching engines by name: every one gives the same events for the same commands and reads the others' snapshots.</summary>
public static class MarketEngines
{
    /// <summary>
    /// The engine the exchange runs unless told otherwise: indexed. Compact is event-identical and 1.13x-1.23x faster
    /// at 100 and 10,000 pools, but at 100,000 pools and in snapshot recovery it is not clearly faster yet
    /// (bench/README.md, issue 34).
    /// </summary>
    public const string Default = "indexed";

    /// <summary>Every engine's name, the default first.</summary>
    public static readonly IReadOnlyList<string> Names = ["indexed", "compact", "reference"];

    /// <summary>A new, empty engine of that name.</summary>
    public static IMatchingEngine Create(string name) => name switch
    {
        "compact" => new CompactEngine(),
        "indexed" => new IndexedEngine(),
        "reference" => new ReferenceEngine(),
        _ => throw new ArgumentException($"unknown engine '{name}': one of {string.Join(", ", Names)}", nameof(name)),
    };
}
