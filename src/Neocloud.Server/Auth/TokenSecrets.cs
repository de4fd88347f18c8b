using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Neocloud.Server.Auth;

/// <summary>Makes API tokens (256 random bits) and the SHA-256 hashes they are stored and looked up by.</summary>
public static class TokenSecrets
{
    private const string Prefix = "nc_";

    /// <summary>A new token secret: <c>nc_</c> and 32 random bytes in base64url.</summary>
    public static string NewSecret() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>A new token id, safe to show and log.</summary>
    public static string NewId() => "tok_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>The hash a secret is stored under.</summary>
    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>True when the text has the shape of a token (so garbage is refused without a database look-up).</summary>
    public static bool LooksLikeSecret(string text) => text.Length == Prefix.Length + 43 && text.StartsWith(Prefix, StringComparison.Ordinal);
}
