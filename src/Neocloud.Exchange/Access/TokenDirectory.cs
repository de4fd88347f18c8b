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

    /// <summary>The live (not revoked) token with this secret, or null.</summary>
    public async ValueTask<TokenRecord?> FindAsync(string secret, CancellationToken cancellationToken)
    {
        if (!TokenSecrets.LooksLikeSecret(secret)) return null;
        var hash = TokenSecrets.Hash(secret);
        var key = Convert.ToHexString(hash);
        var now = clock.GetUtcNow();
        if (!_cache.TryGetValue(key, out var entry) || entry.Expires <= now)
        {
            entry = (await store.FindTokenByHashAsync(hash, cancellationToken), now + Lifetime);
            _cache[key] = entry;
        }
        return entry.Token is { RevokedMs: null } token ? token : null;
    }

    /// <summary>Forgets a token so that its revocation is seen by the next request.</summary>
    public void Forget(string tokenId)
    {
        foreach (var (key, entry) in _cache)
        {
            if (entry.Token?.Id == tokenId) _cache.TryRemove(key, out _);
        }
    }
}
