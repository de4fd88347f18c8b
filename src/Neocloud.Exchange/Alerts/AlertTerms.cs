using Neocloud.Domain.Catalog;
using Neocloud.Domain.Input;
using Neocloud.Domain.Money;
using Neocloud.Domain.Time;

namespace Neocloud.Exchange.Alerts;

/// <summary>What an organization asks an alert to watch, as read from a request: a known SKU, a kind, a price, and a region or a month.</summary>
public sealed record AlertTerms(string Sku, string? Region, string Kind, Price Price, CalendarMonth? Month)
{
    /// <summary>An alert's terms from a request's fields (the API's body, the dashboard's form), or null with every bad field named in <paramref name="fields"/>.</summary>
    public static AlertTerms? Read(JsonFields fields)
    {
        var sku = fields.String("sku", maxLength: 32);
        var kind = fields.OneOf("kind", AlertKinds.All);
        var price = fields.Price("price");
        var region = fields.Id("region", required: false);
        var month = fields.Month("month", required: false);
        fields.RejectUnknown();
        var known = sku is null ? null : ReferenceCatalog.Embedded.FindSku(sku);
        if (sku is not null && known is null) fields.Error("sku", $"unknown SKU '{sku}'; known: {string.Join(", ", ReferenceCatalog.Embedded.Skus.Select(s => s.Id))}");
        if (kind is not null && AlertKinds.IsCurve(kind))
        {
            if (month is null && !fields.Errors.ContainsKey("month")) fields.Error("month", "is required for a curve alert: the month of the forward curve it watches (yyyy-MM)");
            if (region is not null) fields.Error("region", "a curve alert takes no region: the forward curve is the SKU's in every region");
        }
        else if (kind is not null && fields.Has("month"))
            fields.Error("month", $"only curve alerts take a month; {kind} watches the market now");
        return fields.IsValid ? new AlertTerms(known!.Id, region, kind!, price!.Value, month) : null;
    }
}
