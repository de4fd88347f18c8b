using Neocloud.Exchange.Orders;
using Neocloud.Storage;

namespace Neocloud.Exchange.Alerts;

/// <summary>
/// A price alert as the API shows it (<c>alert</c> is its id): what it watches, its price, its state (<c>armed</c> or
/// <c>triggered</c>), and when it last triggered, at what value, and how often it has.
/// </summary>
public sealed record AlertView(string Alert, string Organization, string Sku, string? Region, string Kind, string Price, string? Month, string State,
    DateTimeOffset CreatedAt, DateTimeOffset? TriggeredAt, string? Value, long Triggers)
{
    public static AlertView Of(AlertRecord r) => new(r.Id, r.OrganizationId, r.Sku, r.Region, r.Kind, Prices.Format(r.PriceTicks), r.Month, r.State,
        DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedMs), r.TriggeredMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null,
        r.ValueTicks is { } value ? Prices.Format(value) : null, r.Triggers);
}

/// <summary>The organization's alerts.</summary>
public sealed record AlertList(IReadOnlyList<AlertView> Items);
