using Neocloud.Domain.Input;
using Neocloud.Exchange.Events;
using Neocloud.Exchange.Webhooks;

namespace Neocloud.Server.Webhooks;

/// <summary>Turns the body of <c>POST /webhooks</c> into a webhook's terms, naming every bad field.</summary>
public static class WebhookRequests
{
    /// <summary>A new webhook's terms, or null with the bad fields recorded in <paramref name="fields"/>.</summary>
    public static WebhookTerms? Terms(JsonFields fields)
    {
        var url = fields.String("url", maxLength: WebhookTerms.MaxUrlLength);
        var types = fields.Strings("types", EventTypes.All.Count, required: false) ?? [];
        var description = fields.String("description", required: false, maxLength: 500) ?? "";
        fields.RejectUnknown();
        Uri? uri = null;
        if (url is not null && !WebhookTerms.TryUrl(url, out uri, out var error)) fields.Errors.Add("url", error);
        var unknown = types.Where(t => !EventTypes.IsKnown(t)).ToList();
        if (unknown.Count > 0) fields.Errors.Add("types", $"unknown event type '{unknown[0]}'; known: {string.Join(", ", EventTypes.All)}");
        return fields.IsValid ? new WebhookTerms(uri!, types, description) : null;
    }
}
