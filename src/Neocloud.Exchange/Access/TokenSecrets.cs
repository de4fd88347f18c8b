using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Neocloud.Storage;

namespace Neocloud.Exchange.Access;

/// <summary>Makes API tokens (256 random bits) and the SHA-256 hashes they are stored and looked up by.</summary>
public static class TokenSecrets
{
    private const string Prefix = "nc_";

    /// <summary>A new token secret: <c>nc_</c> and 32 random bytes in base64url.</summary>
    public static string NewSecret() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>A new token id, safe to show and log.</summary>
    public static string NewId() => "tok_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>A new token record and its secret (the secret is never stored, only its hash).</summary>
    public static (TokenRecord Token, string Secret) NewToken(string organizationId, string label, IEnumerable<string> scopes, TimeProvider clock)
    {
        var secret = NewSecret();
        var token = new TokenRecord(NewId(), organizationId, Hash(secret), string.Join(' ', scopes), label, clock.GetUtcNow().ToUnixTimeMilliseconds(), null);
        return (token, secret);
    }

    /// <summary>The hash a secret is stored under.</summary>
    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>True when the text has the shape of a token (so garbage is refused without a database look-up).</summary>
    public static bool LooksLikeSecret(string text) => text.Length == Prefix.Length + 43 && text.StartsWith(Prefix, StringComparison.Ordinal);
}
