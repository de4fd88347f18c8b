using Neocloud.Market.Commands;
using Neocloud.Market.Engine;
using Neocloud.Market.Replay;

namespace Neocloud.Market.Tests;

/// <summary>The market rules of DESIGN.md, one behaviour each, on every engine.</summary>
public class RuleTests
{
    public static TheoryData<string> Engines => [.. MarketEngines.Names];

    internal static IMatchingEngine New(string engine) => MarketEngines.Create(engine);

    /// <summary>Runs replay lines on an engine and returns its events as replay lines.</summary>
    internal static List<string> Run(string engine, params string[] lines)
    {
        var market = New(engine);
        var events = new List<MarketEvent>();
        foreach (var line in lines)
        {
            var parsed = ReplayCodec.Parse(line);
            if (parsed.Rejection is { } rejected) events.Add(rejected);
            else market.Apply(parsed.Command!, events);
        }
        return events.Select(e => ReplayCodec.Format(e)).ToList();
    }

    private const string Pool = """{"op":"pool","id":"p1","provider":"iren","region":"us-tx","sku":"GB300","capacity":[{"start":490000,"end":533800,"gpus":576}]}""";

    [Theory, MemberData(nameof(Engines))]
    public void The_design_example_trades_at_the_ask_price(string engine)
    {
        var events = Run(engine, Pool,
            """{"op":"ask","id":"a1","account":"iren","pool":"p1","gpus":72,"start":490000,"end":498760,"price":"2.4500"}""",
            """{"op":"bid","id":"b1","account":"msft","sku":"GB300","region":"us-tx","gpus":64,"start":490100,"end":490268,"limit":"3.1000","tif":"GTC"}""",
            """{"op":"cancel","id":"b1"}""");

        Assert.Equal([
            """{"event":"rested","id":"a1"}""",
            """{"event":"trade","bid":"b1","ask":"a1","pool":"p1","gpus":64,"start":490100,"end":490268,"price":"2.4500"}""",
            """{"event":"rejected","id":"b1","reason":"cancel b1: not a resting bid or an open ask"}""",
        ], events);
    }

    [Theory, MemberData(nameof(Engines))]
    public void Bid_takes_the_cheapest_eligible_ask_then_the_earliest(string engine)
    {
        var events = Run(engine, Pool,
            Ask("a1", 10, "2.6000"), Ask("a2", 10, "2.5000"), Ask("a3", 10, "2.5000"),
            Bid("b1", 5, "3.0000"));
        Assert.Equal("""{"event":"trade","bid":"b1","ask":"a2","pool":"p1","gpus":5,"start":490010,"end":490020,"price":"2.5000"}""", events[^1]);
    }

    [Theory, MemberData(nameof(Engines))]
    public void Ask_walks_bids_best_first_and_fills_at_each_bids_limit(string engine)
    {
        var events = Run(engine, Pool, Bid("b1", 5, "2.8000"), Bid("b2", 5, "3.0000"), Bid("b3", 5, "3.0000"), Bid("b4", 5, "2.0000"), Ask("a1", 12, "2.5000"));
        Assert.Equal([
            """{"event":"trade","bid":"b2","ask":"a1","pool":"p1","gpus":5,"start":490010,"end":490020,"price":"3.0000"}""",
            """{"event":"trade","bid":"b3","ask":"a1","pool":"p1","gpus":5,"start":490010,"end":490020,"price":"3.0000"}""",
            """{"event":"rested","id":"a1"}""",
        ], events[^3..]);
    }

    [Theory, MemberData(nameof(Engines))]
    public void A_bid_fills_against_one_ask_all_or_none(string engine)
    {
        var events = Run(engine, Pool, Ask("a1", 4, "2.0000"), Ask("a2", 4, "2.0000"), Bid("b1", 6, "3.0000"));
        Assert.Equal("""{"event":"rested","id":"b1"}""", events[^1]);
    }

    [Theory, MemberData(nameof(Engines))]
    public void An_ask_beyond_capacity_is_rejected_with_the_hour_and_the_amounts(string engine)
    {
        var events = Run(engine, Pool, Ask("a1", 500, "2.0000"), Ask("a17", 100, "2.0000"));
        Assert.Equal("""{"event":"rejected","id":"a17","reason":"ask a17 exceeds pool p1's capacity at hour 490000: 500 sold or offered of 576, 100 more asked"}""", events[^1]);
    }

    [Theory, MemberData(nameof(Engines))]
    public void Sold_gpus_still_count_against_capacity_after_the_ask_is_cancelled(string engine)
    {
        var events = Run(engine, Pool, Ask("a1", 576, "2.0000"), Bid("b1", 500, "3.0000"), """{"op":"cancel","id":"a1"}""", Ask("a2", 100, "2.0000"));
        Assert.Contains("500 sold or offered of 576", events[^1]);
    }

    [Theory, MemberData(nameof(Engines))]
    public void Self_trade_is_not_allowed(string engine)
    {
        var events = Run(engine, Pool, Ask("a1", 10, "2.0000"),
            """{"op":"bid","id":"b1","account":"iren","sku":"GB300","region":null,"gpus":5,"start":490010,"end":490020,"limit":"3.0000","tif":"IOC"}""");
        Assert.Equal("""{"event":"cancelled","id":"b1"}""", events[^1]);
    }

    [Theory, MemberData(nameof(Engines))]
    public void A_rejected_order_does_not_reserve_its_id(string engine)
    {
        var events = Run(engine, Pool, Ask("a1", 1000, "2.0000"), Ask("a1", 10, "2.0000"), Ask("a1", 10, "2.0000"));
        Assert.StartsWith("""{"event":"rejected","id":"a1","reason":"ask a1 exceeds""", events[0]);
        Assert.Equal("""{"event":"rested","id":"a1"}""", events[1]);
        Assert.Equal("""{"event":"rejected","id":"a1","reason":"order id a1 is already used"}""", events[2]);
    }

    [Theory, MemberData(nameof(Engines))]
    public void Windows_over_ten_years_backwards_or_negative_are_rejected(string engine)
    {
        var events = Run(engine, Pool,
            """{"op":"bid","id":"b1","account":"m","sku":"GB300","region":null,"gpus":1,"start":0,"end":87601,"limit":"1.0000","tif":"GTC"}""",
            """{"op":"bid","id":"b2","account":"m","sku":"GB300","region":null,"gpus":1,"start":10,"end":10,"limit":"1.0000","tif":"GTC"}""",
            """{"op":"bid","id":"b3","account":"m","sku":"GB300","region":null,"gpus":-2,"start":10,"end":20,"limit":"1.0000","tif":"GTC"}""",
            """{"op":"bid","id":"b4","account":"m","sku":"GB300","region":null,"gpus":1,"start":0,"end":87600,"limit":"1.0000","tif":"GTC"}""");
        Assert.Equal([
            """{"event":"rejected","id":"b1","reason":"bid b1: window of 87601 hours is longer than 87600"}""",
            """{"event":"rejected","id":"b2","reason":"bid b2: end must be after start, got [10, 10)"}""",
            """{"event":"rejected","id":"b3","reason":"bid b3: gpus must be > 0, got -2"}""",
            """{"event":"rested","id":"b4"}""",
        ], events);
    }

    [Theory, MemberData(nameof(Engines))]
    public void Prices_need_at_most_four_decimals_and_a_known_tif(string engine)
    {
        var events = Run(engine, Pool,
            """{"op":"bid","id":"b1","account":"m","sku":"GB300","region":null,"gpus":1,"start":0,"end":5,"limit":"1.00001","tif":"GTC"}""",
            """{"op":"bid","id":"b2","account":"m","sku":"GB300","region":null,"gpus":1,"start":0,"end":5,"limit":"1.0000","tif":"FOK"}""",
            """{"op":"fly","id":"z"}""", """{"op":"ask"}""");
        Assert.Equal([
            """{"event":"rejected","id":"b1","reason":"order b1: limit must have at most 4 decimals, got 1.00001"}""",
            """{"event":"rejected","id":"b2","reason":"tif must be GTC or IOC, got \"FOK\""}""",
            """{"event":"rejected","id":"z","reason":"unknown op \"fly\""}""",
            """{"event":"rejected","id":null,"reason":"id must be a non-empty string"}""",
        ], events);
    }

    [Theory, MemberData(nameof(Engines))]
    public void Only_the_pools_provider_may_ask_and_only_on_a_known_pool(string engine)
    {
        var events = Run(engine, Pool,
            """{"op":"ask","id":"a1","account":"crusoe","pool":"p1","gpus":1,"start":490000,"end":490010,"price":"2.0000"}""",
            """{"op":"ask","id":"a2","account":"iren","pool":"p9","gpus":1,"start":490000,"end":490010,"price":"2.0000"}""");
        Assert.Equal([
            """{"event":"rejected","id":"a1","reason":"ask a1: account crusoe is not pool p1's provider (iren)"}""",
            """{"event":"rejected","id":"a2","reason":"ask a2: unknown pool p9"}""",
        ], events);
    }

    [Theory, MemberData(nameof(Engines))]
    public void Overlapping_or_backwards_capacity_and_reused_pool_ids_are_rejected(string engine)
    {
        var events = Run(engine, Pool, Pool,
            """{"op":"pool","id":"p2","provider":"x","region":"r","sku":"H100","capacity":[{"start":0,"end":10,"gpus":8},{"start":5,"end":20,"gpus":8}]}""",
            """{"op":"pool","id":"p3","provider":"x","region":"r","sku":"H100","capacity":[{"start":9,"end":3,"gpus":8}]}""");
        Assert.Equal([
            """{"event":"rejected","id":"p1","reason":"pool id p1 is already used"}""",
            """{"event":"rejected","id":"p2","reason":"pool p2: capacity segments [0, 10) and [5, 20) overlap"}""",
            """{"event":"rejected","id":"p3","reason":"pool p3: capacity segment [9, 3) with 8 GPUs is not valid (need 0 <= start < end, gpus >= 0)"}""",
        ], events);
    }

    [Theory, MemberData(nameof(Engines))]
    public void An_ioc_bid_with_no_eligible_ask_is_cancelled_and_a_gtc_one_rests(string engine)
    {
        var events = Run(engine, Pool, Bid("b1", 5, "3.0000", "IOC"), Bid("b2", 5, "3.0000"));
        Assert.Equal(["""{"event":"cancelled","id":"b1"}""", """{"event":"rested","id":"b2"}"""], events);
    }

    [Theory, MemberData(nameof(Engines))]
    public void An_ask_whose_gpus_all_sell_is_closed_and_cannot_be_cancelled(string engine)
    {
        var events = Run(engine, Pool, Bid("b1", 5, "3.0000"),
            """{"op":"ask","id":"a1","account":"iren","pool":"p1","gpus":5,"start":490010,"end":490020,"price":"2.0000"}""",
            """{"op":"cancel","id":"a1"}""");
        Assert.Equal([
            """{"event":"rested","id":"b1"}""",
            """{"event":"trade","bid":"b1","ask":"a1","pool":"p1","gpus":5,"start":490010,"end":490020,"price":"3.0000"}""",
            """{"event":"rejected","id":"a1","reason":"cancel a1: not a resting bid or an open ask"}""",
        ], events);
    }

    [Theory, MemberData(nameof(Engines))]
    public void A_partly_sold_ask_still_offers_its_other_hours(string engine)
    {
        var market = New(engine);
        var events = new List<MarketEvent>();
        foreach (var line in new[] { Pool, Ask("a1", 10, "2.0000"), Bid("b1", 10, "3.0000") }) market.Apply(ReplayCodec.Parse(line).Command!, events);
        // The bid took all 10 GPUs for 10 of the ask's 100 hours; the other 90 hours are still offered.
        Assert.True(market.IsOpen("a1"));
        var level = Assert.Single(market.Asks("GB300", null));
        Assert.Equal(900, level.GpuHours);
        Assert.Equal(10, level.MaxGpus);
    }

    [Theory, MemberData(nameof(Engines))]
    public void A_reservation_counts_as_sold_so_no_ask_can_offer_those_hours_again(string engine)
    {
        var events = Run(engine, Pool,
            """{"op":"reserve","id":"c1/t1","account":"msft","pool":"p1","gpus":500,"start":490000,"end":490100}""",
            Ask("a1", 77, "2.0000"),
            Ask("a2", 76, "2.0000"));
        Assert.Equal([
            """{"event":"reserved","id":"c1/t1"}""",
            """{"event":"rejected","id":"a1","reason":"ask a1 exceeds pool p1's capacity at hour 490000: 500 sold or offered of 576, 77 more asked"}""",
            """{"event":"rested","id":"a2"}""",
        ], events);
    }

    [Theory, MemberData(nameof(Engines))]
    public void A_reservation_must_fit_beside_what_is_sold_and_offered(string engine)
    {
        var events = Run(engine, Pool, Ask("a1", 500, "2.0000"),
            """{"op":"reserve","id":"c1/t1","account":"msft","pool":"p1","gpus":77,"start":490050,"end":490200}""",
            """{"op":"reserve","id":"c1/t2","account":"msft","pool":"p1","gpus":77,"start":490100,"end":490200}""",
            """{"op":"reserve","id":"c1/t2","account":"msft","pool":"p1","gpus":1,"start":490100,"end":490200}""",
            """{"op":"reserve","id":"c1/t3","account":"msft","pool":"p9","gpus":1,"start":490100,"end":490200}""");
        Assert.Equal([
            """{"event":"rested","id":"a1"}""",
            """{"event":"rejected","id":"c1/t1","reason":"reserve c1/t1 exceeds pool p1's capacity at hour 490050: 500 sold or offered of 576, 77 more asked"}""",
            """{"event":"reserved","id":"c1/t2"}""",
            """{"event":"rejected","id":"c1/t2","reason":"reservation id c1/t2 is already used"}""",
            """{"event":"rejected","id":"c1/t3","reason":"reserve c1/t3: unknown pool p9"}""",
        ], events);
    }

    [Theory, MemberData(nameof(Engines))]
    public void Releasing_a_reservation_gives_its_later_hours_back_to_the_pool(string engine)
    {
        var market = New(engine);
        var events = new List<MarketEvent>();
        foreach (var line in new[]
        {
            Pool,
            """{"op":"reserve","id":"r1","account":"msft","pool":"p1","gpus":576,"start":490000,"end":490100}""",
            """{"op":"release","id":"r1","from":490060}""",
            """{"op":"release","id":"r1","from":490060}""",
        })
        {
            market.Apply(ReplayCodec.Parse(line).Command!, events);
        }
        Assert.Equal([
            """{"event":"reserved","id":"r1"}""",
            """{"event":"released","id":"r1"}""",
            """{"event":"rejected","id":"r1","reason":"release r1: no reservation with that id holds GPUs at or after hour 490060"}""",
        ], events.Select(e => ReplayCodec.Format(e)));
        Assert.Equal([new UsageStep(490000, 490060, 576, 576, 0), new UsageStep(490060, 490100, 576, 0, 0)], market.Usage("p1", 490000, 490100));
    }

    private static string Ask(string id, int gpus, string price) =>
        $$"""{"op":"ask","id":"{{id}}","account":"iren","pool":"p1","gpus":{{gpus}},"start":490000,"end":490100,"price":"{{price}}"}""";

    private static string Bid(string id, int gpus, string limit, string tif = "GTC") =>
        $$"""{"op":"bid","id":"{{id}}","account":"msft","sku":"GB300","region":null,"gpus":{{gpus}},"start":490010,"end":490020,"limit":"{{limit}}","tif":"{{tif}}"}""";
}
