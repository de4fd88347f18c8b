using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Neocloud.Exchange.Webhooks;

/// <summary>
/// The signature every webhook request carries, <c>Neocloud-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "&lt;t&gt;.&lt;body&gt;")&gt;</c>:
/// the receiver recomputes it with the hook's secret over the exact body bytes, and checks <c>t</c> is recent.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The header's name.</summary>
    public const string Header = "Neocloud-Signature";

    /// <summary>The header's value for <paramref name="body"/> signed at <paramref name="unixSeconds"/>.</summary>
    public static string Of(string secret, long unixSeconds, string body)
    {
        var t = unixSeconds.ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }
}
