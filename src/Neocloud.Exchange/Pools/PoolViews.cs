using Neocloud.Domain.Time;
using Neocloud.Exchange.MarketData;
using Neocloud.Storage;

namespace Neocloud.Exchange.Pools;

/// <summary>A pool and its capacity steps.</summary>
public sealed record PoolView(string Id, string Provider, string? Site, string Sku, string Region, IReadOnlyList<StepView> Capacity)
{
    public static PoolView Of(PoolRecord pool, IReadOnlyList<CapacitySegmentRecord> capacity) =>
        new(pool.Id, pool.ProviderId, pool.SiteId, pool.Sku, pool.Region, StepView.Of(capacity));
}

/// <summary>A pool with its capacity, sold and offered GPUs over a window.</summary>
public sealed record PoolDetailView(string Id, string Provider, string? Site, string Sku, string Region, IReadOnlyList<StepView> Capacity,
    long From, long To, IReadOnlyList<UsageView> Usage)
{
    /// <summary><see cref="From"/> as an RFC 3339 UTC time.</summary>
    public string FromAt => HourText.Of(From);

    /// <summary><see cref="To"/> as an RFC 3339 UTC time.</summary>
    public string ToAt => HourText.Of(To);
}

/// <summary><c>gpus</c> in every hour of <c>[start, end)</c>.</summary>
public sealed record StepView(long Start, long End, long Gpus)
{
    /// <summary>Stored capacity segments as steps, earliest first.</summary>
    public static List<StepView> Of(IReadOnlyList<CapacitySegmentRecord> capacity) =>
        capacity.OrderBy(c => c.StartHour).Select(c => new StepView(c.StartHour, c.EndHour, c.Gpus)).ToList();

    /// <summary><see cref="Start"/> as an RFC 3339 UTC time.</summary>
    public string StartsAt => HourText.Of(Start);

    /// <summary><see cref="End"/> as an RFC 3339 UTC time.</summary>
    public string EndsAt => HourText.Of(End);
}
