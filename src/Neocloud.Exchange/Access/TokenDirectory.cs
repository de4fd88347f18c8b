using System.Collections.Concurrent;
using Neocloud.Storage;

namespace Neocloud.Exchange.Access;

/// <summary>
/// Finds the token behind a secret, with a short cache so a busy client does not cost a database read per request.
/// Revocation through this server takes effect at once; a revocation made elsewhere within <see cref="Lifetime"/>.
/// </summary>
public sealed class TokenDirectory(ExchangeStore store, TimeProvider clock)
{
    /// <summary>How long a looked-up token is trusted before it is read again.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, (TokenRecord? Token, DateTimeOffset Expires)> _cache = new();

    /// <summary>How often a token's last use is written: at most once this often per token.</summary>
    public static readonly TimeSpan TouchEvery = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, long> _touched = new();

    /// <summary>The live token with this secret (not revoked, not expired), or null and why.</summary>
    public async ValueTask<(TokenRecord? Token, string? Refusal)> FindAsync(string secret, CancellationToken cancellationToken)
    {
        if (!TokenSecrets.LooksLikeSecret(secret)) return (null, Unknown);
        var hash = TokenSecrets.Hash(secret);
        var key = Convert.ToHexString(hash);
        var now = clock.GetUtcNow();
        if (!_cache.TryGetValue(key, out var entry) || entry.Expires <= now)
        {
            entry = (await store.FindTokenByHashAsync(hash, cancellationToken), now + Lifetime);
            _cache[key] = entry;
        }
        if (entry.Token is not { RevokedMs: null } token) return (null, Unknown);
        if (token.ExpiresMs is { } expires && now.ToUnixTimeMilliseconds() >= expires)
            return (null, $"the token expired at {DateTimeOffset.FromUnixTimeMilliseconds(expires):yyyy-MM-ddTHH:mm:ssZ}; ask the exchange's admin for a new one");
        Touch(token.Id, now.ToUnixTimeMilliseconds());
        return (token, null);
    }

    private const string Unknown = "the token is unknown or revoked";

    /// <summary>Records the token's use in the background, at most once per <see cref="TouchEvery"/>; a failed write is tried on a later use.</summary>
    private void Touch(string tokenId, long nowMs)
    {
        if (_touched.TryGetValue(tokenId, out var last))
        {
            if (nowMs - last < (long)TouchEvery.TotalMilliseconds || !_touched.TryUpdate(tokenId, nowMs, last)) return;
        }
        else if (!_touched.TryAdd(tokenId, nowMs))
        {
            return;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await store.TouchTokenAsync(tokenId, nowMs);
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
                _touched.TryRemove(tokenId, out _);
            }
        });
    }

    private readonly ConcurrentDictionary<string, (long? Limit, DateTimeOffset Expires)> _rateLimits = new();

    /// <summary>
    /// The organization's own rate limit (requests a second for all its tokens together), or null when its tokens get the
    /// server's default each; read again after <see cref="Lifetime"/>, so a change made on another node applies within it.
    /// </summary>
    public async ValueTask<long?> RateLimitAsync(string organizationId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_rateLimits.TryGetValue(organizationId, out var entry) && entry.Expires > now) return entry.Limit;
        var organization = await store.GetOrganizationAsync(organizationId, cancellationToken);
        _rateLimits[organizationId] = (organization?.RateLimit, now + Lifetime);
        return organization?.RateLimit;
    }

    /// <summary>Forgets an organization's rate limit so that a change is seen by the next request.</summary>
    public void ForgetRateLimit(string organizationId) => _rateLimits.TryRemove(organizationId, out _);

    /// <summary>Forgets a token so that its revocation is seen by the next request.</summary>
    public void Forget(string tokenId)
    {
        foreach (var (key, entry) in _cache)
        {
            if (entry.Token?.Id == tokenId) _cache.TryRemove(key, out _);
        }
    }
}
