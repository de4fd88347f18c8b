using Neocloud.Market.Compact;
using Neocloud.Market.Indexed;
using Neocloud.Market.Reference;

namespace Neocloud.Market.Engine;

/// <summary>The matching engines by name: every one gives the same events for the same commands and reads the others' snapshots.</summary>
public static class MarketEngines
{
    /// <summary>
    /// The engine the exchange runs unless told otherwise: the fastest one that is event-identical to the reference
    /// (compact: 1.13x-1.55x indexed by the geometric mean of alternating pairs, bench/README.md).
    /// </summary>
    public const string Default = "compact";

    /// <summary>Every engine's name, the default first.</summary>
    public static readonly IReadOnlyList<string> Names = ["compact", "indexed", "reference"];

    /// <summary>A new, empty engine of that name.</summary>
    public static IMatchingEngine Create(string name) => name switch
    {
        "compact" => new CompactEngine(),
        "indexed" => new IndexedEngine(),
        "reference" => new ReferenceEngine(),
        _ => throw new ArgumentException($"unknown engine '{name}': one of {string.Join(", ", Names)}", nameof(name)),
    };
}
