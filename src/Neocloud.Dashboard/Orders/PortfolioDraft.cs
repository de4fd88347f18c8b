using System.Text.Json.Nodes;
using Neocloud.Domain.Input;
using Neocloud.Exchange.Orders;
using Neocloud.Exchange.Pools;
using Neocloud.Market.Commands;

namespace Neocloud.Dashboard.Orders;

/// <summary>
/// A portfolio as the desk's builder holds it: 2–16 legs, each a <see cref="BidDraft"/>, all or none. It is read as the
/// API reads its portfolio body (<see cref="OrderRequests.Portfolio"/>), naming each bad field alike (<c>legs</c>,
/// <c>legs[1].limit</c>, <c>legs[0].alternatives[1].sku</c>).
/// </summary>
public sealed class PortfolioDraft
{
    /// <summary>The legs, in the order they take asks.</summary>
    public List<BidDraft> Legs { get; } = [new(), new()];

    /// <summary>The portfolio without the store's checks (its pools), or null with the bad fields in <paramref name="errors"/>.</summary>
    public PortfolioCommand? Read(string orderId, string organization, FieldErrors errors)
    {
        var body = new JsonObject { ["legs"] = new JsonArray([.. Legs.Select(l => (JsonNode)l.Body())]) };
        var fields = JsonFields.Of(System.Text.Json.JsonSerializer.SerializeToElement(body));
        var portfolio = OrderRequests.Portfolio(fields, organization, orderId);
        foreach (var (field, messages) in fields.Errors) errors.Add(field, string.Join("; ", messages));
        return portfolio;
    }

    /// <summary>The portfolio with every leg's pool checked too, or null with the bad fields in <paramref name="errors"/>.</summary>
    public async Task<PortfolioCommand?> ReadAsync(PoolDesk pools, string orderId, string organization, FieldErrors errors)
    {
        if (Read(orderId, organization, errors) is not { } portfolio) return null;
        for (var i = 0; i < portfolio.Legs.Count; i++) await BidDraft.CheckPoolAsync(pools, portfolio.Legs[i], $"legs[{i}].pool", errors);
        return errors.IsEmpty ? portfolio : null;
    }
}
