using CsCheck;
using Neocloud.Domain.Catalog;
using Neocloud.Domain.Time;
using Neocloud.Offtake.Contracts;
using Neocloud.Offtake.Offers;
using Neocloud.Offtake.Rfqs;

namespace Neocloud.Offtake.Tests;

/// <summary>Offer rules, the capacity check (against an hour-by-hour reference), scoring and ranking.</summary>
public class OfferTests
{
    private static readonly CalendarMonth s_start = CalendarMonth.Parse("2027-01");

    private static RfqTerms Rfq(decimal rate = 0.08m, params string[] regions) => new(["GB300", "B300"], 10_000, regions, s_start, s_start.AddMonths(6), 36, [],
        4.00m, 0.2m, 99.5m, new DateTimeOffset(2026, 12, 15, 0, 0, 0, TimeSpan.Zero), 3, rate, []);

    private static OfferTerms Offer(decimal price = 3m, decimal prepayment = 0m, decimal availability = 99.9m, string pool = "iren-p", int startOffset = 0) =>
        new("GB300", price, prepayment, availability, [new OfferTranche(pool, 5_000, s_start.AddMonths(startOffset), 36)]);

    private static PoolFacts? Pools(string id) => id switch
    {
        "iren-p" => new PoolFacts("iren", "GB300", "us-tx"),
        "iren-eu" => new PoolFacts("iren", "GB300", "eu-pt"),
        "iren-h100" => new PoolFacts("iren", "H100", "us-tx"),
        "nebius-p" => new PoolFacts("nebius", "GB300", "us-nj"),
        _ => null,
    };

    [Fact]
    public void An_offer_within_the_rfq_has_no_errors() => Assert.Empty(OfferRules.Check(Rfq(), "iren", Offer(), Pools));

    [Fact]
    public void Each_broken_rule_names_its_field()
    {
        var offer = new OfferTerms("H100", 4.5m, 0.3m, 99m,
        [
            new OfferTranche("nebius-p", 6_000, s_start.AddMonths(-1), 36),
            new OfferTranche("nowhere", 6_000, s_start, 24),
        ]);
        var errors = OfferRules.Check(Rfq(0.08m, "us-tx"), "iren", offer, Pools);
        Assert.Equal(
            ["availabilityPercent", "prepaymentFraction", "pricePerGpuHour", "sku", "tranches", "tranches[0].pool", "tranches[0].start", "tranches[1].pool", "tranches[1].termMonths"],
            errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("pool 'nebius-p' belongs to nebius, not iren", errors["tranches[0].pool"]);
        Assert.Equal("12000 GPUs offered, the RFQ asks for 10000", errors["tranches"]);
    }

    [Fact]
    public void Fields_out_of_range_are_refused_whoever_built_the_offer()
    {
        var offer = new OfferTerms("GB300", 0m, -0.1m, 100.5m, [new OfferTranche("iren-p", 0, s_start, 36)]);

        var errors = OfferRules.Check(Rfq(), "iren", offer, Pools);

        Assert.Equal(["availabilityPercent", "prepaymentFraction", "pricePerGpuHour", "tranches[0].gpus"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_pool_outside_the_rfqs_regions_is_refused() =>
        Assert.Equal("pool 'iren-eu' is in eu-pt; the RFQ accepts us-tx", OfferRules.Check(Rfq(0.08m, "us-tx"), "iren", Offer(pool: "iren-eu"), Pools)["tranches[0].pool"]);

    [Fact]
    public void Overlapping_tranches_on_one_pool_add_up_against_its_free_gpus()
    {
        IReadOnlyList<FreeStep> free = [new(0, 100, 50), new(100, 200, 80)];
        Assert.Null(CapacityCheck.FirstShortfall([new(0, 100, 30), new(50, 200, 20)], free));
        Assert.Equal(new Shortfall(100, 90, 80), CapacityCheck.FirstShortfall([new(0, 200, 30), new(100, 200, 60)], free));
        Assert.Equal(new Shortfall(200, 1, 0), CapacityCheck.FirstShortfall([new(150, 201, 1)], free));
    }

    [Fact]
    public void The_capacity_check_agrees_with_an_hour_by_hour_reference() =>
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var free = new List<FreeStep>();
            for (var hour = random.Next(0, 5); hour < 60;)
            {
                var end = hour + random.Next(1, 15);
                free.Add(new FreeStep(hour, end, random.Next(0, 40)));
                hour = end + random.Next(0, 3);
            }
            var needs = Enumerable.Range(0, random.Next(1, 5)).Select(_ =>
            {
                var start = random.Next(0, 60);
                return new Need(start, start + random.Next(1, 20), random.Next(1, 25));
            }).ToList();
            return CapacityCheck.FirstShortfall(needs, free) == Reference(needs, free);
        }, iter: 3000);

    private static Shortfall? Reference(List<Need> needs, List<FreeStep> free)
    {
        for (var hour = 0; hour < 100; hour++)
        {
            var needed = needs.Where(n => n.Start <= hour && hour < n.End).Sum(n => n.Gpus);
            var available = free.Where(f => f.Start <= hour && hour < f.End).Sum(f => f.Free);
            if (needed > available) return new Shortfall(hour, needed, available);
        }
        return null;
    }

    [Fact]
    public void Without_prepayment_or_discounting_the_effective_price_is_the_price()
    {
        var scored = OfferScoring.Score(Rfq(rate: 0m), "o1", Offer(price: 3.1234m), _ => "us-tx", ReferenceCatalog.Embedded);
        Assert.Equal(3.1234m, scored.EffectivePricePerGpuHour);
        Assert.Equal(5_000m * 36 * 730, scored.GpuHours);
    }

    [Fact]
    public void Prepaying_raises_the_effective_price_at_a_positive_rate_and_building_is_priced_beside_leasing()
    {
        var plain = OfferScoring.Score(Rfq(), "o1", Offer(), _ => "us-tx", ReferenceCatalog.Embedded);
        var prepaid = OfferScoring.Score(Rfq(), "o2", Offer(prepayment: 0.2m), _ => "us-tx", ReferenceCatalog.Embedded);
        Assert.True(prepaid.EffectivePricePerGpuHour > plain.EffectivePricePerGpuHour);
        Assert.True(plain.EffectivePricePerGpuHour < 3m); // later payments are worth less today
        Assert.True(plain.LeaseNpvCostUsd > 0 && plain.BuildNpvCostUsd > 0);
    }

    [Fact]
    public void Ranking_follows_the_buyers_choice_and_breaks_ties_by_effective_price()
    {
        var rfq = Rfq(0.08m, "us-nj", "us-tx");
        var offers = new[]
        {
            OfferScoring.Score(rfq, "cheap-late", Offer(price: 2.5m, startOffset: 5, availability: 99.5m), _ => "us-tx", ReferenceCatalog.Embedded),
            OfferScoring.Score(rfq, "dear-early", Offer(price: 3.5m, availability: 99.99m), _ => "us-nj", ReferenceCatalog.Embedded),
            OfferScoring.Score(rfq, "mid", Offer(price: 3.0m, startOffset: 5, availability: 99.5m), _ => "us-tx", ReferenceCatalog.Embedded),
        };
        Assert.Equal(["cheap-late", "mid", "dear-early"], OfferScoring.Rank(offers, OfferRanking.EffectivePrice).Select(o => o.OfferId));
        Assert.Equal(["dear-early", "cheap-late", "mid"], OfferScoring.Rank(offers, OfferRanking.Delivery).Select(o => o.OfferId));
        Assert.Equal(["dear-early", "cheap-late", "mid"], OfferScoring.Rank(offers, OfferRanking.Availability).Select(o => o.OfferId));
        Assert.Equal(["dear-early", "cheap-late", "mid"], OfferScoring.Rank(offers, OfferRanking.Region).Select(o => o.OfferId));
    }

    [Fact]
    public void An_award_of_a_share_scales_every_tranche_down()
    {
        var offer = new OfferTerms("GB300", 3m, 0.1m, 99.9m, [new OfferTranche("iren-p", 5_000, s_start, 36), new OfferTranche("iren-p", 3, s_start.AddMonths(3), 36)]);
        var terms = OfferScoring.ToContract(Rfq(), offer, CalendarMonth.Parse("2026-12"), 0.5m);
        Assert.Equal([2_500, 1], terms.Tranches.Select(t => t.Gpus));
        Assert.Equal([1, 2], terms.Tranches.Select(t => t.Number));
        Assert.Equal(ServiceCredits.Default(99.9m), terms.CreditTable);
    }
}
