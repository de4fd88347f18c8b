using System.Security.Claims;
using Neocloud.Domain.Input;
using Neocloud.Domain.Paging;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Webhooks;
using Neocloud.Server.Auth;
using Neocloud.Server.Http;

namespace Neocloud.Server.Webhooks;

/// <summary>
/// <c>/api/v1/webhooks</c>: the caller's organization's webhooks. Each receives the organization's events (all, or the
/// types it names) as signed POSTs in sequence order, at least once; its secret is shown when it is made and never
/// again. An organization sees and changes only its own hooks (others' ids are not found).
/// </summary>
public static class WebhooksApi
{
    /// <summary>The body of POST /webhooks: an https URL, the event types wanted (none: all), and a description.</summary>
    public sealed record WebhookBody(string Url, IReadOnlyList<string>? Types = null, string? Description = null);

    public static RouteGroupBuilder MapWebhooksApi(this RouteGroupBuilder api)
    {
        var hooks = api.MapGroup("/webhooks").WithTags("Webhooks").RequireAuthorization(Permissions.Webhooks.Name);
        hooks.MapPost("", CreateWebhookAsync).Accepts<WebhookBody>("application/json").Produces<NewWebhookView>(StatusCodes.Status201Created)
            .WithSummary("Add a webhook: the events committed from now on are POSTed to its URL, signed with the secret this answer shows once");
        hooks.MapGet("", ListWebhooksAsync).Produces<Page<WebhookView>>()
            .WithSummary("Your webhooks (without their secrets), with status and the last sequence delivered");
        hooks.MapDelete("/{id}", DeleteWebhookAsync).Produces(StatusCodes.Status204NoContent)
            .WithSummary("Remove a webhook: nothing more is delivered to it");
        hooks.MapPost("/{id}/test", TestWebhookAsync).Produces<WebhookTestView>()
            .WithSummary("Send the webhook one signed webhook.test ping now (seq 0, not one of your events) and answer with what came of it; 429 while the organization's earlier pings are still in flight");
        hooks.MapGet("/{id}/deliveries", ListWebhookDeliveriesAsync).Produces<Page<WebhookDeliveryView>>()
            .WithSummary("A webhook's newest delivery attempts, newest first: event, attempt, status code or error, latency");
        hooks.MapPost("/{id}/redeliver", RedeliverWebhookAsync).Produces<WebhookView>()
            .WithSummary("Deliver a webhook's events again from sequence number from on (it is enabled again if it was disabled)");
        return api;
    }

    private static async Task<IResult> CreateWebhookAsync(PostBody body, ClaimsPrincipal user, WebhookDesk desk, CancellationToken ct)
    {
        if (WebhookRequests.Terms(body.Fields) is not { } terms) return Answers.Result(Failure.Invalid(body.Fields.Errors));
        return Answers.Result(await desk.CreateAsync(user.OrganizationId(), terms, ct), StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListWebhooksAsync(ClaimsPrincipal user, WebhookDesk desk, CancellationToken ct) =>
        ApiResponse.Of(StatusCodes.Status200OK, await desk.WebhooksAsync(user.OrganizationId(), ct)).ToResult();

    private static async Task<IResult> DeleteWebhookAsync(string id, ClaimsPrincipal user, WebhookDesk desk, CancellationToken ct)
    {
        var removed = await desk.RemoveAsync(user.OrganizationId(), id, ct);
        return removed.IsAccepted ? TypedResults.NoContent() : Answers.Result(removed);
    }

    private static async Task<IResult> TestWebhookAsync(string id, HttpContext context, ClaimsPrincipal user, IWebhookTester tester, CancellationToken ct)
    {
        var tested = await tester.TestAsync(user.OrganizationId(), id, ct);
        if (tested.Failure is { Kind: FailureKind.TooMany }) context.Response.Headers.RetryAfter = "1";
        return Answers.Result(tested);
    }

    private static async Task<IResult> ListWebhookDeliveriesAsync(string id, ClaimsPrincipal user, WebhookDesk desk, WholeQuery? limit, CancellationToken ct)
    {
        if (Paging.Limit(limit, WebhookDesk.MaxDeliveries, out var problem) is not { } take) return problem!.ToResult();
        return Answers.Result(await desk.DeliveriesAsync(user.OrganizationId(), id, take, ct));
    }

    private static async Task<IResult> RedeliverWebhookAsync(string id, ClaimsPrincipal user, WebhookDesk desk, WholeQuery? from, CancellationToken ct)
    {
        if (from is null) return Answers.Result(Failure.Invalid("from", "is required: the sequence number to deliver again from"));
        var errors = new FieldErrors();
        if (from.Value.Read("from", errors) is not { } seq) return Answers.Result(Failure.Invalid(errors));
        return Answers.Result(await desk.RedeliverAsync(user.OrganizationId(), id, seq, ct));
    }
}
