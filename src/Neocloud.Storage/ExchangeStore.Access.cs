using Dapper;
using Neocloud.Domain.Paging;

namespace Neocloud.Storage;

/// <summary>Organizations, API tokens and idempotency records: who may call, and what a retried request already did.</summary>
public sealed partial class ExchangeStore
{
    private const string TokenColumns =
        "id AS Id, organization_id AS OrganizationId, token_hash AS TokenHash, scopes AS Scopes, label AS Label, created_ms AS CreatedMs, revoked_ms AS RevokedMs, " +
        "expires_ms AS ExpiresMs, last_used_ms AS LastUsedMs";

    /// <summary>Creates an organization (with the request's idempotency record, in one transaction); false if the id is taken.</summary>
    public async Task<bool> TryCreateOrganizationAsync(OrganizationRecord organization, IdempotencyRecord? idempotency, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(
            "INSERT INTO organizations (id, name, created_ms) VALUES (@Id, @Name, @CreatedMs) ON CONFLICT (id) DO NOTHING",
            organization, transaction);
        if (inserted == 0) return false;
        if (idempotency is not null) await InsertIdempotencyAsync(connection, transaction, [idempotency]);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Creates organizations that do not exist yet (seeding); existing ones are left as they are.</summary>
    public async Task EnsureOrganizationsAsync(IEnumerable<OrganizationRecord> organizations, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(
            "INSERT INTO organizations (id, name, created_ms) VALUES (@Id, @Name, @CreatedMs) ON CONFLICT (id) DO NOTHING",
            organizations, transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    private const string OrganizationColumns = "id AS Id, name AS Name, created_ms AS CreatedMs, rate_limit AS RateLimit";

    public async Task<OrganizationRecord?> GetOrganizationAsync(string id, CancellationToken cancellationToken = default) =>
        await SingleAsync<OrganizationRecord>($"SELECT {OrganizationColumns} FROM organizations WHERE id = @id", new { id }, cancellationToken);

    /// <summary>Sets (or with null clears) an organization's rate limit; false if there is no such organization.</summary>
    public async Task<bool> SetOrganizationRateLimitAsync(string id, long? rateLimit, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE organizations SET rate_limit = @rateLimit WHERE id = @id", new { id, rateLimit }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<Page<OrganizationRecord>> ListOrganizationsAsync(string? after, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<OrganizationRecord>(new CommandDefinition(
            $"SELECT {OrganizationColumns} FROM organizations WHERE id > @after ORDER BY id LIMIT @take",
            new { after = after ?? "", take = limit + 1 }, cancellationToken: cancellationToken))).ToList();
        return PageOf(rows, limit, r => r.Id);
    }

    /// <summary>Stores a new token (only its hash), with the request's idempotency record, in one transaction.</summary>
    public async Task InsertTokenAsync(TokenRecord token, IdempotencyRecord? idempotency, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(
            "INSERT INTO api_tokens (id, organization_id, token_hash, scopes, label, created_ms, revoked_ms, expires_ms) " +
            "VALUES (@Id, @OrganizationId, @TokenHash, @Scopes, @Label, @CreatedMs, @RevokedMs, @ExpiresMs)",
            token, transaction);
        if (idempotency is not null) await InsertIdempotencyAsync(connection, transaction, [idempotency]);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<TokenRecord?> FindTokenByHashAsync(byte[] hash, CancellationToken cancellationToken = default) =>
        await SingleAsync<TokenRecord>($"SELECT {TokenColumns} FROM api_tokens WHERE token_hash = @hash", new { hash }, cancellationToken);

    public async Task<TokenRecord?> GetTokenAsync(string id, CancellationToken cancellationToken = default) =>
        await SingleAsync<TokenRecord>($"SELECT {TokenColumns} FROM api_tokens WHERE id = @id", new { id }, cancellationToken);

    public async Task<IReadOnlyList<TokenRecord>> ListTokensAsync(string organizationId, CancellationToken cancellationToken = default) =>
        await QueryAsync<TokenRecord>($"SELECT {TokenColumns} FROM api_tokens WHERE organization_id = @organizationId ORDER BY created_ms, id",
            new { organizationId }, cancellationToken);

    /// <summary>
    /// Rotates a live token: stores <paramref name="replacement"/> and lets the old one expire at
    /// <paramref name="oldExpiresMs"/> (or earlier, if it was to expire before), in one transaction; false when the old
    /// one is unknown, revoked or expired.
    /// </summary>
    public async Task<bool> RotateTokenAsync(string id, TokenRecord replacement, long oldExpiresMs, IdempotencyRecord? idempotency, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var updated = await connection.ExecuteAsync(
            "UPDATE api_tokens SET expires_ms = CASE WHEN expires_ms IS NULL OR expires_ms > @oldExpiresMs THEN @oldExpiresMs ELSE expires_ms END " +
            "WHERE id = @id AND revoked_ms IS NULL AND (expires_ms IS NULL OR expires_ms > @now)",
            new { id, oldExpiresMs, now = replacement.CreatedMs }, transaction);
        if (updated != 1) return false;
        await connection.ExecuteAsync(
            "INSERT INTO api_tokens (id, organization_id, token_hash, scopes, label, created_ms, revoked_ms, expires_ms) " +
            "VALUES (@Id, @OrganizationId, @TokenHash, @Scopes, @Label, @CreatedMs, @RevokedMs, @ExpiresMs)",
            replacement, transaction);
        if (idempotency is not null) await InsertIdempotencyAsync(connection, transaction, [idempotency]);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Records when a token was last used (the caller writes it at most once a minute per token).</summary>
    public async Task TouchTokenAsync(string id, long usedMs, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("UPDATE api_tokens SET last_used_ms = @usedMs WHERE id = @id AND (last_used_ms IS NULL OR last_used_ms < @usedMs)",
            new { id, usedMs }, cancellationToken: cancellationToken));
    }

    /// <summary>Marks a token revoked; false if it does not exist or was already revoked.</summary>
    public async Task<bool> RevokeTokenAsync(string id, long revokedMs, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_tokens SET revoked_ms = @revokedMs WHERE id = @id AND revoked_ms IS NULL",
            new { id, revokedMs }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<IdempotencyRecord?> FindIdempotencyAsync(string organizationId, string key, CancellationToken cancellationToken = default) =>
        await SingleAsync<IdempotencyRecord>("SELECT organization_id AS OrganizationId, idempotency_key AS IdempotencyKey, request_hash AS RequestHash, status_code AS StatusCode, " +
            "response AS Response, created_ms AS CreatedMs FROM idempotency WHERE organization_id = @organizationId AND idempotency_key = @key",
            new { organizationId, key }, cancellationToken);
}
