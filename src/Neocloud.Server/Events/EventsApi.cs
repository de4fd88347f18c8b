using System.Security.Claims;
using Neocloud.Domain.Input;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Events;
using Neocloud.Exchange.Outcomes;
using Neocloud.Server.Auth;
using Neocloud.Server.Http;

namespace Neocloud.Server.Events;

/// <summary>
/// <c>/api/v1/events</c>: the caller's organization's events by sequence number — a page at a time (waiting up to 30 s
/// for the next ones when there are none yet), or as Server-Sent Events for as long as the caller listens, resuming
/// after <c>Last-Event-ID</c>.
/// </summary>
public static class EventsApi
{
    public static RouteGroupBuilder MapEventsApi(this RouteGroupBuilder api)
    {
        var events = api.MapGroup("/events").WithTags("Events").RequireAuthorization(Permissions.Read.Name);
        events.MapGet("", ListEventsAsync).Produces<EventPage>()
            .WithSummary("Your organization's events after a sequence number, oldest first; with wait, a long-poll that answers as soon as one is committed");
        events.MapGet("/stream", StreamEvents).Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .WithSummary("Your organization's events as Server-Sent Events (id = seq, event = type, data = the envelope); reconnect with Last-Event-ID to resume without gaps or repeats");
        events.MapGet("/types", () => ApiResponse.Of(200, EventTypes.All).ToResult()).Produces<IReadOnlyList<string>>()
            .WithName("ListEventTypes").WithSummary("Every event type there is");
        return api;
    }

    private static async Task<IResult> ListEventsAsync(ClaimsPrincipal user, EventFeed feed, TokenDirectory tokens, WholeQuery? after, string? types,
        WholeQuery? limit, WholeQuery? wait, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var from = WholeQuery.Read(after, "after", 0, errors);
        var take = WholeQuery.Read(limit, "limit", Paging.DefaultLimit, errors);
        var seconds = WholeQuery.Read(wait, "wait", 0, errors);
        if (!errors.IsEmpty) return Answers.Result(Failure.Invalid(errors));
        // A long-poll waits only while its token works: revoked or expired meanwhile, it is answered 401 at once.
        using var hold = seconds > 0 ? user.HoldToken(tokens, ct) : null;
        try
        {
            // Out-of-range numbers are the feed's to refuse (naming the field), so clamp only what could not fit.
            var page = await feed.ReadAsync(user.OrganizationId(), from, Types(types), (int)Math.Clamp(take, -1, EventFeed.MaxLimit + 1),
                TimeSpan.FromSeconds(Math.Clamp(seconds, -1, (long)EventFeed.MaxWait.TotalSeconds + 1)), hold?.Ending ?? ct);
            return Answers.Result(page);
        }
        catch (OperationCanceledException) when (hold?.Refusal is { } refusal)
        {
            return Unauthorized(refusal);
        }
    }

    /// <summary>The answer to a request whose token stopped working while it waited: 401, as its next request would get.</summary>
    private static IResult Unauthorized(string refusal) => new UnauthorizedResult(refusal);

    private sealed class UnauthorizedResult(string refusal) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return ApiResponse.Problem(StatusCodes.Status401Unauthorized, "Unauthorized", refusal).ToResult().ExecuteAsync(httpContext);
        }
    }

    private static IResult StreamEvents(HttpContext context, ClaimsPrincipal user, EventFeed feed, TokenDirectory tokens, WholeQuery? after, string? types)
    {
        var errors = new FieldErrors();
        var resume = context.Request.Headers["Last-Event-ID"].ToString();
        // A reconnecting client's Last-Event-ID stands for after; a problem with it is named as it was sent.
        var (resumeFrom, from) = resume.Length > 0
            ? ("Last-Event-ID", WholeQuery.Read(new WholeQuery(resume), "Last-Event-ID", 0, errors))
            : ("after", WholeQuery.Read(after, "after", 0, errors));
        var filter = Types(types);
        foreach (var (field, messages) in EventFeed.Check(from, filter, 1, 0)) errors.Add(field == "after" ? resumeFrom : field, messages[0]);
        if (!errors.IsEmpty) return Answers.Result(Failure.Invalid(errors));
        return new EventStream(feed, tokens, user, from, filter);
    }

    /// <summary>A comma-separated list of types, each once, or null for all.</summary>
    private static List<string>? Types(string? types) =>
        string.IsNullOrWhiteSpace(types) ? null : types.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
}
