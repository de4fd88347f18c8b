using Microsoft.Extensions.Logging.Abstractions;
using Neocloud.Domain.Procurement;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Procurement;
using Neocloud.Exchange.Shard;
using Neocloud.Market.Commands;
using Neocloud.Testing;

namespace Neocloud.Exchange.Tests;

/// <summary>
/// Standing procurement on a real shard over a real SQLite file, with a clock the tests move forward: the runner keeps
/// the buyer's horizon covered with blocks bought at the best asks, reports what it cannot buy, and never buys a block twice.
/// </summary>
public sealed class ProcurementTests : IAsyncLifetime
{
    private const string Buyer = "microsoft";
    private readonly TestClock _clock = new();
    private ShardRig _rig = null!;
    private int _now;

    public async Task InitializeAsync()
    {
        // One minute past the next hour: the current hour stays put for the test unless the test moves it.
        var now = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromTicks(now.UtcTicks % TimeSpan.TicksPerHour) + TimeSpan.FromMinutes(1));
        _now = Hour.FromUtc(_clock.GetUtcNow()).Value;
        _rig = await ShardRig.StartAsync();
        await _rig.AcceptAsync(Pool("iren-gb300", "iren"));
        await _rig.AcceptAsync(Pool("coreweave-gb300", "coreweave"));
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task Buys_blocks_to_cover_the_horizon_at_the_best_asks()
    {
        await _rig.AcceptAsync(Ask("a-cheap", "coreweave", "coreweave-gb300", "2.3000", from: _now - 1, to: _now + 340));
        await _rig.AcceptAsync(Ask("a-dear", "iren", "iren-gb300", "2.4500"));
        var (desk, runner) = Exchange();
        var started = await desk.StartAsync(Buyer, Terms(gpus: 64, horizon: 720, block: 168, maxPrice: "3.10"));

        await runner.TopUpAllAsync();

        var view = (await desk.ProcurementAsync(Buyer, started.Value!.Id)).Value!;
        Assert.Equal(
            [(_now, _now + 168, "2.3000", "coreweave-gb300"), (_now + 168, _now + 336, "2.3000", "coreweave-gb300"), (_now + 336, _now + 504, "2.4500", "iren-gb300"),
                (_now + 504, _now + 672, "2.4500", "iren-gb300"), (_now + 672, _now + 840, "2.4500", "iren-gb300")],
            view.Bought.Select(b => (b.Start, b.End, b.Price, b.Pool)));
        Assert.Equal((_now + 840L, true), (view.CoveredThrough, view.Covered));
        Assert.Empty(view.Misses);
        Assert.Equal(view.Bought.Select(b => b.TradeId), (await BuyersTradesAsync()).Select(t => t.Id));
    }

    [Fact]
    public async Task Reports_a_miss_when_no_ask_is_under_the_maximum_and_buys_once_one_appears()
    {
        await _rig.AcceptAsync(Ask("a-dear", "iren", "iren-gb300", "3.5000"));
        var (desk, runner) = Exchange();
        var id = (await desk.StartAsync(Buyer, Terms(gpus: 64, horizon: 336, block: 168, maxPrice: "3.10"))).Value!.Id;

        await runner.TopUpAllAsync();
        await runner.TopUpAllAsync();
        var missed = (await desk.ProcurementAsync(Buyer, id)).Value!;

        Assert.Empty(missed.Bought);
        var miss = Assert.Single(missed.Misses);
        Assert.StartsWith($"no ask under 3.1000 for [{_now}, {_now + 168}) (the best is 3.5000)", miss.Reason);
        Assert.Equal(2, miss.Tries);
        Assert.Equal((long)_now, missed.CoveredThrough);

        await _rig.AcceptAsync(Ask("a-fair", "coreweave", "coreweave-gb300", "3.0000"));
        await runner.TopUpAllAsync();

        var bought = (await desk.ProcurementAsync(Buyer, id)).Value!;
        Assert.Equal(["3.0000", "3.0000"], bought.Bought.Select(b => b.Price));
        Assert.Empty(bought.Misses);
        // The quote kept the misses out of the book: only the two bids that bought were placed.
        Assert.Equal(2, (await _rig.Orders().OrdersAsync(Buyer, null, null, 100)).Items.Count);
    }

    [Fact]
    public async Task Advancing_the_clock_buys_the_next_block()
    {
        await _rig.AcceptAsync(Ask("a1", "iren", "iren-gb300", "2.4500"));
        var (desk, runner) = Exchange();
        var id = (await desk.StartAsync(Buyer, Terms(gpus: 8, horizon: 720, block: 168, maxPrice: "3.10"))).Value!.Id;
        await runner.TopUpAllAsync();

        _clock.Advance(TimeSpan.FromHours(100));
        await runner.TopUpAllAsync();
        var after100 = (await desk.ProcurementAsync(Buyer, id)).Value!;
        _clock.Advance(TimeSpan.FromHours(100));
        await runner.TopUpAllAsync();
        var after200 = (await desk.ProcurementAsync(Buyer, id)).Value!;

        Assert.Equal(5, after100.Bought.Count);
        Assert.Equal(6, after200.Bought.Count);
        Assert.Equal((_now + 840L, _now + 1008L), (after200.Bought[^1].Start, after200.Bought[^1].End));
        Assert.True(after200.Covered);
    }

    [Fact]
    public async Task Stop_keeps_what_was_bought_and_buys_nothing_more()
    {
        await _rig.AcceptAsync(Ask("a1", "iren", "iren-gb300", "2.4500"));
        var (desk, runner) = Exchange();
        var id = (await desk.StartAsync(Buyer, Terms(gpus: 8, horizon: 336, block: 168, maxPrice: "3.10"))).Value!.Id;
        await runner.TopUpAllAsync();

        var byStranger = await desk.StopAsync("meta", id);
        var stopped = await desk.StopAsync(Buyer, id);
        var again = await desk.StopAsync(Buyer, id);
        _clock.Advance(TimeSpan.FromHours(400));
        await runner.TopUpAllAsync();

        Assert.Equal(FailureKind.NotFound, byStranger.Failure?.Kind);
        Assert.Equal(FailureKind.NotFound, (await desk.ProcurementAsync("meta", id)).Failure?.Kind);
        Assert.Equal(ProcurementStatus.Stopped, stopped.Value!.Status);
        Assert.Equal(FailureKind.Conflict, again.Failure?.Kind);
        var view = (await desk.ProcurementAsync(Buyer, id)).Value!;
        Assert.Equal(2, view.Bought.Count);
        Assert.Equal(2, (await BuyersTradesAsync()).Count);
    }

    [Fact]
    public async Task A_restart_after_a_bid_that_was_never_recorded_records_it_and_buys_nothing_twice()
    {
        await _rig.AcceptAsync(Ask("a1", "iren", "iren-gb300", "2.4500"));
        var (desk, runner) = Exchange();
        var id = (await desk.StartAsync(Buyer, Terms(gpus: 8, horizon: 336, block: 168, maxPrice: "3.10"))).Value!.Id;
        await runner.TopUpAllAsync();
        var procurement = (await _rig.Store.GetProcurementAsync(id))!;

        // A runner placed its next bid, then the exchange died before it recorded the block.
        _clock.Advance(TimeSpan.FromHours(100));
        await _rig.AcceptAsync(new MarketRequest(Buyer, new BidCommand(ProcurementRunner.BidId(id, procurement.NextBid), Buyer, "GB300", null, 8,
            HourWindow.Of(_now + 336, _now + 504), ShardRig.Dollars("3.1000"), true)));
        await _rig.RestartAsync();
        var (desk2, runner2) = Exchange();
        await runner2.TopUpAllAsync();

        var view = (await desk2.ProcurementAsync(Buyer, id)).Value!;
        Assert.Equal([_now, _now + 168, _now + 336L], view.Bought.Select(b => b.Start));
        Assert.Equal(3, (await BuyersTradesAsync()).Count);
        Assert.True(view.Covered);
    }

    [Fact]
    public async Task Two_runners_racing_buy_each_block_once()
    {
        await _rig.AcceptAsync(Ask("a1", "iren", "iren-gb300", "2.4500"));
        var (desk, first) = Exchange();
        var (_, second) = Exchange();
        var id = (await desk.StartAsync(Buyer, Terms(gpus: 8, horizon: 720, block: 24, maxPrice: "3.10"))).Value!.Id;

        await Task.WhenAll(first.TopUpAllAsync(), second.TopUpAllAsync(), first.TopUpAllAsync(), second.TopUpAllAsync());

        var view = (await desk.ProcurementAsync(Buyer, id)).Value!;
        Assert.Equal(Enumerable.Range(0, 30).Select(i => (long)_now + (24 * i)), view.Bought.Select(b => b.Start));
        Assert.Equal(30, (await BuyersTradesAsync()).Count);
    }

    [Fact]
    public async Task A_cancelled_bid_uses_its_number_up_and_the_next_bid_takes_the_next_number()
    {
        var (desk, runner) = Exchange();
        var id = (await desk.StartAsync(Buyer, Terms(gpus: 8, horizon: 168, block: 168, maxPrice: "3.10"))).Value!.Id;
        // Bid number 0 was placed when the book was empty: the IOC was cancelled and its id is used up.
        await _rig.AcceptAsync(new MarketRequest(Buyer, new BidCommand(ProcurementRunner.BidId(id, 0), Buyer, "GB300", null, 8,
            HourWindow.Of(_now, _now + 168), ShardRig.Dollars("3.1000"), true)));
        await _rig.AcceptAsync(Ask("a1", "iren", "iren-gb300", "2.4500"));

        await runner.TopUpAllAsync();

        var view = (await desk.ProcurementAsync(Buyer, id)).Value!;
        Assert.Equal(ProcurementRunner.BidId(id, 1), Assert.Single(view.Bought).Bid);
        Assert.Empty(view.Misses);
    }

    [Fact]
    public async Task With_alternatives_it_buys_whichever_sku_has_an_ask_under_its_own_limit()
    {
        await _rig.AcceptAsync(new MarketRequest("nebius", new PoolCommand("nebius-gb200", "nebius", "us-tx", "GB200", [new Segment(_now - 48, _now + 20_000, 576)])));
        await _rig.AcceptAsync(Ask("a-gb300", "iren", "iren-gb300", "3.5000"));
        var (desk, runner) = Exchange();
        Alternative[] alternatives = [new("GB300", Domain.Money.Price.FromTicks(3_1000)), new("GB200", Domain.Money.Price.FromTicks(2_6000))];
        var errors = new Domain.Input.FieldErrors();
        var terms = ProcurementTerms.Check("GB300", null, 8, 168, 168, alternatives[0].Limit, errors, alternatives);
        Assert.True(errors.IsEmpty, errors.Summary);
        var id = (await desk.StartAsync(Buyer, terms!)).Value!.Id;

        await runner.TopUpAllAsync();
        var missed = (await desk.ProcurementAsync(Buyer, id)).Value!;
        Assert.StartsWith($"no ask under 3.1000 for GB300 or 2.6000 for GB200 for [{_now}, {_now + 168}) (the best GB300 is 3.5000; none can fill 8 GPUs of GB200)",
            Assert.Single(missed.Misses).Reason);
        Assert.Equal(["GB300", "GB200"], missed.Alternatives!.Select(a => a.Sku));

        await _rig.AcceptAsync(Ask("a-gb200", "nebius", "nebius-gb200", "2.4000"));
        await runner.TopUpAllAsync();
        var bought = (await desk.ProcurementAsync(Buyer, id)).Value!;
        Assert.Equal([("nebius-gb200", "2.4000")], bought.Bought.Select(b => (b.Pool, b.Price)));
        Assert.True(bought.Covered);
    }

    [Fact]
    public void Terms_name_every_bad_field()
    {
        var bad = ProcurementTerms.Create("GB999", "us tx", 0, 100, 168, "3.10001");
        var tooLong = ProcurementTerms.Create("GB300", null, 8, 100_000, 0, "-1");

        Assert.Equal(["maxPrice", "region", "sku", "gpus", "horizonHours"], bad.Errors!.Keys);
        Assert.Equal(["maxPrice", "blockHours", "horizonHours"], tooLong.Errors!.Keys);
        Assert.True(ProcurementTerms.Create("gb300", "us-tx", 8, 720, 168, "3.10").Success);
    }

    private (ProcurementDesk Desk, ProcurementRunner Runner) Exchange()
    {
        var runner = new ProcurementRunner(_rig.Market, _rig.Store, _clock, NullLogger<ProcurementRunner>.Instance);
        return (new ProcurementDesk(_rig.Store, _rig.Market, runner, _clock), runner);
    }

    private static ProcurementTerms Terms(int gpus, int horizon, int block, string maxPrice) =>
        ProcurementTerms.Create("GB300", null, gpus, horizon, block, maxPrice).ValueOrThrow();

    private MarketRequest Pool(string id, string provider) =>
        new(provider, new PoolCommand(id, provider, "us-tx", "GB300", [new Segment(_now - 48, _now + 20_000, 576)]));

    private MarketRequest Ask(string id, string seller, string pool, string price, int? from = null, int? to = null) =>
        new(seller, new AskCommand(id, seller, pool, 72, HourWindow.Of(from ?? _now - 24, to ?? _now + 5_000), ShardRig.Dollars(price)));

    private async Task<IReadOnlyList<Orders.TradeView>> BuyersTradesAsync() =>
        (await _rig.Orders().TradesAsync(Buyer, null, 1000)).Items.Where(t => t.Side == "buy").ToList();
}
