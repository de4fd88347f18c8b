using Neocloud.Domain.Orders;
using Neocloud.Market.Commands;
using Neocloud.Market.Engine;
using Neocloud.Market.Replay;

namespace Neocloud.Market.Tests;

/// <summary>Market v2 of DESIGN.md (alternatives, pool-targeted bids, portfolios), one behaviour each, on every engine.</summary>
public class MarketV2RuleTests
{
    public static TheoryData<string> Engines => [.. MarketEngines.Names];

    private static List<string> Run(string engine, params string[] lines) => RuleTests.Run(engine, lines);

    private static string Pool(string id, string sku, string region = "us-tx", string provider = "iren") =>
        $$"""{"op":"pool","id":"{{id}}","provider":"{{provider}}","region":"{{region}}","sku":"{{sku}}","capacity":[{"start":0,"end":1000,"gpus":100}]}""";

    private static string Ask(string id, string pool, int gpus, string price, int start = 0, int end = 100, string account = "iren") =>
        $$"""{"op":"ask","id":"{{id}}","account":"{{account}}","pool":"{{pool}}","gpus":{{gpus}},"start":{{start}},"end":{{end}},"price":"{{price}}"}""";

    private static string Alternatives(params (string Sku, string Limit)[] alternatives) =>
        "[" + string.Join(",", alternatives.Select(a => $$"""{"sku":"{{a.Sku}}","limit":"{{a.Limit}}"}""")) + "]";

    private static string Trade(string bid, string ask, string pool, int gpus, string price, int start = 10, int end = 20) =>
        $$"""{"event":"trade","bid":"{{bid}}","ask":"{{ask}}","pool":"{{pool}}","gpus":{{gpus}},"start":{{start}},"end":{{end}},"price":"{{price}}"}""";

    [Theory, MemberData(nameof(Engines))]
    public void An_incoming_bid_with_alternatives_takes_the_largest_surplus_not_the_lowest_price(string engine)
    {
        var events = Run(engine, Pool("p300", "GB300"), Pool("p200", "GB200"),
            Ask("a300", "p300", 10, "3.0000"), Ask("a200", "p200", 10, "2.5000"),
            $$"""{"op":"bid","id":"b1","account":"msft","alternatives":{{Alternatives(("GB300", "3.8000"), ("GB200", "3.0000"))}},"gpus":5,"start":10,"end":20,"tif":"GTC"}""");
        // Surplus 0.80 on GB300 beats 0.50 on GB200, although GB200 is cheaper.
        Assert.Equal(Trade("b1", "a300", "p300", 5, "3.0000"), events[^1]);
    }

    [Theory, MemberData(nameof(Engines))]
    public void Equal_surplus_goes_to_the_lower_price_then_to_the_alternative_listed_first(string engine)
    {
        var lowerPrice = Run(engine, Pool("p300", "GB300"), Pool("p200", "GB200"),
            Ask("a300", "p300", 10, "3.0000"), Ask("a200", "p200", 10, "2.5000"),
            $$"""{"op":"bid","id":"b1","account":"msft","alternatives":{{Alternatives(("GB300", "3.5000"), ("GB200", "3.0000"))}},"gpus":5,"start":10,"end":20,"tif":"IOC"}""");
        Assert.Equal(Trade("b1", "a200", "p200", 5, "2.5000"), lowerPrice[^1]);

        var listedFirst = Run(engine, Pool("p300", "GB300"), Pool("p200", "GB200"),
            Ask("a300", "p300", 10, "2.5000"), Ask("a200", "p200", 10, "2.5000"),
            $$"""{"op":"bid","id":"b1","account":"msft","alternatives":{{Alternatives(("GB200", "3.0000"), ("GB300", "3.0000"))}},"gpus":5,"start":10,"end":20,"tif":"IOC"}""");
        Assert.Equal(Trade("b1", "a200", "p200", 5, "2.5000"), listedFirst[^1]);
    }

    [Theory, MemberData(nameof(Engines))]
    public void Resting_orders_list_an_alternatives_bid_at_its_limit_for_each_sku(string engine)
    {
        var market = RuleTests.New(engine);
        var events = new List<MarketEvent>();
        foreach (var line in new[]
        {
            Pool("p300", "GB300"), Ask("a300", "p300", 10, "4.0000", 0, 50),
            $$"""{"op":"bid","id":"b1","account":"msft","alternatives":{{Alternatives(("GB300", "3.8000"), ("GB200", "2.6000"))}},"gpus":5,"start":10,"end":20,"tif":"GTC"}""",
        })
        {
            market.Apply(ReplayCodec.Parse(line).Command!, events);
        }
        Assert.Equal([new RestingOrder(OrderSide.Bid, 10, 20, 5, 38_000), new RestingOrder(OrderSide.Ask, 0, 50, 10, 40_000)], market.Resting("GB300"));
        Assert.Equal([new RestingOrder(OrderSide.Bid, 10, 20, 5, 26_000)], market.Resting("GB200"));
        Assert.Empty(market.Resting("H100"));
    }

    [Theory, MemberData(nameof(Engines))]
    public void A_resting_bid_with_alternatives_is_seen_at_its_limit_for_each_sku_and_fills_once(string engine)
    {
        var events = Run(engine, Pool("p300", "GB300"), Pool("p200", "GB200"),
            $$"""{"op":"bid","id":"b1","account":"msft","alternatives":{{Alternatives(("GB300", "3.8000"), ("GB200", "2.6000"))}},"gpus":5,"start":10,"end":20,"tif":"GTC"}""",
            """{"op":"bid","id":"b2","account":"meta","sku":"GB200","limit":"2.7000","gpus":5,"start":10,"end":20,"tif":"GTC"}""",
            Ask("a200", "p200", 5, "2.5000"),
            Ask("a300", "p300", 5, "2.5000"),
            """{"op":"cancel","id":"b1"}""");
        Assert.Equal([
            """{"event":"rested","id":"b1"}""",
            """{"event":"rested","id":"b2"}""",
            // GB200's walk sees b1 at 2.60, below b2's 2.70.
            Trade("b2", "a200", "p200", 5, "2.7000"),
            """{"event":"rested","id":"a200"}""",
            // GB300's walk sees b1 at 3.80 and fills it at that limit; then it is gone for every SKU.
            Trade("b1", "a300", "p300", 5, "3.8000"),
            """{"event":"rested","id":"a300"}""",
            """{"event":"rejected","id":"b1","reason":"cancel b1: not a resting bid or an open ask"}""",
        ], events);
    }

    [Theory, MemberData(nameof(Engines))]
    public void A_pool_targeted_bid_takes_only_its_pools_asks_whatever_its_region(string engine)
    {
        var events = Run(engine, Pool("p1", "GB300", "us-tx"), Pool("p2", "GB300", "eu-pt"),
            Ask("cheap", "p1", 10, "2.0000"), Ask("mine", "p2", 10, "2.9000"),
            """{"op":"bid","id":"b1","account":"msft","sku":"GB300","limit":"3.0000","region":"us-tx","pool":"p2","gpus":5,"start":10,"end":20,"tif":"IOC"}""",
            """{"op":"bid","id":"b2","account":"msft","sku":"GB300","limit":"3.0000","pool":"p2","gpus":5,"start":10,"end":20,"tif":"GTC"}""",
            """{"op":"bid","id":"b3","account":"msft","sku":"GB300","limit":"3.0000","pool":"p2","gpus":5,"start":10,"end":20,"tif":"GTC"}""",
            Ask("late", "p1", 10, "2.0000"));
        Assert.Equal(Trade("b1", "mine", "p2", 5, "2.9000"), events[2]);
        Assert.Equal(Trade("b2", "mine", "p2", 5, "2.9000"), events[3]);
        // b3 rests; an ask on another pool does not fill it.
        Assert.Equal(["""{"event":"rested","id":"b3"}""", """{"event":"rested","id":"late"}"""], events[4..]);
    }

    [Theory, MemberData(nameof(Engines))]
    public void Bids_breaking_the_v2_rules_are_rejected_and_use_up_nothing(string engine)
    {
        var events = Run(engine, Pool("p1", "GB300"), Pool("h", "H100"),
            $$"""{"op":"bid","id":"x1","account":"msft","alternatives":{{Alternatives(("GB300", "3.0000"), ("H100", "2.0000"))}},"gpus":5,"start":10,"end":20,"tif":"GTC"}""",
            $$"""{"op":"bid","id":"x2","account":"msft","alternatives":{{Alternatives(("GB300", "3.0000"), ("GB300", "2.0000"))}},"gpus":5,"start":10,"end":20,"tif":"GTC"}""",
            $$"""{"op":"bid","id":"x3","account":"msft","alternatives":{{Alternatives(("GB300", "3.0000"), ("GB200", "2.0000"), ("GB300", "2.0000"), ("GB200", "2.0000"), ("GB300", "1.0000"))}},"gpus":5,"start":10,"end":20,"tif":"GTC"}""",
            """{"op":"bid","id":"x4","account":"msft","sku":"GB300","limit":"3.0000","pool":"h","gpus":5,"start":10,"end":20,"tif":"GTC"}""",
            """{"op":"bid","id":"x5","account":"msft","sku":"GB300","limit":"3.0000","pool":"nope","gpus":5,"start":10,"end":20,"tif":"GTC"}""",
            """{"op":"bid","id":"x#6","account":"msft","sku":"GB300","limit":"3.0000","gpus":5,"start":10,"end":20,"tif":"GTC"}""",
            $$"""{"op":"bid","id":"x7","account":"msft","sku":"GB300","limit":"3.0000","alternatives":{{Alternatives(("GB300", "3.0000"))}},"gpus":5,"start":10,"end":20,"tif":"GTC"}""",
            """{"op":"bid","id":"x8","account":"msft","alternatives":[],"gpus":5,"start":10,"end":20,"tif":"GTC"}""",
            """{"op":"bid","id":"x1","account":"msft","sku":"GB300","limit":"3.0000","gpus":5,"start":10,"end":20,"tif":"GTC"}""");
        Assert.All(events[..^1], e => Assert.StartsWith("{\"event\":\"rejected\"", e));
        Assert.Contains("different market groups", events[0]);
        Assert.Contains("GB300 is named twice", events[1]);
        Assert.Contains("5 alternatives", events[2]);
        Assert.Contains("pool h holds H100", events[3]);
        Assert.Contains("unknown pool nope", events[4]);
        Assert.Contains("may not contain '#'", events[5]);
        Assert.Contains("not both", events[6]);
        Assert.Contains("non-empty array", events[7]);
        // A rejected bid reserved nothing: its id is free.
        Assert.Equal("""{"event":"rested","id":"x1"}""", events[^1]);
    }

    [Theory, MemberData(nameof(Engines))]
    public void A_portfolio_fills_every_leg_in_order_and_a_later_leg_uses_what_an_earlier_leg_left(string engine)
    {
        var events = Run(engine, Pool("tx", "GB300", "us-tx"), Pool("eu", "GB200", "eu-pt"),
            Ask("a1", "tx", 10, "3.0000"), Ask("a2", "eu", 10, "2.5000"),
            """{"op":"portfolio","id":"f1","account":"msft","legs":[""" +
            """{"sku":"GB300","limit":"3.1000","region":"us-tx","gpus":6,"start":10,"end":20},""" +
            """{"sku":"GB200","limit":"2.6000","region":"eu-pt","gpus":10,"start":10,"end":20},""" +
            """{"sku":"GB300","limit":"3.1000","pool":"tx","gpus":4,"start":10,"end":20}]}""",
            """{"op":"cancel","id":"a1"}""");
        Assert.Equal([
            """{"event":"rested","id":"a1"}""",
            """{"event":"rested","id":"a2"}""",
            Trade("f1#0", "a1", "tx", 6, "3.0000"),
            Trade("f1#1", "a2", "eu", 10, "2.5000"),
            Trade("f1#2", "a1", "tx", 4, "3.0000"),
            """{"event":"filled","id":"f1"}""",
            // a1 had 10 GPUs over [0, 100) and sold them in [10, 20) only: its unsold rest can be cancelled.
            """{"event":"cancelled","id":"a1"}""",
        ], events);
    }

    [Theory, MemberData(nameof(Engines))]
    public void A_portfolio_whose_leg_finds_nothing_changes_nothing_and_names_the_leg(string engine)
    {
        var events = Run(engine, Pool("tx", "GB300"),
            Ask("a1", "tx", 10, "3.0000"),
            """{"op":"portfolio","id":"f1","account":"msft","legs":[""" +
            """{"sku":"GB300","limit":"3.1000","gpus":6,"start":10,"end":20},""" +
            """{"sku":"GB300","limit":"3.1000","gpus":6,"start":10,"end":20}]}""",
            """{"op":"bid","id":"b1","account":"meta","sku":"GB300","limit":"3.0000","gpus":10,"start":10,"end":20,"tif":"IOC"}""",
            """{"op":"portfolio","id":"f1","account":"msft","legs":[{"sku":"GB300","limit":"3.1000","gpus":1,"start":10,"end":20},{"sku":"GB300","limit":"3.1000","gpus":1,"start":10,"end":20}]}""");
        Assert.Equal([
            """{"event":"rested","id":"a1"}""",
            // The second leg needs 6 of the 4 the first leg left: nothing trades.
            """{"event":"cancelled","id":"f1","leg":1}""",
            // All 10 GPUs are still there.
            Trade("b1", "a1", "tx", 10, "3.0000"),
            """{"event":"rejected","id":"f1","reason":"order id f1 is already used"}""",
        ], events);
    }

    [Theory, MemberData(nameof(Engines))]
    public void Portfolios_breaking_the_rules_are_rejected_whole(string engine)
    {
        static string Leg(string sku = "GB300", int start = 10, int end = 20) => $$"""{"sku":"{{sku}}","limit":"3.1000","gpus":1,"start":{{start}},"end":{{end}}}""";
        var events = Run(engine, Pool("tx", "GB300"), Ask("a1", "tx", 10, "3.0000"),
            $$"""{"op":"portfolio","id":"one","account":"msft","legs":[{{Leg()}}]}""",
            $$"""{"op":"portfolio","id":"many","account":"msft","legs":[{{string.Join(",", Enumerable.Repeat(Leg(), 17))}}]}""",
            $$"""{"op":"portfolio","id":"groups","account":"msft","legs":[{{Leg()}},{{Leg("H100")}}]}""",
            $$"""{"op":"portfolio","id":"back","account":"msft","legs":[{{Leg()}},{{Leg()}},{{Leg()}},{{Leg(start: 20, end: 10)}}]}""",
            $$"""{"op":"portfolio","id":"one","account":"msft","legs":[{{Leg()}},{{Leg("GB200")}}]}""");
        Assert.Contains("1 legs, need 2 to 16", events[1]);
        Assert.Contains("17 legs", events[2]);
        Assert.Contains("not in market group rack-blackwell", events[3]);
        Assert.Equal("""{"event":"rejected","id":"back","reason":"leg back#3: end must be after start, got [20, 10)"}""", events[4]);
        // None of them used its id or a GPU: "one" trades its GB300 leg and cancels at its GB200 leg (no GB200 asks).
        Assert.Equal("""{"event":"cancelled","id":"one","leg":1}""", events[5]);
    }

    [Fact]
    public void Replay_lines_of_v2_orders_read_back_as_the_same_commands()
    {
        string[] lines =
        [
            $$"""{"op":"bid","id":"b1","account":"msft","alternatives":{{Alternatives(("GB300", "3.1000"), ("GB200", "2.6000"))}},"region":null,"gpus":8,"start":10,"end":20,"tif":"GTC"}""",
            """{"op":"bid","id":"b2","account":"msft","sku":"GB300","limit":"3.1000","region":null,"pool":"p1","gpus":8,"start":10,"end":20,"tif":"IOC"}""",
            """{"op":"portfolio","id":"f1","account":"msft","legs":[{"sku":"GB300","limit":"3.1000","region":"us-tx","gpus":8,"start":10,"end":20},{"alternatives":[{"sku":"GB200","limit":"2.6000"}],"region":null,"pool":"p2","gpus":8,"start":10,"end":20}]}""",
        ];
        foreach (var line in lines)
        {
            var command = ReplayCodec.Parse(line).Command!;
            Assert.Equal(line, ReplayCodec.Format(command));
            Assert.Equal(line, ReplayCodec.Format(ReplayCodec.Parse(ReplayCodec.Format(command)).Command!));
        }
    }

    [Fact]
    public void A_bad_leg_field_is_named_by_its_path()
    {
        var parsed = ReplayCodec.Parse("""{"op":"portfolio","id":"f1","account":"msft","legs":[{"sku":"GB300","limit":"3.1000","gpus":1,"start":10,"end":20},{"sku":"GB300","limit":"3.1000","gpus":"many","start":10,"end":20}]}""");
        Assert.Equal("f1", parsed.Rejection!.Value.Id);
        Assert.Equal("legs[1].gpus must be a whole number", parsed.Rejection.Value.Reason);
        Assert.Equal(["legs[1].gpus"], parsed.Errors!.Keys);
    }
}
