namespace Neocloud.Domain.Catalog;

/// <summary>Which side of the market an organization usually trades on.</summary>
public enum OrganizationRole
{
    /// <summary>Owns capacity and sells it (a neocloud or a colocation host).</summary>
    Provider,
    /// <summary>Buys capacity (a hyperscaler, an AI lab, a vendor).</summary>
    Buyer,
}

/// <summary>A company in the reference data: a provider (IREN, CoreWeave, …) or a buyer (Microsoft, Meta, …).</summary>
public sealed record Organization(
    string Id,
    string Name,
    OrganizationRole Role,
    string Kind,
    string Headquarters,
    string Note,
    string? Source)
{
    /// <summary>The source's URL, filled in by the loader.</summary>
    public string? SourceUrl { get; init; }
}
