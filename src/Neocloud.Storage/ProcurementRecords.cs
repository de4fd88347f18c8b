using Neocloud.Domain.Procurement;

namespace Neocloud.Storage;

/// <summary>
/// A standing procurement: keep <c>Gpus</c> of a SKU (in a region, or any) held for the next <c>HorizonHours</c> by
/// buying blocks of <c>BlockHours</c> at no more than <c>MaxPriceTicks</c>. <c>NextBid</c> numbers the next bid it
/// places (its order id is derived from the procurement's id and this number). With <c>Alternatives</c> (JSON, as the
/// orders table keeps a bid's) it buys any of those SKUs, each at its own limit; <c>Sku</c>/<c>MaxPriceTicks</c> are the first's.
/// </summary>
public sealed record ProcurementRecord(
    string Id,
    string OrganizationId,
    string Sku,
    string? Region,
    long Gpus,
    long HorizonHours,
    long BlockHours,
    long MaxPriceTicks,
    ProcurementStatus Status,
    long NextBid,
    long CreatedMs,
    long? StoppedMs,
    string? Alternatives = null);

/// <summary>A block a procurement bought: its window, the bid and trade that bought it, the pool and the price.</summary>
public sealed record ProcurementBlockRecord(
    string ProcurementId, long StartHour, long EndHour, string BidId, long TradeNo, string PoolId, long Gpus, long PriceTicks, long BoughtMs);

/// <summary>A block a procurement could not buy (yet), why, and how often and since when it tried.</summary>
public sealed record ProcurementMissRecord(
    string ProcurementId, long StartHour, long EndHour, string Reason, long Tries, long FirstMs, long LastMs);
