using Neocloud.Domain.Paging;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Storage;

namespace Neocloud.Exchange.Access;

/// <summary>A token just issued: its record (the hash only) and its secret, shown once.</summary>
public sealed record IssuedToken(TokenRecord Token, string Secret);

/// <summary>A token issued by rotation, and until when the old one works.</summary>
public sealed record RotatedToken(TokenRecord Token, string Secret, string OldId, DateTimeOffset OldUntil);

/// <summary>
/// Organizations and their API tokens, as administrators manage them: create an organization, set its rate limit,
/// issue, rotate and revoke tokens. Every change is a journaled configuration fact, decided on the configuration's
/// shard (<see cref="ConfigJournal"/>), whose state answers whether the organization exists or the id is taken (the desk
/// does not read the store for that first); tokens are journaled by the hash of their secret, never the secret. Reads
/// go to the store.
/// </summary>
public sealed class AccessDesk(IMarket market, ExchangeStore store, TokenDirectory tokens, TimeProvider clock)
{
    /// <summary>A page of organizations by id.</summary>
    public Task<Page<OrganizationRecord>> OrganizationsAsync(string? after, int limit, CancellationToken ct = default) =>
        store.ListOrganizationsAsync(after, limit, ct);

    /// <summary>Creates an organization for <paramref name="actor"/>; a conflict when the id is taken.</summary>
    public async Task<Outcome<OrganizationRecord>> CreateOrganizationAsync(string actor, string id, string name, Idempotency<OrganizationRecord>? key = null,
        CancellationToken ct = default)
    {
        var organization = new OrganizationRecord(id, name, clock.GetUtcNow().ToUnixTimeMilliseconds());
        return await ConfigJournal.SubmitAsync(market, actor, new OrganizationCreated(organization), committed => committed.Map(_ => organization), key);
    }

    /// <summary>Sets (or with null clears) an organization's rate limit; the organization as it now stands.</summary>
    public async Task<Outcome<OrganizationRecord>> SetRateLimitAsync(string actor, string id, long? rateLimit, CancellationToken ct = default)
    {
        var set = await ConfigJournal.SubmitAsync(market, actor, new OrganizationRateLimitSet(id, rateLimit));
        if (!set.IsAccepted) return set.Failure!;
        tokens.ForgetRateLimit(id);
        return (await store.GetOrganizationAsync(id, ct))!;
    }

    /// <summary>An organization's tokens (never their secrets), oldest first.</summary>
    public async Task<Outcome<IReadOnlyList<TokenRecord>>> TokensAsync(string organizationId, CancellationToken ct = default)
    {
        if (await store.GetOrganizationAsync(organizationId, ct) is null) return ConfigState.NoOrganization(organizationId);
        return Outcome<IReadOnlyList<TokenRecord>>.Accepted(await store.ListTokensAsync(organizationId, ct));
    }

    /// <summary>Issues a token of an organization with <paramref name="scopes"/>, expiring at <paramref name="expiresMs"/> (or never).</summary>
    public async Task<Outcome<IssuedToken>> IssueTokenAsync(string actor, string organizationId, string label, IEnumerable<string> scopes, long? expiresMs,
        Idempotency<IssuedToken>? key = null, CancellationToken ct = default)
    {
        var (token, secret) = TokenSecrets.NewToken(organizationId, label, scopes, clock);
        token = token with { ExpiresMs = expiresMs };
        return await ConfigJournal.SubmitAsync(market, actor, new TokenIssued(token), committed => committed.Map(_ => new IssuedToken(token, secret)), key);
    }

    /// <summary>
    /// Rotates a live token: a new secret with the same organization, label, scopes and expiry; the old one works for
    /// <paramref name="grace"/> more (or until it expires, if sooner).
    /// </summary>
    public async Task<Outcome<RotatedToken>> RotateTokenAsync(string actor, string id, TimeSpan grace, Idempotency<RotatedToken>? key = null,
        CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        if (await store.GetTokenAsync(id, ct) is not { RevokedMs: null } old || old.ExpiresMs <= now.ToUnixTimeMilliseconds()) return ConfigState.NoLiveToken(id);
        var (token, secret) = TokenSecrets.NewToken(old.OrganizationId, old.Label, old.Scopes.Split(' '), clock);
        token = token with { ExpiresMs = old.ExpiresMs };
        var oldUntil = now + grace;
        var rotated = await ConfigJournal.SubmitAsync(market, actor, new TokenRotated(id, oldUntil.ToUnixTimeMilliseconds(), token),
            committed => committed.Map(_ => new RotatedToken(token, secret, id, oldUntil)), key);
        if (rotated.IsAccepted) tokens.Forget(id);
        return rotated;
    }

    /// <summary>Revokes a token; not found when it does not exist or was revoked already.</summary>
    public async Task<Outcome<string>> RevokeTokenAsync(string actor, string id, CancellationToken ct = default)
    {
        var revoked = await ConfigJournal.SubmitAsync(market, actor, new TokenRevoked(id, clock.GetUtcNow().ToUnixTimeMilliseconds()));
        if (!revoked.IsAccepted) return revoked.Failure!;
        tokens.Forget(id);
        return id;
    }
}
