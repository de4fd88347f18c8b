using Neocloud.Domain.Input;
using System.Globalization;
using System.Security.Cryptography;
using Neocloud.Domain.Catalog;
using Neocloud.Server.Exchange;
using Neocloud.Server.Http;

namespace Neocloud.Server.Orders;

/// <summary>Turns order bodies into validated commands, naming every bad field.</summary>
public static class OrderRequests
{
    /// <summary>The most GPUs one order may hold.</summary>
    public const int MaxGpus = 1_000_000;

    /// <summary>The body of POST /orders/bids.</summary>
    public sealed record BidBody(string Sku, string? Region, int Gpus, long Start, long End, string Limit, string? Tif);

    /// <summary>The body of POST /orders/asks.</summary>
    public sealed record AskBody(string Pool, int Gpus, long Start, long End, string Price);

    /// <summary>
    /// A new order id: the millisecond it was made (12 hex digits), so new ids sort last and the store's index on them
    /// grows at one edge instead of touching a random page per order, then 64 random bits, so an id cannot be guessed.
    /// </summary>
    public static string NewOrderId()
    {
        Span<byte> random = stackalloc byte[8];
        RandomNumberGenerator.Fill(random);
        return string.Create(CultureInfo.InvariantCulture, $"ord_{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds():x12}{Convert.ToHexStringLower(random)}");
    }

    public static PlaceBid? Bid(JsonFields fields, string organization)
    {
        var sku = fields.String("sku", maxLength: 32);
        var region = fields.Id("region", required: false);
        var gpus = fields.Integer("gpus", 1, MaxGpus);
        var window = fields.Window();
        var limit = fields.Price("limit");
        var tif = fields.OneOf("tif", ["GTC", "IOC"], required: false) ?? "GTC";
        fields.RejectUnknown();
        if (sku is not null && ReferenceCatalog.Embedded.FindSku(sku) is null)
            fields.Error("sku", $"unknown SKU '{sku}' (known: {string.Join(", ", ReferenceCatalog.Embedded.Skus.Select(s => s.Id))})");
        if (!fields.IsValid) return null;
        return new PlaceBid(organization, NewOrderId(), ReferenceCatalog.Embedded.FindSku(sku!)!.Id, region, (int)gpus!.Value, window!.Value, limit!.Value, tif == "IOC");
    }

    public static PlaceAsk? Ask(JsonFields fields, string organization)
    {
        var pool = fields.Id("pool");
        var gpus = fields.Integer("gpus", 1, MaxGpus);
        var window = fields.Window();
        var price = fields.Price("price");
        fields.RejectUnknown();
        if (!fields.IsValid) return null;
        return new PlaceAsk(organization, NewOrderId(), pool!, (int)gpus!.Value, window!.Value, price!.Value);
    }
}
