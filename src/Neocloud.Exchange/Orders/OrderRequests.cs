using Neocloud.Domain.Catalog;
using Neocloud.Domain.Input;
using Neocloud.Domain.Time;
using Neocloud.Market.Commands;
using Neocloud.Market.Engine;
using Neocloud.Exchange.Pools;

namespace Neocloud.Exchange.Orders;

/// <summary>Turns order bodies into market commands, naming every bad field: the API's bodies, and the dashboard's forms (which write the same body), so both name a bad field alike.</summary>
public static class OrderRequests
{
    /// <summary>
    /// The body of POST /orders/bids: a SKU and limit, or 1–4 <c>alternatives</c> (SKUs of one market group, each with
    /// its limit); an optional region, or a <c>pool</c> (then the region is ignored); GPUs, window and time in force.
    /// </summary>
    public sealed record BidBody(int Gpus, Hour Start, Hour End, string? Sku = null, string? Limit = null, string? Region = null, string? Tif = null,
        IReadOnlyList<AlternativeBody>? Alternatives = null, string? Pool = null);

    /// <summary>One alternative of a bid: a SKU and the most it pays for it.</summary>
    public sealed record AlternativeBody(string Sku, string Limit);

    /// <summary>The body of POST /orders/asks.</summary>
    public sealed record AskBody(string Pool, int Gpus, Hour Start, Hour End, string Price);

    /// <summary>The body of POST /orders/portfolios: 2–16 legs, each a bid body without a time in force, all in one market group.</summary>
    public sealed record PortfolioBody(IReadOnlyList<LegBody> Legs);

    /// <summary>One leg of a portfolio.</summary>
    public sealed record LegBody(int Gpus, Hour Start, Hour End, string? Sku = null, string? Limit = null, IReadOnlyList<AlternativeBody>? Alternatives = null,
        string? Region = null, string? Pool = null);

    /// <summary>A bid, or null with the bad fields recorded in <paramref name="fields"/>.</summary>
    public static BidCommand? Bid(JsonFields fields, string organization, string orderId)
    {
        var bid = BidFields(fields, organization, orderId, withTif: true);
        fields.RejectUnknown();
        return fields.IsValid ? bid : null;
    }

    /// <summary>A portfolio, or null with the bad fields recorded in <paramref name="fields"/> (<c>legs[3].end</c>).</summary>
    public static PortfolioCommand? Portfolio(JsonFields fields, string organization, string orderId)
    {
        var index = 0;
        var legs = fields.Array("legs", leg => BidFields(leg, organization, PortfolioCommand.LegId(orderId, index++), withTif: false), Rules.MaxLegs);
        fields.RejectUnknown();
        if (legs is { Count: < Rules.MinLegs }) fields.Error("legs", $"must have {Rules.MinLegs} to {Rules.MaxLegs} legs, got {legs.Count}");
        if (legs is not null && fields.IsValid)
        {
            var group = MarketGroups.Of(legs[0]!.Sku);
            for (var i = 1; i < legs.Count; i++)
            {
                if (MarketGroups.Of(legs[i]!.Sku) != group)
                    fields.Error($"legs[{i}].sku", $"{legs[i]!.Sku} trades in market group {MarketGroups.Of(legs[i]!.Sku)}, the first leg's in {group}: a portfolio stays in one group");
            }
        }
        return fields.IsValid ? new PortfolioCommand(orderId, organization, legs!.Select(l => l!).ToList()) : null;
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

    /// <summary>
    /// Names what a bid's pool breaks: unknown, or of a SKU the bid does not take. The engine refuses the same, but only
    /// the request knows the field's name.
    /// </summary>
    public static async Task CheckPoolAsync(PoolDesk pools, BidCommand bid, string path, FieldErrors errors, CancellationToken ct)
    {
        if (bid.PoolId is not { } poolId) return;
        if (await pools.SkuOfAsync(poolId, ct) is not { } sku) errors.Add(path, $"unknown pool '{poolId}'");
        else if (!bid.Choices.Any(c => c.Sku == sku)) errors.Add(path, $"pool {poolId} holds {sku}, which is not one of the bid's SKUs ({string.Join(", ", bid.Choices.Select(c => c.Sku))})");
    }

    /// <summary>
    /// Reads an optional <c>alternatives</c> array of <c>{sku, limit}</c> (1–4 known SKUs of one market group, none
    /// twice); null when the object has none or when one is bad (the errors are in <paramref name="fields"/>).
    /// </summary>
    public static List<Alternative>? Alternatives(JsonFields fields)
    {
        var alternatives = fields.Array("alternatives", Alternative, Rules.MaxAlternatives, required: false);
        // Empty when every item was not an object (each is already an error): nothing to read.
        if (alternatives is not { Count: > 0 } || alternatives.Any(a => a is null)) return null;
        var group = MarketGroups.Of(alternatives[0]!.Value.Sku);
        for (var i = 0; i < alternatives.Count; i++)
        {
            var sku = alternatives[i]!.Value.Sku;
            if (alternatives.Take(i).Any(a => a!.Value.Sku == sku)) fields.Error($"alternatives[{i}].sku", $"{sku} is named twice");
            else if (MarketGroups.Of(sku) != group)
                fields.Error($"alternatives[{i}].sku", $"{sku} trades in market group {MarketGroups.Of(sku)}, {alternatives[0]!.Value.Sku} in {group}: alternatives stay in one group");
        }
        return fields.IsValid ? alternatives.Select(a => a!.Value).ToList() : null;
    }

    /// <summary>One alternative: a known SKU and its limit.</summary>
    private static Alternative? Alternative(JsonFields fields)
    {
        var sku = fields.String("sku", maxLength: 32);
        var limit = fields.Price("limit");
        if (sku is not null && ReferenceCatalog.Embedded.FindSku(sku) is null) fields.Error("sku", BidAlternatives.UnknownSku(sku));
        return sku is null || limit is null || ReferenceCatalog.Embedded.FindSku(sku) is not { } known ? null : new Alternative(known.Id, limit.Value);
    }

    /// <summary>A bid's fields in any object (a bid's body, or a leg's): what it takes, where, how many, when.</summary>
    private static BidCommand? BidFields(JsonFields fields, string organization, string orderId, bool withTif)
    {
        var written = fields.Has("alternatives");
        var alternatives = Alternatives(fields);
        var sku = fields.String("sku", required: !written, maxLength: 32);
        var limit = written ? fields.Price("limit", required: false) : fields.Price("limit");
        if (written && (sku is not null || limit is not null))
            fields.Error("alternatives", "name either sku and limit or alternatives, not both");
        var region = fields.Id("region", required: false);
        var pool = fields.Id("pool", required: false);
        var gpus = fields.Integer("gpus", 1, OrderIds.MaxGpus);
        var window = fields.Window();
        var tif = withTif ? fields.OneOf("tif", ["GTC", "IOC"], required: false) ?? "GTC" : "IOC";
        if (sku is not null && ReferenceCatalog.Embedded.FindSku(sku) is null) fields.Error("sku", BidAlternatives.UnknownSku(sku));
        if (!fields.IsValid) return null;
        var bid = alternatives is null
            ? new BidCommand(orderId, organization, ReferenceCatalog.Embedded.FindSku(sku!)!.Id, region, (int)gpus!.Value, window!.Value, limit!.Value, tif == "IOC")
            : BidCommand.Of(orderId, organization, alternatives, region, (int)gpus!.Value, window!.Value, tif == "IOC");
        return bid with { PoolId = pool };
    }
}
