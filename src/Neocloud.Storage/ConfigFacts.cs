using System.Text.Json.Serialization;

namespace Neocloud.Storage;

/// <summary>
/// A change to the configuration that decides who may act (organizations, their rate limits, API tokens, webhooks,
/// standing procurements): journaled like the contract book's facts (hash-chained, with its actor) and projected into
/// its tables in the same commit (<see cref="ConfigProjection"/>). A fact carries every value its rows hold, secrets
/// only as the store keeps them: a token by the SHA-256 of its secret, a webhook's secret encrypted with the key ring
/// that is not in the store. What changes with use (a token's last use, a hook's deliveries, a procurement's buying) is
/// not configuration and is not journaled.
/// </summary>
public abstract record ConfigFact : BookFact;

/// <summary>An organization created (by an administrator, or seeded from the reference data at start).</summary>
public sealed record OrganizationCreated(OrganizationRecord Organization) : ConfigFact;

/// <summary>An organization's rate limit set, or with null cleared (its tokens get the server's default each).</summary>
public sealed record OrganizationRateLimitSet(string OrganizationId, long? RateLimit) : ConfigFact;

/// <summary>
/// An API token issued, by the hash of its secret (never the secret); <see cref="Bootstrap"/> when it is the admin
/// token made at the exchange's first start, whose commit clears the store's pending mark.
/// </summary>
public sealed record TokenIssued(TokenRecord Token, bool Bootstrap = false) : ConfigFact;

/// <summary>
/// A live token rotated: <see cref="Replacement"/> issued with its organization, scopes and expiry, and the old one's
/// expiry brought forward to <see cref="OldExpiresMs"/> (as decided: never later than it was).
/// </summary>
public sealed record TokenRotated(string TokenId, long OldExpiresMs, TokenRecord Replacement) : ConfigFact;

/// <summary>A token revoked.</summary>
public sealed record TokenRevoked(string TokenId, long AtMs) : ConfigFact;

/// <summary>
/// A webhook added, its secret as stored (encrypted). Its delivery cursor is not part of the fact: it starts at the
/// organization's newest event in the commit, and moves with deliveries, which are not journaled.
/// </summary>
public sealed record WebhookCreated(WebhookRecord Hook) : ConfigFact
{
    /// <summary>The most hooks an organization may have (the server's policy; decided where the fact is applied, not journaled).</summary>
    [JsonIgnore]
    public int MaxPerOrganization { get; init; } = int.MaxValue;
}

/// <summary>One of an organization's webhooks removed, with its delivery attempts.</summary>
public sealed record WebhookDeleted(string WebhookId, string OrganizationId) : ConfigFact;

/// <summary>
/// One of an organization's webhooks moved back to deliver every event after <see cref="Cursor"/> again, and made
/// active: its generation moves on, so a loop delivering the old pass stops.
/// </summary>
public sealed record WebhookRedelivered(string WebhookId, string OrganizationId, long Cursor) : ConfigFact;

/// <summary>A webhook disabled by its delivery after failing for too long (at <see cref="Generation"/>), with its <c>webhook.disabled</c> event.</summary>
public sealed record WebhookDisabled(string WebhookId, long Generation, string Reason, long AtMs) : ConfigFact;

/// <summary>A standing procurement started.</summary>
public sealed record ProcurementStarted(ProcurementRecord Procurement) : ConfigFact;

/// <summary>One of an organization's active procurements stopped.</summary>
public sealed record ProcurementStopped(string ProcurementId, string OrganizationId, long AtMs) : ConfigFact;

/// <summary>
/// The configuration of a store written before it was journaled, taken into the journal once when the store is
/// upgraded: every organization, token, webhook and procurement as it stood (secrets as stored), so a replay rebuilds them.
/// </summary>
public sealed record ConfigImported(
    IReadOnlyList<OrganizationRecord> Organizations,
    IReadOnlyList<TokenRecord> Tokens,
    IReadOnlyList<WebhookRecord> Webhooks,
    IReadOnlyList<ProcurementRecord> Procurements) : ConfigFact;

/// <summary>The configuration's rows, read whole as stored (secrets as kept): what a shard's configuration state and an import start from.</summary>
public sealed record ConfigRows(
    IReadOnlyList<OrganizationRecord> Organizations,
    IReadOnlyList<TokenRecord> Tokens,
    IReadOnlyList<WebhookRecord> Webhooks,
    IReadOnlyList<ProcurementRecord> Procurements)
{
    /// <summary>The approvals not yet final (pending, or approved and not yet run), each with its organization and status.</summary>
    public IReadOnlyList<ApprovalRecord> OpenApprovals { get; init; } = [];
}
