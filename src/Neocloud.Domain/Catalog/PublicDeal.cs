namespace Neocloud.Domain.Catalog;

/// <summary>What a public deal buys: GPU cloud capacity, colocation space, a powered-shell lease, or a backstop.</summary>
public enum DealKind
{
    /// <summary>GPU capacity billed per GPU-hour.</summary>
    GpuCloud,
    /// <summary>Hosting of the tenant's own hardware.</summary>
    Colocation,
    /// <summary>A long lease of a powered data centre.</summary>
    Lease,
    /// <summary>A promise to buy capacity nobody else buys.</summary>
    Backstop,
}

/// <summary>A publicly announced capacity deal, with the figures that were published.</summary>
public sealed record PublicDeal(
    string Id,
    string Buyer,
    string Seller,
    string Announced,
    DealKind Kind,
    string? Sku,
    string? Site,
    Figure? ValueUsd,
    Figure? TermYears,
    Figure? Gpus,
    Figure? ItMw,
    Figure? PrepaymentFraction,
    string? Start,
    string Note)
{
    private const decimal HoursPerYear = 8_760m;

    /// <summary>Contract value per IT-MW per year, where value, MW and term are published (derived).</summary>
    public decimal? UsdPerItMwYear =>
        ValueUsd is { } v && ItMw is { Value: > 0 } mw && TermYears is { Value: > 0 } term ? v.Value / mw.Value / term.Value : null;

    /// <summary>Price per GPU-hour if every GPU were billed every hour of the term (derived).</summary>
    public decimal? ImpliedPricePerGpuHour =>
        ValueUsd is { } v && Gpus is { Value: > 0 } gpus && TermYears is { Value: > 0 } term
            ? v.Value / (gpus.Value * term.Value * HoursPerYear)
            : null;
}
