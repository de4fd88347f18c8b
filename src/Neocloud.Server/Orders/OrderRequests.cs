using Neocloud.Domain.Catalog;
using Neocloud.Domain.Input;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Orders;
using Neocloud.Market.Commands;

namespace Neocloud.Server.Orders;

/// <summary>Turns order bodies into market commands, naming every bad field.</summary>
public static class OrderRequests
{
    /// <summary>The body of POST /orders/bids.</summary>
    public sealed record BidBody(string Sku, string? Region, int Gpus, Hour Start, Hour End, string Limit, string? Tif);

    /// <summary>The body of POST /orders/asks.</summary>
    public sealed record AskBody(string Pool, int Gpus, Hour Start, Hour End, string Price);

    /// <summary>A bid, or null with the bad fields recorded in <paramref name="fields"/>.</summary>
    public static BidCommand? Bid(JsonFields fields, string organization, string orderId)
    {
        var sku = fields.String("sku", maxLength: 32);
        var region = fields.Id("region", required: false);
        var gpus = fields.Integer("gpus", 1, OrderIds.MaxGpus);
        var window = fields.Window();
        var limit = fields.Price("limit");
        var tif = fields.OneOf("tif", ["GTC", "IOC"], required: false) ?? "GTC";
        fields.RejectUnknown();
        if (sku is not null && ReferenceCatalog.Embedded.FindSku(sku) is null)
            fields.Error("sku", $"unknown SKU '{sku}' (known: {string.Join(", ", ReferenceCatalog.Embedded.Skus.Select(s => s.Id))})");
        if (!fields.IsValid) return null;
        return new BidCommand(orderId, organization, ReferenceCatalog.Embedded.FindSku(sku!)!.Id, region, (int)gpus!.Value, window!.Value, limit!.Value, tif == "IOC");
    }

    /// <summary>An ask, or null with the bad fields recorded in <paramref name="fields"/>.</summary>
    public static AskCommand? Ask(JsonFields fields, string organization, string orderId)
    {
        var pool = fields.Id("pool");
        var gpus = fields.Integer("gpus", 1, OrderIds.MaxGpus);
        var window = fields.Window();
        var price = fields.Price("price");
        fields.RejectUnknown();
        if (!fields.IsValid) return null;
        return new AskCommand(orderId, organization, pool!, (int)gpus!.Value, window!.Value, price!.Value);
    }
}
