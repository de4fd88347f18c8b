using System.Globalization;
using Neocloud.Offtake.Rfqs;

namespace Neocloud.Offtake.Offers;

/// <summary>What the exchange knows of a pool when it checks an offer: who owns it, its SKU and region.</summary>
public sealed record PoolFacts(string Provider, string Sku, string Region);

/// <summary>
/// The rules an offer must keep against its RFQ, apart from capacity: the seller's own pools of an accepted SKU in an
/// accepted region, delivery inside the RFQ's start window, the RFQ's term, no more GPUs than asked, a price within
/// the buyer's maximum, a prepayment no larger than the buyer offered, and at least the availability it needs.
/// </summary>
public static class OfferRules
{
    /// <summary>Every broken rule, keyed by the offer's field path (<c>tranches[1].pool</c>); empty when the offer is acceptable.</summary>
    public static Dictionary<string, string> Check(RfqTerms rfq, string seller, OfferTerms offer, Func<string, PoolFacts?> pools)
    {
        var errors = new Dictionary<string, string>();
        if (!rfq.Skus.Contains(offer.Sku, StringComparer.Ordinal))
            errors["sku"] = $"the RFQ accepts {string.Join(", ", rfq.Skus)}, not {offer.Sku}";
        if (offer.PricePerGpuHour > rfq.MaxPricePerGpuHour)
            errors["pricePerGpuHour"] = $"{Usd(offer.PricePerGpuHour)} is above the RFQ's maximum of {Usd(rfq.MaxPricePerGpuHour)} per GPU-hour";
        if (offer.PrepaymentFraction > rfq.PrepaymentFraction)
            errors["prepaymentFraction"] = $"{Percent(offer.PrepaymentFraction)} asked, the buyer prepays at most {Percent(rfq.PrepaymentFraction)}";
        if (offer.AvailabilityPercent < rfq.MinAvailabilityPercent)
            errors["availabilityPercent"] = $"{offer.AvailabilityPercent.ToString(CultureInfo.InvariantCulture)}% offered, the RFQ needs at least {rfq.MinAvailabilityPercent.ToString(CultureInfo.InvariantCulture)}%";
        if (offer.LdPercentPerMonth is { } ld && ld < rfq.LdPercentPerMonth)
            errors["ldPercentPerMonth"] = $"{Number(ld)}% offered, the RFQ asks for at least {Number(rfq.LdPercentPerMonth)}% a month (offers may improve damages, not cut them)";
        if (offer.LdCapPercent is { } cap && cap < rfq.LdCapPercent)
            errors["ldCapPercent"] = $"{Number(cap)}% offered, the RFQ asks for a cap of at least {Number(rfq.LdCapPercent)}%";
        if (offer.LdPercentPerMonth is < 0m or > 100m) errors["ldPercentPerMonth"] = $"must be 0 to 100, got {Number(offer.LdPercentPerMonth.Value)}";
        if (offer.LdCapPercent is < 0m or > 100m) errors["ldCapPercent"] = $"must be 0 to 100, got {Number(offer.LdCapPercent.Value)}";
        if (offer.PriceIndex is { } index)
        {
            var problems = new Domain.Input.FieldErrors();
            index.Check("priceIndex", problems);
            foreach (var (field, messages) in problems) errors[field] = messages[0];
        }
        if (offer.Gpus > rfq.Gpus)
            errors["tranches"] = $"{offer.Gpus} GPUs offered, the RFQ asks for {rfq.Gpus}";
        // The ranges of the fields themselves, whoever built the offer (the API's reader checks them too, the dashboard's form does not).
        if (offer.PricePerGpuHour <= 0m) errors["pricePerGpuHour"] = "must be positive";
        if (offer.PrepaymentFraction < 0m) errors["prepaymentFraction"] = $"must be >= 0, got {offer.PrepaymentFraction.ToString(CultureInfo.InvariantCulture)}";
        if (offer.AvailabilityPercent > 100m) errors["availabilityPercent"] = $"must be <= 100, got {offer.AvailabilityPercent.ToString(CultureInfo.InvariantCulture)}";

        for (var i = 0; i < offer.Tranches.Count; i++)
        {
            var tranche = offer.Tranches[i];
            var path = $"tranches[{i}]";
            if (tranche.Gpus < 1) errors[$"{path}.gpus"] = $"must be >= 1, got {tranche.Gpus}";
            if (pools(tranche.Pool) is not { } pool)
                errors[$"{path}.pool"] = $"no pool '{tranche.Pool}'";
            else if (pool.Provider != seller)
                errors[$"{path}.pool"] = $"pool '{tranche.Pool}' belongs to {pool.Provider}, not {seller}";
            else if (pool.Sku != offer.Sku)
                errors[$"{path}.pool"] = $"pool '{tranche.Pool}' holds {pool.Sku}, the offer is for {offer.Sku}";
            else if (!rfq.AcceptsRegion(pool.Region))
                errors[$"{path}.pool"] = $"pool '{tranche.Pool}' is in {pool.Region}; the RFQ accepts {string.Join(", ", rfq.Regions)}";
            if (tranche.Start < rfq.EarliestStart || tranche.Start > rfq.LatestStart)
                errors[$"{path}.start"] = $"delivery in {tranche.Start} is outside the RFQ's start window {rfq.EarliestStart} to {rfq.LatestStart}";
            if (tranche.TermMonths != rfq.TermMonths)
                errors[$"{path}.termMonths"] = $"the RFQ's term is {rfq.TermMonths} months, got {tranche.TermMonths}";
        }
        return errors;
    }

    private static string Number(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Usd(decimal value) => "$" + value.ToString("0.00##", CultureInfo.InvariantCulture);

    private static string Percent(decimal fraction) => (fraction * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";
}
