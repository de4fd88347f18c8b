using System.Globalization;
using Neocloud.Market.Engine;

namespace Neocloud.Exchange.MarketData;

/// <summary>
/// Where a page of a capacity search ended: the last offer's price and place in time, the order the search runs in. Its
/// text (<c>ticks.sequence</c>) is opaque to callers.
/// </summary>
public readonly record struct OfferCursor(long PriceTicks, long Sequence)
{
    /// <summary>The cursor just after <paramref name="candidate"/>.</summary>
    public static OfferCursor After(AskCandidate candidate) => new(candidate.PriceTicks, candidate.Sequence);

    /// <summary>True when <paramref name="candidate"/> comes after this cursor in search order (cheapest, then earliest).</summary>
    public bool Precedes(AskCandidate candidate) =>
        candidate.PriceTicks > PriceTicks || (candidate.PriceTicks == PriceTicks && candidate.Sequence > Sequence);

    /// <summary>Reads a cursor this type wrote; false for anything else.</summary>
    public static bool TryParse(string text, out OfferCursor cursor)
    {
        cursor = default;
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0
            || !long.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || !long.TryParse(text.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            return false;
        cursor = new OfferCursor(ticks, sequence);
        return true;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{PriceTicks}.{Sequence}");
}
