using Neocloud.Domain.Input;
using Neocloud.Exchange.Events;

namespace Neocloud.Exchange.Webhooks;

/// <summary>
/// What a new webhook asks for, read at the edge: an absolute http(s) URL (at most 2,000 characters, no user
/// information), the event types it wants (known ones; none means all), and a description. Whether the URL may be
/// reached is the desk's to judge (<see cref="WebhookDesk"/>), since that needs DNS.
/// </summary>
public sealed record WebhookTerms(Uri Url, IReadOnlyList<string> Types, string Description)
{
    /// <summary>The longest URL accepted.</summary>
    public const int MaxUrlLength = 2000;

    /// <summary>Reads the body of <c>POST /webhooks</c>; null with the errors in <paramref name="fields"/> when it is not valid.</summary>
    public static WebhookTerms? Read(JsonFields fields)
    {
        var url = fields.String("url", maxLength: MaxUrlLength);
        var types = fields.Strings("types", EventTypes.All.Count, required: false) ?? [];
        var description = fields.String("description", required: false, maxLength: 500) ?? "";
        fields.RejectUnknown();
        Uri? uri = null;
        if (url is not null && !TryUrl(url, out uri, out var error)) fields.Errors.Add("url", error);
        var unknown = types.Where(t => !EventTypes.IsKnown(t)).ToList();
        if (unknown.Count > 0) fields.Errors.Add("types", $"unknown event type '{unknown[0]}'; known: {string.Join(", ", EventTypes.All)}");
        return fields.IsValid ? new WebhookTerms(uri!, types, description) : null;
    }

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
