namespace Neocloud.Storage;

/// <summary>
/// A webhook as stored: where it posts, the event types it wants (comma-separated, empty for all), its secret (plain here:
/// signing needs it so; the store keeps it encrypted once given an <see cref="ISecretProtector"/>), its status (<c>active</c>, <c>disabled</c>), the last sequence delivered
/// (<c>CursorSeq</c>), its <c>Generation</c> (moved by a redelivery, so a loop delivering the old pass stops), the
/// number of attempts recorded so far, since when its current event has failed, why and when it was disabled, and
/// which node holds its delivery lease until when.
/// </summary>
public sealed record WebhookRecord(
    string Id,
    string OrganizationId,
    string Url,
    string Types,
    string Description,
    string Secret,
    string Status,
    long CreatedMs,
    long CursorSeq,
    long Generation,
    long Attempts,
    long? FailingSinceMs,
    string? DisabledReason,
    long? DisabledMs,
    string? LeaseOwner,
    long? LeaseUntilMs)
{
    /// <summary>The status of a hook that delivers.</summary>
    public const string Active = "active";

    /// <summary>The status of a hook that gave up on an event; a redelivery makes it active again.</summary>
    public const string Disabled = "disabled";
}

/// <summary>One delivery attempt of an event to a webhook: its number for the hook (<c>N</c>), what was sent, and what came back.</summary>
public sealed record WebhookDeliveryRecord(
    string WebhookId, long N, long Seq, string EventId, string Type, long Attempt, long AtMs, long? StatusCode, long LatencyMs, string? Error);

/// <summary>An attempt to record: the delivery, the hook's generation it was made under, and whether it was delivered (a 2xx).</summary>
public sealed record AttemptToRecord(WebhookDeliveryRecord Record, long Generation, bool Delivered);
