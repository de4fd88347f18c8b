using Neocloud.Storage;

namespace Neocloud.Exchange.Webhooks;

/// <summary>
/// A webhook as its organization sees it (never its secret): where it posts, the types it wants (empty: all), its
/// status (<c>active</c>, or <c>disabled</c> with why and when), the last sequence delivered, and when it was made.
/// </summary>
public sealed record WebhookView(string Id, string Url, IReadOnlyList<string> Types, string Description, string Status, long LastDeliveredSeq,
    DateTimeOffset Created, string? DisabledReason, DateTimeOffset? Disabled)
{
    public static WebhookView Of(WebhookRecord r) => new(r.Id, r.Url, WebhookTerms.TypesOf(r.Types), r.Description, r.Status, r.CursorSeq,
        DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedMs), r.DisabledReason, r.DisabledMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null);
}

/// <summary>
/// A webhook just made, with its secret (shown in this answer only) and <c>LastDeliveredSeq</c>, the organization's
/// newest event when it was made: it receives the events after that one.
/// </summary>
public sealed record NewWebhookView(string Id, string Url, IReadOnlyList<string> Types, string Description, string Status, long LastDeliveredSeq,
    DateTimeOffset Created, string Secret)
{
    public static NewWebhookView Of(WebhookRecord r) =>
        new(r.Id, r.Url, WebhookTerms.TypesOf(r.Types), r.Description, r.Status, r.CursorSeq, DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedMs), r.Secret);
}

/// <summary>One delivery attempt: the event (seq, id, type), the attempt's number for that event, when, and what came back (a status code, or an error).</summary>
public sealed record WebhookDeliveryView(long Seq, string EventId, string Type, long Attempt, DateTimeOffset At, int? StatusCode, long LatencyMs, string? Error)
{
    public static WebhookDeliveryView Of(WebhookDeliveryRecord d) => new(d.Seq, d.EventId, d.Type, d.Attempt, DateTimeOffset.FromUnixTimeMilliseconds(d.AtMs),
        d.StatusCode is { } code ? (int)code : null, d.LatencyMs, d.Error);
}

/// <summary>What one POST to a receiver came to: its status code (null when none came back), how long it took, and the error if any.</summary>
public sealed record WebhookAttempt(int? StatusCode, long LatencyMs, string? Error)
{
    /// <summary>True for a 2xx answer.</summary>
    public bool Delivered => StatusCode is >= 200 and < 300;
}

/// <summary>The answer to a test ping: the hook, whether the receiver took it (2xx), its status code, the latency and the error if any.</summary>
public sealed record WebhookTestView(string Webhook, bool Delivered, int? StatusCode, long LatencyMs, string? Error);

/// <summary>The data of <c>webhook.disabled</c>: the hook, its URL, why, the last sequence it delivered and the one it could not.</summary>
public sealed record WebhookDisabledEvent(string Webhook, string Url, string Reason, long LastSeq, long FailedSeq);

/// <summary>The data of the <c>webhook.test</c> ping (never in the organization's feed; its seq is 0).</summary>
public sealed record WebhookPing(string Webhook, string Message);
