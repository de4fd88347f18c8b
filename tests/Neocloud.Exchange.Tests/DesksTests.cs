using Neocloud.Domain.Orders;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Market.Commands;

namespace Neocloud.Exchange.Tests;

/// <summary>The order and pool desks: an organization acts only on what is its own, whoever calls (API or dashboard).</summary>
public sealed class DesksTests
{
    [Fact]
    public async Task An_organization_cancels_its_own_resting_bid_and_never_anothers()
    {
        await using var rig = await ShardRig.StartAsync();
        var orders = rig.Orders();
        var placed = await orders.PlaceAsync("microsoft", ((MarketRequest)ShardRig.Bid("b1", "microsoft", 8, "1.0000")).Command);

        var byStranger = await orders.CancelAsync("meta", "b1");
        var byOwner = await orders.CancelAsync("microsoft", "b1");
        var again = await orders.CancelAsync("microsoft", "b1");

        Assert.Equal(OrderStatus.Open, placed.Value!.Order.Status);
        Assert.Equal(FailureKind.NotFound, byStranger.Failure?.Kind);
        Assert.Equal(OrderStatus.Cancelled, byOwner.Value!.Status);
        Assert.Equal((FailureKind.Conflict, "Not cancellable"), (again.Failure!.Kind, again.Failure.Title));
        Assert.Equal(FailureKind.NotFound, (await orders.OrderAsync("meta", "b1")).Failure?.Kind);
    }

    [Fact]
    public async Task A_placed_bid_shows_the_trade_it_made_from_the_buyers_side()
    {
        await using var rig = await ShardRig.StartAsync();
        await rig.AcceptAsync(ShardRig.Pool("p1", "iren", 576));
        await rig.AcceptAsync(ShardRig.Ask("a1", "iren", "p1", 72, "2.4500"));

        var placed = await rig.Orders().PlaceAsync("microsoft", ((MarketRequest)ShardRig.Bid("b1", "microsoft", 64, "3.1000")).Command);

        var trade = Assert.Single(placed.Value!.Trades);
        Assert.Equal(("buy", "iren", "2.4500"), (trade.Side, trade.Counterparty, trade.Price));
        Assert.Equal(64m * 100 * 2.45m, trade.NotionalUsd);
    }

    [Fact]
    public async Task A_provider_registers_pools_only_at_its_own_sites_and_adds_capacity_only_to_its_own_pools()
    {
        await using var rig = await ShardRig.StartAsync();
        var pools = rig.Pools();
        var pool = new PoolCommand("p1", "nebius", "us-tx", "GB300", [new Segment(ShardRig.Start, ShardRig.Start + 100, 72)]);

        var atIrensSite = await pools.CreateAsync("nebius", pool, "iren-childress");
        var created = await pools.CreateAsync("nebius", pool, null);
        var byStranger = await pools.AddCapacityAsync("iren", "p1", new Segment(ShardRig.Start + 100, ShardRig.Start + 200, 72));
        var byOwner = await pools.AddCapacityAsync("nebius", "p1", new Segment(ShardRig.Start + 100, ShardRig.Start + 200, 144));

        Assert.Equal("site 'iren-childress' belongs to iren, not nebius", atIrensSite.Failure?.Errors?.For("site"));
        Assert.Equal([72L], created.Value!.Capacity.Select(s => s.Gpus));
        Assert.Equal(FailureKind.NotFound, byStranger.Failure?.Kind);
        Assert.True(byOwner.IsAccepted);
        var detail = (await pools.PoolAsync("p1")).Value!;
        Assert.Equal([72L, 144L], detail.Capacity.Select(s => s.Gpus));
        Assert.Equal([72, 144], detail.Usage.Select(u => u.Free));
    }
}
