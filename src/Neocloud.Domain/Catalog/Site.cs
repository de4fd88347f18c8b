namespace Neocloud.Domain.Catalog;

/// <summary>Where a site is in its life: still mining, being converted, serving AI, or being built.</summary>
public enum SiteStatus
{
    /// <summary>Runs bitcoin miners.</summary>
    Mining,
    /// <summary>Being converted from mining to GPUs.</summary>
    Converting,
    /// <summary>GPU capacity in service.</summary>
    AiLive,
    /// <summary>Power secured, halls not yet built.</summary>
    Development,
}

/// <summary>A campus: location, region code, power and status.</summary>
public sealed record Site(
    string Id,
    string Name,
    string Provider,
    string Location,
    string Region,
    SiteStatus Status,
    Figure? SecuredMw,
    Figure? CriticalItMw,
    Figure? PowerUsdPerMwh,
    Figure? Pue,
    string Note);
