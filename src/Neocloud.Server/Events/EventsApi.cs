using System.Globalization;
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
        var events = api.MapGroup("/events").WithTags("Events").RequireAuthorization(Scopes.MarketRead);
        events.MapGet("", ListEventsAsync).Produces<EventPage>()
            .WithSummary("Your organization's events after a sequence number, oldest first; with wait, a long-poll that answers as soon as one is committed");
        events.MapGet("/stream", StreamEvents).Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .WithSummary("Your organization's events as Server-Sent Events (id = seq, event = type, data = the envelope); reconnect with Last-Event-ID to resume without gaps or repeats");
        events.MapGet("/types", () => ApiResponse.Of(200, EventTypes.All).ToResult()).Produces<IReadOnlyList<string>>()
            .WithName("ListEventTypes").WithSummary("Every event type there is");
        return api;
    }

    private static async Task<IResult> ListEventsAsync(ClaimsPrincipal user, EventFeed feed, string? after, string? types, string? limit, string? wait,
        CancellationToken ct)
    {
        var errors = new FieldErrors();
        var from = Number(after, "after", 0, errors);
        var take = Number(limit, "limit", 100, errors);
        var seconds = wait is null ? 0 : double.TryParse(wait, NumberStyles.Float, CultureInfo.InvariantCulture, out var w) ? w : Invalid(errors, "wait", wait);
        if (!errors.IsEmpty) return Answers.Result(Failure.Invalid(errors));
        var page = await feed.ReadAsync(user.OrganizationId(), from, Types(types), (int)Math.Clamp(take, int.MinValue, int.MaxValue), TimeSpan.FromSeconds(seconds), ct);
        return Answers.Result(page);
    }

    private static IResult StreamEvents(HttpContext context, ClaimsPrincipal user, EventFeed feed, string? after, string? types)
    {
        var errors = new FieldErrors();
        var resume = context.Request.Headers["Last-Event-ID"].ToString();
        var from = resume.Length > 0 ? Number(resume, "Last-Event-ID", 0, errors) : Number(after, "after", 0, errors);
        var filter = Types(types);
        foreach (var (field, messages) in EventFeed.Check(from, filter, 1, 0)) errors.Add(field, messages[0]);
        if (!errors.IsEmpty) return Answers.Result(Failure.Invalid(errors));
        return new EventStream(feed, user.OrganizationId(), from, filter);
    }

    /// <summary>A comma-separated list of types, or null for all.</summary>
    private static List<string>? Types(string? types) =>
        string.IsNullOrWhiteSpace(types) ? null : types.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();

    private static long Number(string? text, string field, long missing, FieldErrors errors) =>
        text is null ? missing : long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : Invalid(errors, field, text);

    private static long Invalid(FieldErrors errors, string field, string text)
    {
        errors.Add(field, $"must be a whole number, got '{text}'");
        return 0;
    }
}
