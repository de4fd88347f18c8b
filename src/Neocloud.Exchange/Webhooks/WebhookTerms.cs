namespace Neocloud.Exchange.Webhooks;

/// <summary>
/// What a new webhook asks for, read at the edge (the server reads the request body): an absolute http(s) URL (at
/// most 2,000 characters, no user information), the event types it wants (known ones; none means all), and a
/// description. Whether the URL may be reached is the desk's to judge (<see cref="WebhookDesk"/>), since that needs DNS.
/// </summary>
public sealed record WebhookTerms(Uri Url, IReadOnlyList<string> Types, string Description)
{
    /// <summary>The longest URL accepted.</summary>
    public const int MaxUrlLength = 2000;

    /// <summary>An absolute http or https URL with a host and no user information.</summary>
    public static bool TryUrl(string text, out Uri? url, out string error)
    {
        error = "";
        if (!Uri.TryCreate(text, UriKind.Absolute, out url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp) || url.Host.Length == 0)
        {
            error = $"must be an absolute https URL such as \"https://example.com/hooks/neocloud\", got \"{(text.Length > 100 ? text[..100] + "…" : text)}\"";
            return false;
        }
        if (url.UserInfo.Length > 0)
        {
            error = "must not carry a user name or password; authenticate the request by its signature";
            return false;
        }
        return true;
    }

    /// <summary>The stored form of a type list (comma-separated, empty for all) read back.</summary>
    public static IReadOnlyList<string> TypesOf(string stored) => stored.Length == 0 ? [] : stored.Split(',');
}
