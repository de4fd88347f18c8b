using Neocloud.Domain.Offtake;
using Neocloud.Domain.Time;
using Neocloud.Offtake;
using Neocloud.Offtake.Offers;
using Neocloud.Planning.Scenarios;
using Neocloud.Exchange.Offtake;
using Neocloud.Exchange.Outcomes;
using Neocloud.Storage;
using PlanTranche = Neocloud.Planning.Scenarios.OfferTranche;

namespace Neocloud.Exchange.Planning;

/// <summary>
/// Live offers as planning options: the sealed offers on a buyer's closed RFQ join a scenario's offers. An offer's
/// tranches go to the region of the pool that backs them (one planning offer per region, <c>{offer}/{region}</c> when
/// an offer spans regions); offers are divisible, as an award may take a share of one. Months before the scenario's
/// start are cut off, as are months past its horizon.
/// </summary>
public sealed class RfqPlanOffers(ExchangeStore store, TimeProvider clock)
{
    /// <summary>The scenario with the caller's closed RFQ's offers added (as of now), or a problem: see the static form.</summary>
    public Task<Outcome<PlanScenario>> AddAsync(PlanScenario scenario, string rfqId, string caller, CancellationToken ct) =>
        AddAsync(scenario, rfqId, caller, store, clock.GetUtcNow(), ct);

    /// <summary>The scenario with the RFQ's offers added, or a problem: unknown RFQ, still sealed, or a region the scenario lacks.</summary>
    public static async Task<Outcome<PlanScenario>> AddAsync(
        PlanScenario scenario, string rfqId, string caller, ExchangeStore store, DateTimeOffset now, CancellationToken ct)
    {
        if (await store.GetRfqAsync(rfqId, ct) is not { } rfq || rfq.BuyerId != caller)
            return Failure.Invalid("rfq", $"no RFQ '{rfqId}' of yours");
        if (RfqView.StatusOf(rfq, now) == RfqStatus.Open)
            return OfftakeDesk.Sealed(rfq);

        var start = new CalendarMonth(scenario.StartMonth.Year, scenario.StartMonth.Month);
        var added = new List<OfftakeOffer>();
        var poolRegions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var record in await store.OffersAsync(rfqId, null, ct))
        {
            var terms = OfftakeJson.Read<OfferTerms>(record.Terms);
            var byRegion = new Dictionary<string, List<PlanTranche>>(StringComparer.Ordinal);
            foreach (var tranche in terms.Tranches)
            {
                if (!poolRegions.TryGetValue(tranche.Pool, out var region))
                    poolRegions[tranche.Pool] = region = (await store.GetPoolAsync(tranche.Pool, ct))?.Region ?? "";
                if (scenario.FindRegion(region) is null)
                {
                    return Failure.Invalid("rfq", $"offer {record.Id} delivers from pool {tranche.Pool} in region '{region}', which the scenario does not have " +
                        $"(regions: {string.Join(", ", scenario.Regions.Select(r => r.Id))})");
                }
                var from = Math.Max(0, tranche.Start.MonthsSince(start));
                var months = tranche.End.MonthsSince(start) - from;
                if (months <= 0) continue;
                if (!byRegion.TryGetValue(region, out var list)) byRegion[region] = list = [];
                list.Add(new PlanTranche(tranche.Gpus, from, months));
            }
            foreach (var (region, tranches) in byRegion)
            {
                var id = byRegion.Count == 1 ? record.Id : $"{record.Id}/{region}";
                if (scenario.FindOffer(id) is not null) return Failure.Invalid("rfq", $"offer id '{id}' is already in the scenario");
                added.Add(new OfftakeOffer(id, record.SellerId, terms.Sku, region, terms.PricePerGpuHour, terms.PrepaymentFraction, Divisible: true, 0, tranches));
            }
        }
        return scenario with { Offers = [.. scenario.Offers, .. added] };
    }
}
