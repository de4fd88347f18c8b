using System.Security.Claims;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Alerts;
using Neocloud.Exchange.Outcomes;
using Neocloud.Server.Auth;
using Neocloud.Server.Http;

namespace Neocloud.Server.Alerts;

/// <summary>
/// <c>/api/v1/alerts</c>: the caller's organization's price alerts. An alert fires an <c>alert.triggered</c> event (in the
/// feed, the stream and the webhooks) when its condition becomes true, once, and re-arms when it is false again. Any
/// token or person that may read the market may set them: an alert moves no money and no rights.
/// </summary>
public static class AlertsApi
{
    /// <summary>The body of POST /alerts: a SKU, a kind, a price, and a region (book and trade kinds) or a month (curve kinds).</summary>
    public sealed record AlertBody(string Sku, string Kind, string Price, string? Region = null, string? Month = null);

    public static RouteGroupBuilder MapAlertsApi(this RouteGroupBuilder api)
    {
        var alerts = api.MapGroup("/alerts").WithTags("Alerts").RequireAuthorization(Permissions.Read.Name);
        alerts.MapPost("", SetAlertAsync).Accepts<AlertBody>("application/json").Produces<AlertView>(StatusCodes.Status201Created).WithName("SetAlert")
            .WithSummary("Set a price alert: best_ask_below, best_bid_above, last_trade_below, last_trade_above (optionally in a region), curve_below or " +
                "curve_above (for a month); it fires alert.triggered when its condition becomes true (at once if it already is), and again only after it was false");
        alerts.MapGet("", ListAlertsAsync).Produces<AlertList>().WithName("ListAlerts").WithSummary("Your alerts, with their states and last triggers");
        alerts.MapGet("/{id}", GetAlertAsync).Produces<AlertView>().WithName("GetAlert").WithSummary("One of your alerts");
        alerts.MapDelete("/{id}", RemoveAlertAsync).Produces(StatusCodes.Status204NoContent).WithName("RemoveAlert").WithSummary("Remove an alert: it fires no more");
        return api;
    }

    private static async Task<IResult> SetAlertAsync(PostBody body, ClaimsPrincipal user, AlertDesk desk, CancellationToken ct)
    {
        if (AlertTerms.Read(body.Fields) is not { } terms) return Answers.Result(Failure.Invalid(body.Fields.Errors));
        return Answers.Result(await desk.SetAsync(user.OrganizationId(), terms, ct), StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListAlertsAsync(ClaimsPrincipal user, AlertDesk desk, CancellationToken ct) =>
        ApiResponse.Of(StatusCodes.Status200OK, await desk.ListAsync(user.OrganizationId(), ct)).ToResult();

    private static async Task<IResult> GetAlertAsync(string id, ClaimsPrincipal user, AlertDesk desk, CancellationToken ct) =>
        Answers.Result(await desk.GetAsync(user.OrganizationId(), id, ct));

    private static async Task<IResult> RemoveAlertAsync(string id, ClaimsPrincipal user, AlertDesk desk, CancellationToken ct)
    {
        var removed = await desk.RemoveAsync(user.OrganizationId(), id, ct);
        return removed.IsAccepted ? TypedResults.NoContent() : Answers.Result(removed);
    }
}
