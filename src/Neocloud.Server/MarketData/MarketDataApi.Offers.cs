using System.ComponentModel;
using System.Security.Claims;
using Neocloud.Domain.Input;
using Neocloud.Domain.Money;
using Neocloud.Exchange.MarketData;
using Neocloud.Exchange.Orders;
using Neocloud.Exchange.Outcomes;
using Neocloud.Server.Auth;
using Neocloud.Server.Http;

namespace Neocloud.Server.MarketData;

/// <summary><c>GET /api/v1/market/{sku}/offers</c>: capacity search.</summary>
public static partial class MarketDataApi
{
    /// <summary>
    /// The resting asks a bid of <paramref name="gpus"/> over <c>[from, to)</c> (hours, or RFC 3339 times on a whole hour)
    /// from the caller could take now, cheapest first, then earliest placed; each with its pool, site, region, provider,
    /// price and the fewest GPUs it has free in any hour of the window. The caller's own asks are never offered to it.
    /// </summary>
    private static async Task<IResult> SearchOffersAsync(string sku,
        [Description("Required: GPUs wanted in every hour of the window, 1 to 1,000,000.")] WholeQuery? gpus,
        [Description("Required: the window's first hour, as an hour (unix seconds / 3600) or a UTC time on a whole hour (2027-01-01T00:00:00Z).")] HourQuery? from,
        [Description("Required: the hour after the window's last, written as from.")] HourQuery? to,
        [Description("Only asks on pools in this region (e.g. us-tx).")] string? region,
        [Description("Only asks at or below this price per GPU-hour (e.g. 3.1000).")] string? maxPrice,
        [Description("Only asks on this provider's pools (e.g. iren).")] string? provider,
        [Description("Only asks on pools at this site (e.g. iren-childress).")] string? site,
        [Description("Offers per page, 1 to 1000 (default 100).")] WholeQuery? limit,
        [Description("The next of an earlier page: go on after its last offer.")] string? after,
        ClaimsPrincipal user, MarketQueries market, CancellationToken ct)
    {
        if (Sku(sku) is not { } id) return UnknownSku(sku);
        var errors = new FieldErrors();
        var wanted = WholeQuery.Read(gpus, "gpus", 0, errors);
        if (errors.For("gpus") is null && wanted is < 1 or > OrderIds.MaxGpus) errors.Add("gpus", $"must be between 1 and {OrderIds.MaxGpus}");
        var window = HourQuery.Window(from, to, "from", "to", errors);
        Price? max = null;
        if (maxPrice is not null)
        {
            if (Price.TryParse(maxPrice, out var parsed, out var priceError)) max = parsed;
            else errors.Add("maxPrice", priceError!);
        }
        OfferCursor? cursor = null;
        if (after is not null)
        {
            if (OfferCursor.TryParse(after, out var parsed)) cursor = parsed;
            else errors.Add("after", "must be the next of an earlier page");
        }
        var take = WholeQuery.Read(limit, "limit", Paging.DefaultLimit, errors);
        if (errors.For("limit") is null && take is < 1 or > Paging.MaxLimit) errors.Add("limit", $"must be between 1 and {Paging.MaxLimit}, got {take}");
        if (!errors.IsEmpty) return Answers.Result(Failure.Invalid(errors));

        var search = new OfferSearch(id, (int)wanted, window!.Value, Blank(region), max, Blank(provider), Blank(site));
        var page = await market.OffersAsync(search, user.OrganizationId(), cursor, (int)take, ct);
        return ApiResponse.Of(200, page).ToResult();
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
