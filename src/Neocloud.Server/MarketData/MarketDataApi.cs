using System.Globalization;
using System.Security.Claims;
using Neocloud.Domain.Catalog;
using Neocloud.Domain.Input;
using Neocloud.Domain.Paging;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.MarketData;
using Neocloud.Exchange.Orders;
using Neocloud.Exchange.Outcomes;
using Neocloud.Server.Auth;
using Neocloud.Server.Http;

namespace Neocloud.Server.MarketData;

/// <summary>
/// <c>/api/v1/market/{sku}</c>: public market data for every authenticated caller, aggregated and anonymous —
/// the book by price level, recent trades, a quote for a would-be bid, the daily price index, and the forward curve.
/// </summary>
public static partial class MarketDataApi
{
    /// <summary>The longest range of days one index request may cover.</summary>
    public const int MaxIndexDays = 3660;

    public static RouteGroupBuilder MapMarketDataApi(this RouteGroupBuilder api)
    {
        var market = api.MapGroup("/market/{sku}").RequireAuthorization(Permissions.Read.Name).WithTags("Market data");
        market.MapGet("/book", GetBookAsync).Produces<BookView>().WithSummary("The order book: resting asks and bids by price level");
        market.MapGet("/trades", ListMarketTradesAsync).Produces<Page<PublicTradeView>>().WithSummary("Recent trades, newest first, without parties");
        market.MapGet("/quote", GetQuoteAsync).Produces<QuoteView>().WithSummary("The best price a bid of N GPUs over this window would trade at now");
        market.MapGet("/offers", SearchOffersAsync).WithName("SearchOffers")
            .WithSummary("Capacity search: the resting asks a bid of N GPUs over this window could take now, cheapest first").Produces<Page<SpotOfferView>>();
        market.MapGet("/index", GetIndexAsync).Produces<IndexView>().WithSummary("Daily price index: volume-weighted price per GPU-hour, GPU-hours traded, OHLC");
        market.MapGet("/curve", GetCurveAsync)
            .WithSummary("Forward curve: a price per GPU-hour for each of the 36 months from this one, from recent trades, the book, or interpolation")
            .Produces<ForwardCurveView>();
        return api;
    }

    private static async Task<IResult> GetBookAsync(string sku, string? region, MarketQueries market) =>
        Sku(sku) is { } id ? ApiResponse.Of(200, await market.BookAsync(id, region)).ToResult() : UnknownSku(sku);

    private static async Task<IResult> ListMarketTradesAsync(string sku, WholeQuery? limit, MarketQueries market, CancellationToken ct)
    {
        if (Sku(sku) is not { } id) return UnknownSku(sku);
        if (Paging.Limit(limit, out var problem) is not { } take) return problem!.ToResult();
        return ApiResponse.Of(200, new Page<PublicTradeView>(await market.RecentTradesAsync(id, take, ct), null)).ToResult();
    }

    private static async Task<IResult> GetQuoteAsync(string sku, WholeQuery? gpus, HourQuery? start, HourQuery? end, string? region, ClaimsPrincipal user,
        MarketQueries market)
    {
        if (Sku(sku) is not { } id) return UnknownSku(sku);
        var errors = new FieldErrors();
        var wanted = WholeQuery.Read(gpus, "gpus", 0, errors);
        if (errors.For("gpus") is null && wanted is < 1 or > OrderIds.MaxGpus) errors.Add("gpus", $"must be between 1 and {OrderIds.MaxGpus}");
        var window = HourQuery.Window(start, end, "start", "end", errors);
        if (!errors.IsEmpty) return Answers.Result(Failure.Invalid(errors));
        var quote = await market.QuoteAsync(id, region, (int)wanted, window!.Value, user.OrganizationId());
        return ApiResponse.Of(200, quote).ToResult();
    }

    private static async Task<IResult> GetIndexAsync(string sku, string? from, string? to, MarketQueries market, TimeProvider clock, CancellationToken ct)
    {
        if (Sku(sku) is not { } id) return UnknownSku(sku);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var errors = new FieldErrors();
        var first = ParseDay(from, today.AddDays(-29), "from", errors);
        var last = ParseDay(to, today, "to", errors);
        if (errors.IsEmpty && (last < first || last.DayNumber - first.DayNumber >= MarketQueries.MaxIndexDays))
            errors.Add("to", $"must be on or after from, and at most {MarketQueries.MaxIndexDays} days later");
        if (!errors.IsEmpty) return Answers.Result(Failure.Invalid(errors));
        return ApiResponse.Of(200, await market.IndexAsync(id, first, last, ct)).ToResult();
    }

    private static async Task<IResult> GetCurveAsync(string sku, MarketQueries market, TimeProvider clock, CancellationToken ct) =>
        Sku(sku) is { } id ? ApiResponse.Of(200, await market.CurveAsync(id, clock.GetUtcNow(), ct)).ToResult() : UnknownSku(sku);

    private static string? Sku(string sku) => ReferenceCatalog.Embedded.FindSku(sku)?.Id;

    private static IResult UnknownSku(string sku) => Answers.Result(Failure.NotFound($"no SKU '{sku}'"));

    private static DateOnly ParseDay(string? text, DateOnly fallback, string field, FieldErrors errors)
    {
        if (text is null) return fallback;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return day;
        errors.Add(field, $"must be a date like 2026-11-24, got \"{text}\"");
        return fallback;
    }
}
