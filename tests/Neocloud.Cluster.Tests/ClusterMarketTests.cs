using Microsoft.Extensions.Logging.Abstractions;
using Neocloud.Cluster.Grains;
using Neocloud.Cluster.Wire;
using Neocloud.Domain.Money;
using Neocloud.Domain.Orders;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Market.Commands;
using Neocloud.Market.Engine;

namespace Neocloud.Cluster.Tests;

/// <summary>
/// The cluster's market as a node's desks use it, over Orleans' test cluster and a real PostgreSQL: each request reaches
/// the shard of its market group, found by SKU, pool or order; what spans groups or names nothing known is refused as
/// one machine would; a key whose outcome was committed but never answered is answered without applying it again.
/// </summary>
public sealed class ClusterMarketTests(GrainClusterFixture fixture) : IClassFixture<GrainClusterFixture>
{
    private const int Start = 500_000;

    private ClusterMarket Market() => new(fixture.Cluster.GrainFactory, fixture.Store, NullLogger<ClusterMarket>.Instance);

    [Fact]
    public async Task Asks_cancels_and_bids_reach_the_shard_of_their_pool_s_order_s_or_sku_s_group()
    {
        var market = Market();
        await AcceptAsync(market, Pool("route-gb", "iren", "GB300"));
        await AcceptAsync(market, Pool("route-h", "coreweave", "H100"));
        await AcceptAsync(market, Ask("route-gb-ask", "iren", "route-gb", "2.0000"));
        await AcceptAsync(market, Ask("route-h-ask", "coreweave", "route-h", "1.5000"));
        await AcceptAsync(market, new MarketRequest("iren", new CancelCommand("route-gb-ask")));
        var bid = await AcceptAsync(market, new MarketRequest("meta",
            new BidCommand("route-h-bid", "meta", "H100", null, 8, HourWindow.Of(Start, Start + 24), Dollars("2.0000"), true)));

        Assert.Equal("route-h-ask", Assert.Single(bid.Trades).AskId);
        Assert.Equal(["pool", "ask", "cancel"], await OpsAsync("rack-blackwell"));
        Assert.Equal(["pool", "ask", "bid"], await OpsAsync("hopper"));
        Assert.Empty((await market.BookAsync("GB300", null)).Asks);
        Assert.Equal(8, (await market.UsageAsync("route-h", Start, Start + 24)).Single().Sold);
        Assert.Empty(await market.UsageAsync("no-such-pool", Start, Start + 24));
    }

    [Fact]
    public async Task A_capacity_search_reaches_the_shard_of_its_sku_s_group()
    {
        var market = Market();
        await AcceptAsync(market, Pool("search-iren", "iren", "MI355X"));
        await AcceptAsync(market, Pool("search-nebius", "nebius", "MI355X"));
        await AcceptAsync(market, Ask("search-iren-ask", "iren", "search-iren", "2.0000"));
        await AcceptAsync(market, Ask("search-nebius-ask", "nebius", "search-nebius", "1.5000"));

        var found = await market.CandidatesAsync("MI355X", null, 8, Start, Start + 24, null, "meta");
        Assert.Equal([("search-nebius", 1_5000L, 8), ("search-iren", 2_0000L, 8)], found.Select(c => (c.PoolId, c.PriceTicks, c.FreeGpus)));
        Assert.Equal(["search-iren"], (await market.CandidatesAsync("MI355X", "us-tx", 8, Start, Start + 24, null, "nebius")).Select(c => c.PoolId));
    }

    [Fact]
    public async Task The_forward_curve_s_resting_orders_come_from_the_shard_of_the_sku_s_group()
    {
        var market = Market();
        await AcceptAsync(market, Pool("rest-pool", "iren", "MI325X"));
        await AcceptAsync(market, Ask("rest-ask", "iren", "rest-pool", "2.0000"));
        await AcceptAsync(market, new MarketRequest("meta",
            new BidCommand("rest-bid", "meta", "MI325X", null, 4, HourWindow.Of(Start, Start + 12), Dollars("1.5000"), ImmediateOrCancel: false)));

        Assert.Equal([new RestingOrder(OrderSide.Bid, Start, Start + 12, 4, 1_5000), new RestingOrder(OrderSide.Ask, Start, Start + 24, 8, 2_0000)],
            await market.RestingAsync("MI325X"));
    }

    [Fact]
    public async Task What_spans_two_groups_or_names_an_unknown_pool_is_refused_and_nothing_is_written()
    {
        var market = Market();
        // Groups of this test's own (the class's tests share a database): hgx-blackwell and L40S alone.
        await AcceptAsync(market, Pool("span-l", "iren", "L40S"));
        await AcceptAsync(market, Pool("span-b", "iren", "B200"));
        var window = HourWindow.Of(Start, Start + 100);
        var (alone, hgx) = (await OpsAsync("l40s"), await OpsAsync("hgx-blackwell"));

        var spans = await market.SubmitAsync(new TransactionRequest("microsoft",
            [new ReserveCommand("span-r1", "microsoft", "span-l", 8, window), new ReserveCommand("span-r2", "microsoft", "span-b", 8, window)], null));
        Assert.Equal(FailureKind.Conflict, spans.Failure?.Kind);
        Assert.Contains("hgx-blackwell, l40s", spans.Failure!.Detail);

        // A transaction its book fact keeps in one group (an RFQ's award) whose pool lies in another.
        var elsewhere = await market.SubmitAsync(new TransactionRequest("microsoft", [new ReserveCommand("span-r3", "microsoft", "span-b", 8, window)], null, "L40S"));
        Assert.Equal(FailureKind.Conflict, elsewhere.Failure?.Kind);
        Assert.Contains("l40s and its pools lie in hgx-blackwell", elsewhere.Failure!.Detail);

        var unknown = await market.SubmitAsync(new MarketRequest("iren", new AskCommand("span-ask", "iren", "no-such-pool", 8, window, Dollars("2.0000"))));
        Assert.Equal(Failure.MarketRejected(Rules.UnknownPool("ask", "span-ask", "no-such-pool")), unknown.Failure);
        Assert.Equal(alone, await OpsAsync("l40s"));
        Assert.Equal(hgx, await OpsAsync("hgx-blackwell"));
    }

    [Fact]
    public async Task A_key_committed_but_never_answered_is_answered_from_its_outcome_without_applying_it_again()
    {
        var market = Market();
        await AcceptAsync(market, Pool("pending-pool", "nebius", "MI300X"));
        var key = new IdempotencyKey("nebius", "pending-key", "pending-hash");
        var ask = new MarketRequest("nebius", new AskCommand("pending-ask", "nebius", "pending-pool", 8, HourWindow.Of(Start, Start + 24), Dollars("1.0000")));

        // The shard applied it and kept the raw outcome; the node that took the request died before storing its answer.
        var first = (await fixture.Cluster.GrainFactory.GetGrain<IMarketGroupGrain>("instinct").SubmitAsync(ShardCall.Of(ask, key))).ToOutcome();
        var pending = await fixture.Store.FindIdempotencyAsync("nebius", "pending-key");
        Assert.Equal(OutcomeJson.Pending, pending?.StatusCode);
        var journal = await OpsAsync("instinct");

        var answer = new Idempotency<Committed>(key with { PendingOutcome = pending!.Response }, o => new StoredAnswer(201, $"placed {o.Value?.Order?.Id}"));
        var retried = await market.SubmitAsync(ask, answer);

        Assert.Equal(first.Value!.Order, retried.Value!.Order);
        Assert.Equal(journal, await OpsAsync("instinct"));
        var stored = await fixture.Store.FindIdempotencyAsync("nebius", "pending-key");
        Assert.Equal((201L, "placed pending-ask"), (stored?.StatusCode, stored?.Response));
    }

    [Fact]
    public async Task A_bid_with_alternatives_and_a_portfolio_reach_their_group_s_shard_and_their_outcomes_come_back()
    {
        var market = Market();
        await AcceptAsync(market, Pool("v2-b200", "crusoe", "B200"));
        await AcceptAsync(market, Pool("v2-b300", "crusoe", "B300"));
        await AcceptAsync(market, Ask("v2-ask-200", "crusoe", "v2-b200", "2.0000"));
        await AcceptAsync(market, Ask("v2-ask-300", "crusoe", "v2-b300", "3.0000"));
        var window = HourWindow.Of(Start, Start + 24);

        var bid = await AcceptAsync(market, new MarketRequest("openai", BidCommand.Of("v2-bid", "openai",
            [new Alternative("B300", Dollars("3.5000")), new Alternative("B200", Dollars("2.4000"))], null, 4, window, immediateOrCancel: true)));
        Assert.Equal("v2-ask-300", Assert.Single(bid.Trades).AskId);

        var legs = new[] { ("B200", "v2-b200"), ("B300", "v2-b300") }
            .Select((leg, i) => new BidCommand(PortfolioCommand.LegId("v2-portfolio", i), "openai", leg.Item1, null, 4, window, Dollars("3.5000"), true) { PoolId = leg.Item2 })
            .ToList();
        var portfolio = await AcceptAsync(market, new MarketRequest("openai", new PortfolioCommand("v2-portfolio", "openai", legs)));

        Assert.Equal("filled", portfolio.Portfolio?.Status);
        Assert.Equal(["v2-portfolio#0", "v2-portfolio#1"], portfolio.Trades.Select(t => t.BidId));
        Assert.Equal(["bid", "portfolio"], (await OpsAsync("hgx-blackwell"))[^2..]);
    }

    private static MarketRequest Pool(string id, string provider, string sku) =>
        new(provider, new PoolCommand(id, provider, "us-tx", sku, [new Segment(Start, Start + 1000, 64)]));

    private static MarketRequest Ask(string id, string seller, string pool, string price) =>
        new(seller, new AskCommand(id, seller, pool, 8, HourWindow.Of(Start, Start + 24), Dollars(price)));

    private static Price Dollars(string text) => Price.TryParse(text, out var price, out var error) ? price : throw new ArgumentException(error);

    private static async Task<Committed> AcceptAsync(ClusterMarket market, ShardRequest request)
    {
        var outcome = await market.SubmitAsync(request);
        Assert.True(outcome.IsAccepted, $"expected {request} to be accepted, got {outcome.Failure}");
        return outcome.Value!;
    }

    /// <summary>The ops of a group's journal, in order.</summary>
    private async Task<List<string>> OpsAsync(string group)
    {
        var ops = new List<string>();
        await foreach (var entry in fixture.Store.ReadShardJournalAsync(group, 0))
            ops.Add(System.Text.Json.JsonDocument.Parse(entry.Command).RootElement.GetProperty("op").GetString()!);
        return ops;
    }
}
