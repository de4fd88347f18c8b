using System.Collections.Concurrent;
using Neocloud.Storage;

namespace Neocloud.Exchange.Access;

/// <summary>
/// Finds the token behind a secret, with a short cache so a busy client does not cost a database read per request.
/// Revocation through this server takes effect at once; a revocation made elsewhere within <see cref="Lifetime"/>.
/// Only tokens the store has are cached: a secret it does not know costs a read each time and leaves nothing behind,
/// so made-up secrets cannot grow the cache (the per-address limit keeps their reads few).
/// </summary>
public sealed partial class TokenDirectory(ExchangeStore store, TimeProvider clock) : IDisposable
{
    /// <summary>How long a looked-up token is trusted before it is read again.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    // Each token with its journal actor, made once per lookup in the store, so a request costs no JSON for it.
    private readonly ConcurrentDictionary<string, (TokenRecord Token, JournalActor Actor, DateTimeOffset Expires)> _cache = new(StringComparer.Ordinal);
    private long _pruneAfterTicks;
    private long _storeReads;

    /// <summary>How many secrets the cache holds now: tokens the store has, used within about two <see cref="Lifetime"/>s.</summary>
    public int CachedTokens => _cache.Count;

    /// <summary>How many times a secret has been looked up in the store (a test's count of what garbage costs).</summary>
    public long StoreReads => Interlocked.Read(ref _storeReads);

    /// <summary>How often a token's last use is written: at most once this often per token.</summary>
    public static readonly TimeSpan TouchEvery = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, long> _touched = new();

    /// <summary>
    /// The live token with this secret (not revoked, not expired) and the actor its requests journal (its id and label),
    /// or null and why.
    /// </summary>
    public async ValueTask<(TokenRecord? Token, JournalActor? Actor, string? Refusal)> FindAsync(string secret, CancellationToken cancellationToken)
    {
        if (!TokenSecrets.LooksLikeSecret(secret)) return (null, null, Unknown);
        var hash = TokenSecrets.Hash(secret);
        var key = Convert.ToHexString(hash);
        var now = clock.GetUtcNow();
        Prune(now);
        if (!_cache.TryGetValue(key, out var entry) || entry.Expires <= now)
        {
            Interlocked.Increment(ref _storeReads);
            if (await store.FindTokenByHashAsync(hash, cancellationToken) is not { } stored) return (null, null, Unknown);
            _cache[key] = entry = (stored, new JournalActor(JournalActor.TokenKind, stored.Id, stored.Label), now + Lifetime);
        }
        if (RefusalOf(entry.Token, now) is { } refusal) return (null, null, refusal);
        Touch(entry.Token.Id, now.ToUnixTimeMilliseconds());
        return (entry.Token, entry.Actor, null);
    }

    private const string Unknown = "the token is unknown or revoked";

    /// <summary>Why a token does not work now (unknown, revoked, expired), or null when it does.</summary>
    private static string? RefusalOf(TokenRecord? token, DateTimeOffset now) => RefusalOf(token is not { RevokedMs: null }, token?.ExpiresMs, now);

    private static string? RefusalOf(bool revoked, long? expiresMs, DateTimeOffset now)
    {
        if (revoked) return Unknown;
        if (expiresMs is { } expires && now.ToUnixTimeMilliseconds() >= expires)
            return $"the token expired at {DateTimeOffset.FromUnixTimeMilliseconds(expires):yyyy-MM-ddTHH:mm:ssZ}; ask the exchange's admin for a new one";
        return null;
    }

    /// <summary>Drops entries past their lifetime, at most once a <see cref="Lifetime"/> (a token not used since is read again anyway).</summary>
    private void Prune(DateTimeOffset now)
    {
        var due = Interlocked.Read(ref _pruneAfterTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _pruneAfterTicks, (now + Lifetime).UtcTicks, due) != due) return;
        foreach (var (key, entry) in _cache)
        {
            if (entry.Expires <= now) _cache.TryRemove(new KeyValuePair<string, (TokenRecord, JournalActor, DateTimeOffset)>(key, entry));
        }
    }

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

    private readonly ConcurrentDictionary<string, DateTimeOffset> _organizations = new();

    /// <summary>
    /// True when the organization exists (a person's organization claim is checked against it); a known one is
    /// remembered for <see cref="Lifetime"/>, an unknown one read again each time (organizations are only ever added).
    /// </summary>
    public async ValueTask<bool> KnowsOrganizationAsync(string organizationId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_organizations.TryGetValue(organizationId, out var until) && until > now) return true;
        if (await store.GetOrganizationAsync(organizationId, cancellationToken) is null) return false;
        _organizations[organizationId] = now + Lifetime;
        return true;
    }

    /// <summary>Forgets an organization's rate limit so that a change is seen by the next request.</summary>
    public void ForgetRateLimit(string organizationId) => _rateLimits.TryRemove(organizationId, out _);

    /// <summary>
    /// Forgets a token so that its revocation (or rotation) is seen by the next request, and reads it again at once for
    /// the requests it holds open (<see cref="Hold"/>), which end if it no longer works.
    /// </summary>
    public void Forget(string tokenId)
    {
        foreach (var (key, entry) in _cache)
        {
            if (entry.Token.Id == tokenId) _cache.TryRemove(key, out _);
        }
        Recheck(tokenId);
    }
}
