using Neocloud.Domain.Procurement;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Orders;
using Neocloud.Storage;

namespace Neocloud.Exchange.Procurement;

/// <summary>
/// A standing procurement as its owner sees it: its terms and status; <c>CoveredThrough</c>, the first hour from the
/// current one that no bought block holds (<c>Covered</c> when that is at least the horizon away); the blocks bought
/// (trades) and the blocks it could not buy, with why. Prices are strings with exactly four decimals.
/// </summary>
public sealed record ProcurementView(
    string Id, string Sku, string? Region, long Gpus, long HorizonHours, long BlockHours, string MaxPrice, ProcurementStatus Status,
    long CoveredThrough, bool Covered, long BoughtGpuHours, decimal SpentUsd, IReadOnlyList<ProcuredBlockView> Bought,
    IReadOnlyList<ProcurementMissView> Misses, DateTimeOffset Created, DateTimeOffset? Stopped)
{
    /// <summary>The most misses a view lists (the newest).</summary>
    public const int MaxMissesShown = 50;

    /// <summary>The SKUs and highest prices of a procurement started with alternatives, else null.</summary>
    public IReadOnlyList<AlternativeView>? Alternatives { get; init; }

    /// <summary><see cref="CoveredThrough"/> as an RFC 3339 UTC time.</summary>
    public string CoveredThroughAt => HourText.Of(CoveredThrough);

    public static ProcurementView Of(ProcurementRecord p, IReadOnlyList<ProcurementBlockRecord> blocks, IReadOnlyList<ProcurementMissRecord> misses, int currentHour)
    {
        var coveredThrough = ProcurementRunner.CoveredThrough(blocks, currentHour);
        var bought = blocks.Select(ProcuredBlockView.Of).ToList();
        return new ProcurementView(p.Id, p.Sku, p.Region, p.Gpus, p.HorizonHours, p.BlockHours, Prices.Format(p.MaxPriceTicks), p.Status,
            coveredThrough, coveredThrough >= currentHour + p.HorizonHours, blocks.Sum(b => b.Gpus * (b.EndHour - b.StartHour)), bought.Sum(b => b.NotionalUsd), bought,
            misses.TakeLast(MaxMissesShown).Select(ProcurementMissView.Of).ToList(), DateTimeOffset.FromUnixTimeMilliseconds(p.CreatedMs),
            p.StoppedMs is { } stopped ? DateTimeOffset.FromUnixTimeMilliseconds(stopped) : null)
        {
            Alternatives = BidAlternatives.Parse(p.Alternatives),
        };
    }
}

/// <summary>A block bought: the trade (its id, as in <c>/trades</c>), the bid that made it, the window, pool and price.</summary>
public sealed record ProcuredBlockView(long TradeId, string Bid, long Start, long End, string Pool, long Gpus, string Price, decimal NotionalUsd, DateTimeOffset Bought)
{
    /// <summary><see cref="Start"/> as an RFC 3339 UTC time.</summary>
    public string StartsAt => HourText.Of(Start);

    /// <summary><see cref="End"/> as an RFC 3339 UTC time.</summary>
    public string EndsAt => HourText.Of(End);

    public static ProcuredBlockView Of(ProcurementBlockRecord b) => new(b.TradeNo, b.BidId, b.StartHour, b.EndHour, b.PoolId, b.Gpus,
        Prices.Format(b.PriceTicks), b.Gpus * (b.EndHour - b.StartHour) * (b.PriceTicks / (decimal)Domain.Money.Price.TicksPerDollar),
        DateTimeOffset.FromUnixTimeMilliseconds(b.BoughtMs));
}

/// <summary>A block not bought: its window, why, how often it was tried and when first and last.</summary>
public sealed record ProcurementMissView(long Start, long End, string Reason, long Tries, DateTimeOffset Since, DateTimeOffset LastTried)
{
    /// <summary><see cref="Start"/> as an RFC 3339 UTC time.</summary>
    public string StartsAt => HourText.Of(Start);

    /// <summary><see cref="End"/> as an RFC 3339 UTC time.</summary>
    public string EndsAt => HourText.Of(End);

    public static ProcurementMissView Of(ProcurementMissRecord m) => new(m.StartHour, m.EndHour, m.Reason, m.Tries,
        DateTimeOffset.FromUnixTimeMilliseconds(m.FirstMs), DateTimeOffset.FromUnixTimeMilliseconds(m.LastMs));
}
