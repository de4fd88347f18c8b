using Neocloud.Domain.Time;
using Neocloud.Exchange.Orders;
using Neocloud.Exchange.Shard;
using Neocloud.Storage;

namespace Neocloud.Exchange.MarketData;

/// <summary>
/// Public market data, aggregated and anonymous — the book by price level, a quote for a would-be bid, pool usage,
/// the daily index — read from the shard (after the commands queued before are committed) and the read model.
/// </summary>
public sealed partial class MarketQueries(IMarket shard, ExchangeStore store)
{
    /// <summary>The longest range of days one index request may cover.</summary>
    public const int MaxIndexDays = 3660;

    /// <summary>Raised after a batch that changed the market is committed (for live views; keep handlers short).</summary>
    public event Action? Changed
    {
        add => shard.Changed += value;
        remove => shard.Changed -= value;
    }

    /// <summary>Resting asks and bids of a SKU (in a region, or all) by price level.</summary>
    public async Task<BookView> BookAsync(string sku, string? region)
    {
        var book = await shard.BookAsync(sku, region);
        return new BookView(sku, region, book.Asks.Select(LevelView.Of).ToList(), book.Bids.Select(LevelView.Of).ToList());
    }

    /// <summary>The price a bid of <paramref name="gpus"/> over <paramref name="window"/> would trade at now.</summary>
    public async Task<QuoteView> QuoteAsync(string sku, string? region, int gpus, HourWindow window, string buyer)
    {
        var ticks = await shard.QuoteAsync(sku, region, gpus, window.Start.Value, window.End.Value, buyer);
        var price = ticks is { } t ? Domain.Money.Price.FromTicks(t) : (Domain.Money.Price?)null;
        return new QuoteView(sku, region, gpus, window.Start.Value, window.End.Value, price?.ToString(), price is { } p ? (decimal)gpus * window.Length * p.Dollars : null);
    }

    /// <summary>A pool's capacity, sold, offered and free GPUs as steps over the window.</summary>
    public async Task<IReadOnlyList<UsageView>> UsageAsync(string poolId, HourWindow window) =>
        (await shard.UsageAsync(poolId, window.Start.Value, window.End.Value)).Select(UsageView.Of).ToList();

    /// <summary>The latest trades of a SKU, newest first, without parties.</summary>
    public async Task<List<PublicTradeView>> RecentTradesAsync(string sku, int limit, CancellationToken ct = default) =>
        (await store.RecentTradesAsync(sku, limit, ct)).Select(PublicTradeView.Of).ToList();

    /// <summary>GPUs of a SKU under contract in <paramref name="hour"/>.</summary>
    public Task<long> OpenInterestAsync(string sku, Hour hour, CancellationToken ct = default) => store.OpenInterestAsync(sku, hour.Value, ct);

    /// <summary>The daily index of a SKU from <paramref name="first"/> to <paramref name="last"/> (UTC days, both included).</summary>
    public async Task<IndexView> IndexAsync(string sku, DateOnly first, DateOnly last, CancellationToken ct)
    {
        var days = await DailyAsync(sku, new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
            new DateTimeOffset(last.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), ct);
        return new IndexView(sku, IndexDayView.Text(first), IndexDayView.Text(last), days);
    }

    /// <summary>The index days of the trades executed in <c>[from, to)</c>.</summary>
    public async Task<List<IndexDayView>> DailyAsync(string sku, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default) =>
        IndexDayView.Daily(await store.TradesBetweenAsync(sku, from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds(), ct));
}
