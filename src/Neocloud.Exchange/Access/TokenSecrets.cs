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

    /// <summary>
    /// True when the text could be a token: <c>nc_</c> and 43 base64url characters whose last one leaves the two bits past
    /// the 256th at 0, as <see cref="NewSecret"/> writes them. Anything else is refused without a database look-up.
    /// </summary>
    public static bool LooksLikeSecret(string text)
    {
        if (text.Length != Prefix.Length + 43 || !text.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var digits = text.AsSpan(Prefix.Length);
        foreach (var c in digits)
        {
            if (Base64UrlValue(c) < 0) return false;
        }
        return (Base64UrlValue(digits[^1]) & 0b11) == 0;
    }

    private static int Base64UrlValue(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '-' => 62,
        '_' => 63,
        _ => -1,
    };
}
