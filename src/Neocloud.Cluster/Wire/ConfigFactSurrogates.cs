using Neocloud.Domain.Procurement;
using Neocloud.Storage;

namespace Neocloud.Cluster.Wire;

// The configuration's facts (organizations, tokens, webhooks, procurements) and the rows they carry, on the Orleans
// wire, as BookFactSurrogates.cs carries the contract book's: each concrete fact through its own surrogate and
// converter, with the events of BookFact.Events. WebhookCreated also carries MaxPerOrganization, the policy's limit
// the shard decides it against, which the journal line leaves out.

/// <summary>An organization row on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.row.organization")]
public readonly record struct OrganizationRecordSurrogate(
    [property: Id(0)] string Id, [property: Id(1)] string Name, [property: Id(2)] long CreatedMs, [property: Id(3)] long? RateLimit);

/// <summary>Converts <see cref="OrganizationRecord"/> for the wire.</summary>
[RegisterConverter]
public sealed class OrganizationRecordConverter : IConverter<OrganizationRecord, OrganizationRecordSurrogate>
{
    public OrganizationRecord ConvertFromSurrogate(in OrganizationRecordSurrogate surrogate) => new(
        surrogate.Id, surrogate.Name, surrogate.CreatedMs, surrogate.RateLimit);

    public OrganizationRecordSurrogate ConvertToSurrogate(in OrganizationRecord value) => new(
        value.Id, value.Name, value.CreatedMs, value.RateLimit);
}

/// <summary>An API token row (its hash, never a secret) on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.row.token")]
public readonly record struct TokenRecordSurrogate(
    [property: Id(0)] string Id, [property: Id(1)] string OrganizationId, [property: Id(2)] byte[] TokenHash, [property: Id(3)] string Scopes, [property: Id(4)] string Label, [property: Id(5)] long CreatedMs, [property: Id(6)] long? RevokedMs, [property: Id(7)] long? ExpiresMs, [property: Id(8)] long? LastUsedMs);

/// <summary>Converts <see cref="TokenRecord"/> for the wire.</summary>
[RegisterConverter]
public sealed class TokenRecordConverter : IConverter<TokenRecord, TokenRecordSurrogate>
{
    public TokenRecord ConvertFromSurrogate(in TokenRecordSurrogate surrogate) => new(
        surrogate.Id, surrogate.OrganizationId, surrogate.TokenHash, surrogate.Scopes, surrogate.Label, surrogate.CreatedMs, surrogate.RevokedMs, surrogate.ExpiresMs, surrogate.LastUsedMs);

    public TokenRecordSurrogate ConvertToSurrogate(in TokenRecord value) => new(
        value.Id, value.OrganizationId, value.TokenHash, value.Scopes, value.Label, value.CreatedMs, value.RevokedMs, value.ExpiresMs, value.LastUsedMs);
}

/// <summary>A webhook row (its secret as stored, encrypted) on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.row.webhook")]
public readonly record struct WebhookRecordSurrogate(
    [property: Id(0)] string Id, [property: Id(1)] string OrganizationId, [property: Id(2)] string Url, [property: Id(3)] string Types, [property: Id(4)] string Description, [property: Id(5)] string Secret, [property: Id(6)] string Status, [property: Id(7)] long CreatedMs, [property: Id(8)] long CursorSeq, [property: Id(9)] long Generation, [property: Id(10)] long Attempts, [property: Id(11)] long? FailingSinceMs, [property: Id(12)] string? DisabledReason, [property: Id(13)] long? DisabledMs, [property: Id(14)] string? LeaseOwner, [property: Id(15)] long? LeaseUntilMs);

/// <summary>Converts <see cref="WebhookRecord"/> for the wire.</summary>
[RegisterConverter]
public sealed class WebhookRecordConverter : IConverter<WebhookRecord, WebhookRecordSurrogate>
{
    public WebhookRecord ConvertFromSurrogate(in WebhookRecordSurrogate surrogate) => new(
        surrogate.Id, surrogate.OrganizationId, surrogate.Url, surrogate.Types, surrogate.Description, surrogate.Secret, surrogate.Status, surrogate.CreatedMs, surrogate.CursorSeq, surrogate.Generation, surrogate.Attempts, surrogate.FailingSinceMs, surrogate.DisabledReason, surrogate.DisabledMs, surrogate.LeaseOwner, surrogate.LeaseUntilMs);

    public WebhookRecordSurrogate ConvertToSurrogate(in WebhookRecord value) => new(
        value.Id, value.OrganizationId, value.Url, value.Types, value.Description, value.Secret, value.Status, value.CreatedMs, value.CursorSeq, value.Generation, value.Attempts, value.FailingSinceMs, value.DisabledReason, value.DisabledMs, value.LeaseOwner, value.LeaseUntilMs);
}

/// <summary>A standing procurement row on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.row.procurement")]
public readonly record struct ProcurementRecordSurrogate(
    [property: Id(0)] string Id, [property: Id(1)] string OrganizationId, [property: Id(2)] string Sku, [property: Id(3)] string? Region, [property: Id(4)] long Gpus, [property: Id(5)] long HorizonHours, [property: Id(6)] long BlockHours, [property: Id(7)] long MaxPriceTicks, [property: Id(8)] ProcurementStatus Status, [property: Id(9)] long NextBid, [property: Id(10)] long CreatedMs, [property: Id(11)] long? StoppedMs, [property: Id(12)] string? Alternatives);

/// <summary>Converts <see cref="ProcurementRecord"/> for the wire.</summary>
[RegisterConverter]
public sealed class ProcurementRecordConverter : IConverter<ProcurementRecord, ProcurementRecordSurrogate>
{
    public ProcurementRecord ConvertFromSurrogate(in ProcurementRecordSurrogate surrogate) => new(
        surrogate.Id, surrogate.OrganizationId, surrogate.Sku, surrogate.Region, surrogate.Gpus, surrogate.HorizonHours, surrogate.BlockHours, surrogate.MaxPriceTicks, surrogate.Status, surrogate.NextBid, surrogate.CreatedMs, surrogate.StoppedMs, surrogate.Alternatives);

    public ProcurementRecordSurrogate ConvertToSurrogate(in ProcurementRecord value) => new(
        value.Id, value.OrganizationId, value.Sku, value.Region, value.Gpus, value.HorizonHours, value.BlockHours, value.MaxPriceTicks, value.Status, value.NextBid, value.CreatedMs, value.StoppedMs, value.Alternatives);
}

/// <summary>An organization created, with its events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.organization-created")]
public readonly record struct OrganizationCreatedSurrogate(
    [property: Id(0)] OrganizationRecord Organization, [property: Id(1)] EventRecord[] Events);

/// <summary>Converts <see cref="OrganizationCreated"/> for the wire.</summary>
[RegisterConverter]
public sealed class OrganizationCreatedConverter : IConverter<OrganizationCreated, OrganizationCreatedSurrogate>
{
    public OrganizationCreated ConvertFromSurrogate(in OrganizationCreatedSurrogate surrogate) => new(
        surrogate.Organization) { Events = surrogate.Events };

    public OrganizationCreatedSurrogate ConvertToSurrogate(in OrganizationCreated value) => new(
        value.Organization, [.. value.Events]);
}

/// <summary>An organization's rate limit set, with its events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.organization-rate-limit")]
public readonly record struct OrganizationRateLimitSetSurrogate(
    [property: Id(0)] string OrganizationId, [property: Id(1)] long? RateLimit, [property: Id(2)] EventRecord[] Events);

/// <summary>Converts <see cref="OrganizationRateLimitSet"/> for the wire.</summary>
[RegisterConverter]
public sealed class OrganizationRateLimitSetConverter : IConverter<OrganizationRateLimitSet, OrganizationRateLimitSetSurrogate>
{
    public OrganizationRateLimitSet ConvertFromSurrogate(in OrganizationRateLimitSetSurrogate surrogate) => new(
        surrogate.OrganizationId, surrogate.RateLimit) { Events = surrogate.Events };

    public OrganizationRateLimitSetSurrogate ConvertToSurrogate(in OrganizationRateLimitSet value) => new(
        value.OrganizationId, value.RateLimit, [.. value.Events]);
}

/// <summary>A token issued, with its events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.token-issued")]
public readonly record struct TokenIssuedSurrogate(
    [property: Id(0)] TokenRecord Token, [property: Id(1)] bool Bootstrap, [property: Id(2)] EventRecord[] Events);

/// <summary>Converts <see cref="TokenIssued"/> for the wire.</summary>
[RegisterConverter]
public sealed class TokenIssuedConverter : IConverter<TokenIssued, TokenIssuedSurrogate>
{
    public TokenIssued ConvertFromSurrogate(in TokenIssuedSurrogate surrogate) => new(
        surrogate.Token, surrogate.Bootstrap) { Events = surrogate.Events };

    public TokenIssuedSurrogate ConvertToSurrogate(in TokenIssued value) => new(
        value.Token, value.Bootstrap, [.. value.Events]);
}

/// <summary>A token rotated, with its events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.token-rotated")]
public readonly record struct TokenRotatedSurrogate(
    [property: Id(0)] string TokenId, [property: Id(1)] long OldExpiresMs, [property: Id(2)] TokenRecord Replacement, [property: Id(3)] EventRecord[] Events);

/// <summary>Converts <see cref="TokenRotated"/> for the wire.</summary>
[RegisterConverter]
public sealed class TokenRotatedConverter : IConverter<TokenRotated, TokenRotatedSurrogate>
{
    public TokenRotated ConvertFromSurrogate(in TokenRotatedSurrogate surrogate) => new(
        surrogate.TokenId, surrogate.OldExpiresMs, surrogate.Replacement) { Events = surrogate.Events };

    public TokenRotatedSurrogate ConvertToSurrogate(in TokenRotated value) => new(
        value.TokenId, value.OldExpiresMs, value.Replacement, [.. value.Events]);
}

/// <summary>A token revoked, with its events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.token-revoked")]
public readonly record struct TokenRevokedSurrogate(
    [property: Id(0)] string TokenId, [property: Id(1)] long AtMs, [property: Id(2)] EventRecord[] Events);

/// <summary>Converts <see cref="TokenRevoked"/> for the wire.</summary>
[RegisterConverter]
public sealed class TokenRevokedConverter : IConverter<TokenRevoked, TokenRevokedSurrogate>
{
    public TokenRevoked ConvertFromSurrogate(in TokenRevokedSurrogate surrogate) => new(
        surrogate.TokenId, surrogate.AtMs) { Events = surrogate.Events };

    public TokenRevokedSurrogate ConvertToSurrogate(in TokenRevoked value) => new(
        value.TokenId, value.AtMs, [.. value.Events]);
}

/// <summary>A webhook added, with the policy's limit it is decided against, with its events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.webhook-created")]
public readonly record struct WebhookCreatedSurrogate(
    [property: Id(0)] WebhookRecord Hook, [property: Id(1)] EventRecord[] Events, [property: Id(2)] int MaxPerOrganization);

/// <summary>Converts <see cref="WebhookCreated"/> for the wire.</summary>
[RegisterConverter]
public sealed class WebhookCreatedConverter : IConverter<WebhookCreated, WebhookCreatedSurrogate>
{
    public WebhookCreated ConvertFromSurrogate(in WebhookCreatedSurrogate surrogate) => new(
        surrogate.Hook) { Events = surrogate.Events, MaxPerOrganization = surrogate.MaxPerOrganization };

    public WebhookCreatedSurrogate ConvertToSurrogate(in WebhookCreated value) => new(
        value.Hook, [.. value.Events], value.MaxPerOrganization);
}

/// <summary>A webhook removed, with its events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.webhook-deleted")]
public readonly record struct WebhookDeletedSurrogate(
    [property: Id(0)] string WebhookId, [property: Id(1)] string OrganizationId, [property: Id(2)] EventRecord[] Events);

/// <summary>Converts <see cref="WebhookDeleted"/> for the wire.</summary>
[RegisterConverter]
public sealed class WebhookDeletedConverter : IConverter<WebhookDeleted, WebhookDeletedSurrogate>
{
    public WebhookDeleted ConvertFromSurrogate(in WebhookDeletedSurrogate surrogate) => new(
        surrogate.WebhookId, surrogate.OrganizationId) { Events = surrogate.Events };

    public WebhookDeletedSurrogate ConvertToSurrogate(in WebhookDeleted value) => new(
        value.WebhookId, value.OrganizationId, [.. value.Events]);
}

/// <summary>A webhook moved back, with its events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.webhook-redelivered")]
public readonly record struct WebhookRedeliveredSurrogate(
    [property: Id(0)] string WebhookId, [property: Id(1)] string OrganizationId, [property: Id(2)] long Cursor, [property: Id(3)] EventRecord[] Events);

/// <summary>Converts <see cref="WebhookRedelivered"/> for the wire.</summary>
[RegisterConverter]
public sealed class WebhookRedeliveredConverter : IConverter<WebhookRedelivered, WebhookRedeliveredSurrogate>
{
    public WebhookRedelivered ConvertFromSurrogate(in WebhookRedeliveredSurrogate surrogate) => new(
        surrogate.WebhookId, surrogate.OrganizationId, surrogate.Cursor) { Events = surrogate.Events };

    public WebhookRedeliveredSurrogate ConvertToSurrogate(in WebhookRedelivered value) => new(
        value.WebhookId, value.OrganizationId, value.Cursor, [.. value.Events]);
}

/// <summary>A webhook disabled by its delivery, with its events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.webhook-disabled")]
public readonly record struct WebhookDisabledSurrogate(
    [property: Id(0)] string WebhookId, [property: Id(1)] long Generation, [property: Id(2)] string Reason, [property: Id(3)] long AtMs, [property: Id(4)] EventRecord[] Events);

/// <summary>Converts <see cref="WebhookDisabled"/> for the wire.</summary>
[RegisterConverter]
public sealed class WebhookDisabledConverter : IConverter<WebhookDisabled, WebhookDisabledSurrogate>
{
    public WebhookDisabled ConvertFromSurrogate(in WebhookDisabledSurrogate surrogate) => new(
        surrogate.WebhookId, surrogate.Generation, surrogate.Reason, surrogate.AtMs) { Events = surrogate.Events };

    public WebhookDisabledSurrogate ConvertToSurrogate(in WebhookDisabled value) => new(
        value.WebhookId, value.Generation, value.Reason, value.AtMs, [.. value.Events]);
}

/// <summary>A procurement started, with its events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.procurement-started")]
public readonly record struct ProcurementStartedSurrogate(
    [property: Id(0)] ProcurementRecord Procurement, [property: Id(1)] EventRecord[] Events);

/// <summary>Converts <see cref="ProcurementStarted"/> for the wire.</summary>
[RegisterConverter]
public sealed class ProcurementStartedConverter : IConverter<ProcurementStarted, ProcurementStartedSurrogate>
{
    public ProcurementStarted ConvertFromSurrogate(in ProcurementStartedSurrogate surrogate) => new(
        surrogate.Procurement) { Events = surrogate.Events };

    public ProcurementStartedSurrogate ConvertToSurrogate(in ProcurementStarted value) => new(
        value.Procurement, [.. value.Events]);
}

/// <summary>A procurement stopped, with its events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.procurement-stopped")]
public readonly record struct ProcurementStoppedSurrogate(
    [property: Id(0)] string ProcurementId, [property: Id(1)] string OrganizationId, [property: Id(2)] long AtMs, [property: Id(3)] EventRecord[] Events);

/// <summary>Converts <see cref="ProcurementStopped"/> for the wire.</summary>
[RegisterConverter]
public sealed class ProcurementStoppedConverter : IConverter<ProcurementStopped, ProcurementStoppedSurrogate>
{
    public ProcurementStopped ConvertFromSurrogate(in ProcurementStoppedSurrogate surrogate) => new(
        surrogate.ProcurementId, surrogate.OrganizationId, surrogate.AtMs) { Events = surrogate.Events };

    public ProcurementStoppedSurrogate ConvertToSurrogate(in ProcurementStopped value) => new(
        value.ProcurementId, value.OrganizationId, value.AtMs, [.. value.Events]);
}

/// <summary>An older store's configuration imported, with its events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.config-imported")]
public readonly record struct ConfigImportedSurrogate(
    [property: Id(0)] OrganizationRecord[] Organizations, [property: Id(1)] TokenRecord[] Tokens, [property: Id(2)] WebhookRecord[] Webhooks, [property: Id(3)] ProcurementRecord[] Procurements, [property: Id(4)] EventRecord[] Events);

/// <summary>Converts <see cref="ConfigImported"/> for the wire.</summary>
[RegisterConverter]
public sealed class ConfigImportedConverter : IConverter<ConfigImported, ConfigImportedSurrogate>
{
    public ConfigImported ConvertFromSurrogate(in ConfigImportedSurrogate surrogate) => new(
        surrogate.Organizations, surrogate.Tokens, surrogate.Webhooks, surrogate.Procurements) { Events = surrogate.Events };

    public ConfigImportedSurrogate ConvertToSurrogate(in ConfigImported value) => new(
        [.. value.Organizations], [.. value.Tokens], [.. value.Webhooks], [.. value.Procurements], [.. value.Events]);
}
