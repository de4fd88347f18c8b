using System.Globalization;
using Neocloud.Domain.Money;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Orders;
using Neocloud.Market.Engine;
using Neocloud.Storage;

namespace Neocloud.Exchange.MarketData;

/// <summary>One price level: orders, GPU-hours, the largest order's GPUs, and the hours they cover.</summary>
public sealed record LevelView(string Price, int Orders, long GpuHours, int MaxGpus, long FirstHour, long LastHour)
{
    public static LevelView Of(BookLevel l) => new(Prices.Format(l.PriceTicks), l.Orders, l.GpuHours, l.MaxGpus, l.FirstHour, l.LastHour);

    /// <summary><see cref="FirstHour"/> as an RFC 3339 UTC time.</summary>
    public string FirstHourAt => HourText.Of(FirstHour);

    /// <summary><see cref="LastHour"/> as an RFC 3339 UTC time.</summary>
    public string LastHourAt => HourText.Of(LastHour);
}

/// <summary>The book of one SKU: asks cheapest first, bids highest first.</summary>
public sealed record BookView(string Sku, string? Region, IReadOnlyList<LevelView> Asks, IReadOnlyList<LevelView> Bids);

/// <summary>The best price a bid would trade at now, or null.</summary>
public sealed record QuoteView(string Sku, string? Region, long Gpus, long Start, long End, string? Price, decimal? NotionalUsd)
{
    /// <summary><see cref="Start"/> as an RFC 3339 UTC time.</summary>
    public string StartsAt => HourText.Of(Start);

    /// <summary><see cref="End"/> as an RFC 3339 UTC time.</summary>
    public string EndsAt => HourText.Of(End);
}

/// <summary>One day of the index: volume-weighted price per GPU-hour, volume, and OHLC.</summary>
public sealed record IndexDayView(string Day, string Vwap, long GpuHours, int Trades, string Open, string High, string Low, string Close)
{
    /// <summary>Aggregates trades (oldest first) into UTC days; days without trades are left out.</summary>
    public static List<IndexDayView> Daily(IReadOnlyList<TradeRecord> trades) =>
        trades.GroupBy(t => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(t.ExecutedMs).UtcDateTime))
            .OrderBy(g => g.Key)
            .Select(day =>
            {
                var gpuHours = day.Sum(t => t.GpuHours);
                var notionalTicks = day.Aggregate(0m, (sum, t) => sum + (decimal)t.GpuHours * t.PriceTicks);
                var vwapTicks = decimal.Round(notionalTicks / gpuHours, 0, MidpointRounding.ToEven);
                var ordered = day.OrderBy(t => t.TradeNo).ToList();
                return new IndexDayView(Text(day.Key), Price.FromTicks((long)vwapTicks).ToString(), gpuHours, ordered.Count,
                    Prices.Format(ordered[0].PriceTicks), Prices.Format(ordered.Max(t => t.PriceTicks)),
                    Prices.Format(ordered.Min(t => t.PriceTicks)), Prices.Format(ordered[^1].PriceTicks));
            })
            .ToList();

    /// <summary>A day as <c>yyyy-MM-dd</c>.</summary>
    public static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>The daily index of a SKU over a range of days.</summary>
public sealed record IndexView(string Sku, string From, string To, IReadOnlyList<IndexDayView> Days);

/// <summary>Capacity, sold, offered and free GPUs of a pool, constant over <c>[start, end)</c>.</summary>
public sealed record UsageView(long Start, long End, int Capacity, int Sold, int Offered, int Free)
{
    public static UsageView Of(UsageStep u) => new(u.Start, u.End, u.Capacity, u.Sold, u.Offered, Math.Max(0, u.Capacity - u.Sold - u.Offered));

    /// <summary><see cref="Start"/> as an RFC 3339 UTC time.</summary>
    public string StartsAt => HourText.Of(Start);

    /// <summary><see cref="End"/> as an RFC 3339 UTC time.</summary>
    public string EndsAt => HourText.Of(End);
}
