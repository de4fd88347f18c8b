using System.Globalization;
using Neocloud.Domain.Catalog;
using Neocloud.Domain.Money;
using Neocloud.Server.Auth;
using Neocloud.Server.Exchange;
using Neocloud.Server.Http;
using Neocloud.Server.Orders;
using Neocloud.Storage;

namespace Neocloud.Server.MarketData;

/// <summary>
/// <c>/api/v1/market/{sku}</c>: public market data for every authenticated caller, aggregated and anonymous —
/// the book by price level, recent trades, a quote for a would-be bid, and the daily price index.
/// </summary>
public static class MarketDataApi
{
    /// <summary>The longest range of days one index request may cover.</summary>
    public const int MaxIndexDays = 3660;

    /// <summary>One price level: orders, GPU-hours, the largest order's GPUs, and the hours they cover.</summary>
    public sealed record LevelView(string Price, int Orders, long GpuHours, int MaxGpus, long FirstHour, long LastHour);

    /// <summary>The book of one SKU: asks cheapest first, bids highest first.</summary>
    public sealed record BookView(string Sku, string? Region, IReadOnlyList<LevelView> Asks, IReadOnlyList<LevelView> Bids);

    /// <summary>The best price a bid would trade at now, or null.</summary>
    public sealed record QuoteView(string Sku, string? Region, long Gpus, long Start, long End, string? Price, decimal? NotionalUsd);

    /// <summary>One day of the index: volume-weighted price per GPU-hour, volume, and OHLC.</summary>
    public sealed record IndexDayView(string Day, string Vwap, long GpuHours, int Trades, string Open, string High, string Low, string Close);

    public static RouteGroupBuilder MapMarketDataApi(this RouteGroupBuilder api)
    {
        var market = api.MapGroup("/market/{sku}").RequireAuthorization(Scopes.MarketRead).WithTags("Market data");

        market.MapGet("/book", async (string sku, string? region, ExchangeService exchange) =>
        {
            if (Sku(sku) is not { } id) return UnknownSku(sku).ToResult();
            var (asks, bids) = await exchange.QueryAsync(engine => (engine.Book(id, region), engine.Bids(id, region)));
            return ApiResponse.Of(200, new BookView(id, region, asks.Select(View).ToList(), bids.Select(View).ToList())).ToResult();
        }).WithSummary("The order book: resting asks and bids by price level");

        market.MapGet("/trades", async (string sku, int? limit, ExchangeStore store, CancellationToken ct) =>
        {
            if (Sku(sku) is not { } id) return UnknownSku(sku).ToResult();
            if (Paging.Limit(limit, out var problem) is not { } take) return problem!.ToResult();
            var trades = await store.RecentTradesAsync(id, take, ct);
            return ApiResponse.Of(200, new Page<PublicTradeView>(trades.Select(PublicTradeView.Of).ToList(), null)).ToResult();
        }).WithSummary("Recent trades, newest first, without parties");

        market.MapGet("/quote", async (string sku, long? gpus, long? start, long? end, string? region, HttpContext context, ExchangeService exchange) =>
        {
            if (Sku(sku) is not { } id) return UnknownSku(sku).ToResult();
            var errors = new Dictionary<string, string[]>();
            if (gpus is null or < 1 or > OrderRequests.MaxGpus) errors["gpus"] = [$"must be between 1 and {OrderRequests.MaxGpus}"];
            if (start is null or < 0) errors["start"] = ["must be an hour >= 0"];
            if (end is null || end <= start) errors["end"] = ["must be an hour after start"];
            else if (end - start > Domain.Time.Hour.MaxWindowHours) errors["end"] = [$"the window may span at most {Domain.Time.Hour.MaxWindowHours} hours"];
            if (errors.Count > 0) return ApiResponse.Invalid(errors).ToResult();
            var window = Domain.Time.HourWindow.Of(start!.Value, end!.Value);
            var caller = context.User.OrganizationId();
            var price = await exchange.QueryAsync(engine => engine.Quote(id, region, (int)gpus!.Value, window, caller));
            return ApiResponse.Of(200, new QuoteView(id, region, gpus!.Value, start.Value, end.Value, price?.ToString(),
                price is { } p ? gpus.Value * window.Length * p.Dollars : null)).ToResult();
        }).WithSummary("The best price a bid of N GPUs over this window would trade at now");

        market.MapGet("/index", async (string sku, string? from, string? to, ExchangeStore store, TimeProvider clock, CancellationToken ct) =>
        {
            if (Sku(sku) is not { } id) return UnknownSku(sku).ToResult();
            var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            var errors = new Dictionary<string, string[]>();
            var first = ParseDay(from, today.AddDays(-29), "from", errors);
            var last = ParseDay(to, today, "to", errors);
            if (errors.Count == 0 && (last < first || last.DayNumber - first.DayNumber >= MaxIndexDays))
                errors["to"] = [$"must be on or after from, and at most {MaxIndexDays} days later"];
            if (errors.Count > 0) return ApiResponse.Invalid(errors).ToResult();
            var fromMs = new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
            var toMs = new DateTimeOffset(last.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
            var trades = await store.TradesBetweenAsync(id, fromMs, toMs, ct);
            return ApiResponse.Of(200, new { sku = id, from = Day(first), to = Day(last), days = DailyIndex(trades) }).ToResult();
        }).WithSummary("Daily price index: volume-weighted price per GPU-hour, GPU-hours traded, OHLC");

        return api;
    }

    private static LevelView View(BookLevel l) => new(l.Price.ToString(), l.Orders, l.GpuHours, l.MaxGpus, l.FirstHour.Value, l.LastHour.Value);

    /// <summary>Aggregates trades (oldest first) into UTC days; days without trades are left out.</summary>
    public static List<IndexDayView> DailyIndex(IReadOnlyList<TradeRecord> trades) =>
        trades.GroupBy(t => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(t.ExecutedMs).UtcDateTime))
            .OrderBy(g => g.Key)
            .Select(day =>
            {
                var gpuHours = day.Sum(t => t.GpuHours);
                var notionalTicks = day.Aggregate(0m, (sum, t) => sum + (decimal)t.GpuHours * t.PriceTicks);
                var vwapTicks = decimal.Round(notionalTicks / gpuHours, 0, MidpointRounding.ToEven);
                var ordered = day.OrderBy(t => t.TradeNo).ToList();
                return new IndexDayView(Day(day.Key), Price.FromTicks((long)vwapTicks).ToString(), gpuHours, ordered.Count,
                    Prices.Format(ordered[0].PriceTicks), Prices.Format(ordered.Max(t => t.PriceTicks)),
                    Prices.Format(ordered.Min(t => t.PriceTicks)), Prices.Format(ordered[^1].PriceTicks));
            })
            .ToList();

    private static string? Sku(string sku) => ReferenceCatalog.Embedded.FindSku(sku)?.Id;

    private static ApiResponse UnknownSku(string sku) => ApiResponse.Problem(404, "Not found", $"no SKU '{sku}'");

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly ParseDay(string? text, DateOnly fallback, string field, Dictionary<string, string[]> errors)
    {
        if (text is null) return fallback;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return day;
        errors[field] = [$"must be a date like 2026-11-24, got \"{text}\""];
        return fallback;
    }
}
