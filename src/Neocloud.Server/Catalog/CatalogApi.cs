using Neocloud.Domain.Catalog;
using Neocloud.Domain.Paging;
using Neocloud.Exchange.Access;
using Neocloud.Server.Http;

namespace Neocloud.Server.Catalog;

/// <summary><c>/api/v1/catalog</c>: the reference data — SKUs, organizations, sites and public deals — with ETags.</summary>
public static class CatalogApi
{
    public static RouteGroupBuilder MapCatalogApi(this RouteGroupBuilder api)
    {
        var catalog = api.MapGroup("/catalog").RequireAuthorization(Permissions.Read.Name).WithTags("Catalog");
        var reference = ReferenceCatalog.Embedded;

        MapList(catalog, "/skus", "ListSkus", "List GPU SKUs and their specs", reference.Skus, s => s.Id);
        MapOne(catalog, "/skus/{id}", "GetSku", "Get a SKU", id => reference.FindSku(id), "SKU");
        MapList(catalog, "/providers", "ListProviders", "List providers", reference.Providers.ToList(), o => o.Id);
        MapList(catalog, "/buyers", "ListBuyers", "List buyers", reference.Buyers.ToList(), o => o.Id);
        MapList(catalog, "/sites", "ListSites", "List sites", reference.Sites, s => s.Id);
        MapOne(catalog, "/sites/{id}", "GetSite", "Get a site", reference.FindSite, "site");
        MapList(catalog, "/deals", "ListPublicDeals", "List public deals", reference.Deals, d => d.Id);
        return api;
    }

    private static void MapList<T>(RouteGroupBuilder group, string pattern, string name, string summary, IReadOnlyList<T> items, Func<T, string> key) =>
        group.MapGet(pattern, (HttpContext context, string? after, WholeQuery? limit) =>
        {
            if (Paging.Limit(limit, out var problem) is not { } take) return problem!.ToResult();
            return ETags.Respond(context, ApiResponse.Of(200, Paging.Of(items, key, after, take)));
        }).WithName(name).WithSummary(summary).Produces<Page<T>>();

    private static void MapOne<T>(RouteGroupBuilder group, string pattern, string name, string summary, Func<string, T?> find, string noun) where T : class =>
        group.MapGet(pattern, (HttpContext context, string id) =>
            find(id) is { } item
                ? ETags.Respond(context, ApiResponse.Of(200, item))
                : ApiResponse.Problem(404, "Not found", $"no {noun} '{id}'").ToResult()).WithName(name).WithSummary(summary).Produces<T>();
}
