using Neocloud.Domain.Catalog;
using Neocloud.Domain.Input;
using Neocloud.Exchange.Pools;
using Neocloud.Market.Commands;
using Neocloud.Market.Engine;

namespace Neocloud.Dashboard.Orders;

/// <summary>
/// A portfolio as the desk's builder holds it: 2–16 legs, each a <see cref="BidDraft"/>, all or none. Reading it names
/// each bad field as the API's portfolio body does (<c>legs</c>, <c>legs[1].limit</c>, <c>legs[0].alternatives[1].sku</c>).
/// </summary>
public sealed class PortfolioDraft
{
    /// <summary>The legs, in the order they take asks.</summary>
    public List<BidDraft> Legs { get; } = [new(), new()];

    /// <summary>The portfolio without the store's checks (its pools), or null with the bad fields in <paramref name="errors"/>.</summary>
    public PortfolioCommand? Read(string orderId, string organization, FieldErrors errors)
    {
        if (Legs.Count is < Rules.MinLegs or > Rules.MaxLegs)
            errors.Add("legs", $"must have {Rules.MinLegs} to {Rules.MaxLegs} legs, got {Legs.Count}");
        var legs = new List<BidCommand>();
        for (var i = 0; i < Legs.Count; i++)
        {
            if (Legs[i].Read(PortfolioCommand.LegId(orderId, i), organization, immediateOrCancel: true, errors, $"legs[{i}].") is { } leg) legs.Add(leg);
        }
        if (!errors.IsEmpty) return null;
        var group = MarketGroups.Of(legs[0].Sku);
        for (var i = 1; i < legs.Count; i++)
        {
            if (MarketGroups.Of(legs[i].Sku) != group)
                errors.Add($"legs[{i}].sku", $"{legs[i].Sku} trades in market group {MarketGroups.Of(legs[i].Sku)}, the first leg's in {group}: a portfolio stays in one group");
        }
        return errors.IsEmpty ? new PortfolioCommand(orderId, organization, legs) : null;
    }

    /// <summary>The portfolio with every leg's pool checked too, or null with the bad fields in <paramref name="errors"/>.</summary>
    public async Task<PortfolioCommand?> ReadAsync(PoolDesk pools, string orderId, string organization, FieldErrors errors)
    {
        if (Read(orderId, organization, errors) is not { } portfolio) return null;
        for (var i = 0; i < portfolio.Legs.Count; i++) await BidDraft.CheckPoolAsync(pools, portfolio.Legs[i], $"legs[{i}].pool", errors);
        return errors.IsEmpty ? portfolio : null;
    }
}
