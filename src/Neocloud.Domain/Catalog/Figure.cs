namespace Neocloud.Domain.Catalog;

/// <summary>How far a published figure can be trusted.</summary>
public enum Confidence
{
    /// <summary>Stated plainly by the source.</summary>
    High,
    /// <summary>Approximate, or from a secondary summary.</summary>
    Medium,
    /// <summary>Sources disagree, or the figure is a proxy.</summary>
    Low,
}

/// <summary>
/// A published number with where it came from: a point value, an optional range, the source's key
/// (resolved to its URL on load), and how sure we are of it.
/// </summary>
public sealed record Figure(
    decimal Value,
    string Source,
    decimal? Low = null,
    decimal? High = null,
    Confidence Confidence = Confidence.High,
    string? Note = null)
{
    /// <summary>The source's URL, filled in by the loader from <c>sources.json</c>.</summary>
    public string? SourceUrl { get; init; }
}
