using Dapper;
using Neocloud.Domain.Paging;

namespace Neocloud.Storage;

/// <summary>
/// Organizations, API tokens and idempotency records as read: who may call, and what a retried request already did.
/// Organizations and tokens change only by journaled configuration facts (<see cref="ConfigProjection"/>); a token's
/// last use is the one plain update here (use, not configuration).
/// </summary>
public sealed partial class ExchangeStore
{
    private const string TokenColumns =
        "id AS Id, organization_id AS OrganizationId, token_hash AS TokenHash, scopes AS Scopes, label AS Label, created_ms AS CreatedMs, revoked_ms AS RevokedMs, " +
        "expires_ms AS ExpiresMs, last_used_ms AS LastUsedMs";

    private const string OrganizationColumns = "id AS Id, name AS Name, created_ms AS CreatedMs, rate_limit AS RateLimit";

    public async Task<OrganizationRecord?> GetOrganizationAsync(string id, CancellationToken cancellationToken = default) =>
        await SingleAsync<OrganizationRecord>($"SELECT {OrganizationColumns} FROM organizations WHERE id = @id", new { id }, cancellationToken);

    public async Task<Page<OrganizationRecord>> ListOrganizationsAsync(string? after, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<OrganizationRecord>(new CommandDefinition(
            $"SELECT {OrganizationColumns} FROM organizations WHERE id > @after ORDER BY id LIMIT @take",
            new { after = after ?? "", take = limit + 1 }, cancellationToken: cancellationToken))).ToList();
        return PageOf(rows, limit, r => r.Id);
    }

    public async Task<TokenRecord?> FindTokenByHashAsync(byte[] hash, CancellationToken cancellationToken = default) =>
        await SingleAsync<TokenRecord>($"SELECT {TokenColumns} FROM api_tokens WHERE token_hash = @hash", new { hash }, cancellationToken);

    public async Task<TokenRecord?> GetTokenAsync(string id, CancellationToken cancellationToken = default) =>
        await SingleAsync<TokenRecord>($"SELECT {TokenColumns} FROM api_tokens WHERE id = @id", new { id }, cancellationToken);

    public async Task<IReadOnlyList<TokenRecord>> ListTokensAsync(string organizationId, CancellationToken cancellationToken = default) =>
        await QueryAsync<TokenRecord>($"SELECT {TokenColumns} FROM api_tokens WHERE organization_id = @organizationId ORDER BY created_ms, id",
            new { organizationId }, cancellationToken);

    /// <summary>Records when a token was last used (the caller writes it at most once a minute per token); not journaled, not verified.</summary>
    public async Task TouchTokenAsync(string id, long usedMs, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("UPDATE api_tokens SET last_used_ms = @usedMs WHERE id = @id AND (last_used_ms IS NULL OR last_used_ms < @usedMs)",
            new { id, usedMs }, cancellationToken: cancellationToken));
    }

    public async Task<IdempotencyRecord?> FindIdempotencyAsync(string organizationId, string key, CancellationToken cancellationToken = default) =>
        await SingleAsync<IdempotencyRecord>("SELECT organization_id AS OrganizationId, idempotency_key AS IdempotencyKey, request_hash AS RequestHash, status_code AS StatusCode, " +
            "response AS Response, created_ms AS CreatedMs FROM idempotency WHERE organization_id = @organizationId AND idempotency_key = @key",
            new { organizationId, key }, cancellationToken);
}
