using System.Globalization;
using Neocloud.Domain.Catalog;
using Neocloud.Domain.Money;
using Neocloud.Domain.Time;
using Neocloud.Economics.Escalation;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Storage;

namespace Neocloud.Exchange.Indices;

/// <summary>One month of the exchange's own index of a SKU: the volume-weighted price of the trades executed in it.</summary>
/// <param name="Month">The calendar month (UTC) the trades were executed in.</param>
/// <param name="Vwap">Σ GPU-hours × price / Σ GPU-hours, rounded half-even to whole ticks ($0.0001).</param>
/// <param name="GpuHours">The GPU-hours traded (GPUs × window hours).</param>
/// <param name="Trades">How many trades.</param>
public sealed record ExchangeIndexMonth(CalendarMonth Month, decimal Vwap, long GpuHours, int Trades);

/// <summary>
/// The price indices escalators read (DESIGN.md "The contract book"): series an administrator uploads by name, and
/// this exchange's monthly VWAP of a SKU (<c>exchange:{sku}</c>), computed from the stored trades the daily index
/// (<c>GET /api/v1/market/{sku}/index</c>) reads.
/// </summary>
public sealed class IndexBook(ExchangeStore store, IMarket exchange, TimeProvider clock)
{
    /// <summary>The most values one upload may carry: a hundred years of months.</summary>
    public const int MaxValuesPerUpload = 1200;

    /// <summary>The longest index name.</summary>
    public const int MaxNameLength = 64;

    /// <summary>The prefix of the names the exchange computes itself; an upload may not use it.</summary>
    public const string ExchangePrefix = "exchange:";

    /// <summary>The monthly values <paramref name="index"/> reads: none for a fixed rate, the stored series, or the exchange's monthly VWAP.</summary>
    public Task<IReadOnlyDictionary<CalendarMonth, decimal>> ValuesAsync(PriceIndex index, CancellationToken ct) => ValuesAsync(store, index, ct);

    /// <summary>The monthly values <paramref name="index"/> reads from <paramref name="store"/> (what a contract's escalator is priced with).</summary>
    public static async Task<IReadOnlyDictionary<CalendarMonth, decimal>> ValuesAsync(ExchangeStore store, PriceIndex index, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(index);
        return index.Kind switch
        {
            IndexKind.Series when index.Series is { } name => (await store.IndexValuesAsync(name, ct)).ToDictionary(v => v.Month, v => v.Value),
            IndexKind.Exchange when index.Sku is { } sku => Monthly(await store.TradesBetweenAsync(sku, 0, long.MaxValue, ct)).ToDictionary(m => m.Month, m => m.Vwap),
            _ => new Dictionary<CalendarMonth, decimal>(),
        };
    }

    /// <summary>A stored series, oldest month first; empty when there is none by that name.</summary>
    public Task<IReadOnlyList<IndexValue>> SeriesAsync(string name, CancellationToken ct) => store.IndexValuesAsync(name, ct);

    /// <summary>Every stored series with its month range, by name.</summary>
    public Task<IReadOnlyList<IndexSummary>> ListAsync(CancellationToken ct) => store.IndicesAsync(ct);

    /// <summary>
    /// Writes (or overwrites) months of a series, a journaled fact of <paramref name="actor"/>'s; the caller has checked
    /// the name and values. A series names no SKU: in a cluster it is journaled by the first market group's shard.
    /// </summary>
    public async Task<Outcome<bool>> SetAsync(string actor, string name, IReadOnlyList<IndexValue> values)
    {
        var rows = values.Select(v => new IndexValueRow(v.Month.ToString(), v.Value.ToString(CultureInfo.InvariantCulture))).ToList();
        var fact = new IndexValuesSet(name, rows, clock.GetUtcNow().ToUnixTimeMilliseconds());
        return (await exchange.SubmitAsync(new TransactionRequest(actor, [], fact, MarketGroups.Named[0].Skus[0]))).Map(_ => true);
    }

    /// <summary>The exchange's monthly VWAP of <paramref name="sku"/> over all regions, oldest month first; months without trades are left out.</summary>
    public async Task<IReadOnlyList<ExchangeIndexMonth>> ExchangeMonthsAsync(string sku, CancellationToken ct) =>
        Monthly(await store.TradesBetweenAsync(sku, 0, long.MaxValue, ct));

    /// <summary>Aggregates trades into the calendar months (UTC) they were executed in.</summary>
    public static List<ExchangeIndexMonth> Monthly(IReadOnlyList<TradeRecord> trades) =>
        trades.GroupBy(t => CalendarMonth.Of(DateTimeOffset.FromUnixTimeMilliseconds(t.ExecutedMs)))
            .OrderBy(g => g.Key)
            .Select(month =>
            {
                var gpuHours = month.Sum(t => t.GpuHours);
                var notionalTicks = month.Aggregate(0m, (sum, t) => sum + (decimal)t.GpuHours * t.PriceTicks);
                var vwapTicks = decimal.Round(notionalTicks / gpuHours, 0, MidpointRounding.ToEven);
                return new ExchangeIndexMonth(month.Key, Price.FromTicks((long)vwapTicks).Dollars, gpuHours, month.Count());
            })
            .ToList();

    /// <summary>Null when <paramref name="name"/> may name an uploaded series (1–64 of <c>[a-z0-9._-]</c>, not <c>exchange:</c>…); else why not.</summary>
    public static string? NameProblem(string name)
    {
        if (name.StartsWith(ExchangePrefix, StringComparison.Ordinal)) return $"names starting \"{ExchangePrefix}\" are reserved for the exchange's own indices";
        if (name.Length is 0 or > MaxNameLength) return $"must be 1 to {MaxNameLength} characters, got {name.Length}";
        foreach (var c in name)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-'))
                return $"must use only a-z, 0-9, '.', '_' and '-', got \"{name}\"";
        }
        return null;
    }
}
