using System.Text.Json;
using Neocloud.Domain.Catalog;
using Neocloud.Domain.Money;
using Neocloud.Market.Commands;

namespace Neocloud.Exchange.Orders;

/// <summary>
/// One leg of a portfolio order as the read model keeps it: the bid body (a SKU and limit, or alternatives; a region
/// or a pool; GPUs and window) and the trade it made when the portfolio filled.
/// </summary>
public sealed record PortfolioLeg(
    string? Sku, string? Limit, IReadOnlyList<AlternativeView>? Alternatives, string? Region, string? Pool, int Gpus, int Start, int End, long? Trade)
{
    /// <summary>A portfolio whose every leg traded.</summary>
    public const string Filled = "filled";

    /// <summary>A portfolio one of whose legs found no ask: nothing traded.</summary>
    public const string Cancelled = "cancelled";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public static PortfolioLeg Of(BidCommand leg, long? tradeNo) => new(
        leg.Alternatives is null ? leg.Sku : null, leg.Alternatives is null ? leg.Limit.ToString() : null,
        leg.Alternatives?.Select(AlternativeView.Of).ToList(), leg.PoolId is null ? leg.Region : null, leg.PoolId, leg.Gpus,
        leg.Window.Start.Value, leg.Window.End.Value, tradeNo);

    public static string Format(IReadOnlyList<PortfolioLeg> legs) => JsonSerializer.Serialize(legs, s_json);

    public static IReadOnlyList<PortfolioLeg> Parse(string json) => JsonSerializer.Deserialize<List<PortfolioLeg>>(json, s_json) ?? [];
}

/// <summary>One alternative of a bid: a SKU and the limit for it (four decimals).</summary>
public sealed record AlternativeView(string Sku, string Limit)
{
    public static AlternativeView Of(Alternative a) => new(a.Sku, a.Limit.ToString());
}

/// <summary>A bid's alternatives as the orders table keeps them (JSON), and the error for a SKU the catalog does not know.</summary>
public static class BidAlternatives
{
    /// <summary>The error for a SKU the catalog does not know, listing those it does.</summary>
    public static string UnknownSku(string sku) =>
        $"unknown SKU '{sku}' (known: {string.Join(", ", ReferenceCatalog.Embedded.Skus.Select(s => s.Id))})";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public static string? Format(IReadOnlyList<Alternative>? alternatives) =>
        alternatives is null ? null : JsonSerializer.Serialize(alternatives.Select(AlternativeView.Of), s_json);

    public static IReadOnlyList<AlternativeView>? Parse(string? json) =>
        json is null ? null : JsonSerializer.Deserialize<List<AlternativeView>>(json, s_json);

    /// <summary>The alternatives as commands take them (prices of four decimals, as written).</summary>
    public static IReadOnlyList<Alternative>? Commands(string? json) =>
        Parse(json)?.Select(a => new Alternative(a.Sku, Price.TryParse(a.Limit, out var p, out _) ? p : throw new FormatException($"stored limit '{a.Limit}'"))).ToList();
}
