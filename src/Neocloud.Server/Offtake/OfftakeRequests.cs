using Neocloud.Domain.Input;
using Neocloud.Domain.Catalog;
using Neocloud.Offtake.Contracts;
using Neocloud.Offtake.Offers;
using Neocloud.Offtake.Rfqs;
using Neocloud.Server.Http;
using Neocloud.Server.Orders;

namespace Neocloud.Server.Offtake;

/// <summary>Turns RFQ, offer, award, delivery, SLA and termination bodies into validated values, naming every bad field.</summary>
public static class OfftakeRequests
{
    /// <summary>The longest term an RFQ may ask for: ten years.</summary>
    public const int MaxTermMonths = 120;

    /// <summary>The body of POST /rfqs.</summary>
    public sealed record RfqBody(IReadOnlyList<string> Skus, int? Gpus, decimal? Mw, IReadOnlyList<string>? Regions, string EarliestStart, string LatestStart,
        int TermMonths, IReadOnlyList<RampStep>? Ramp, string MaxPricePerGpuHour, decimal? PrepaymentFraction, decimal? MinAvailabilityPercent,
        DateTimeOffset ClosesAt, int? GraceMonths, decimal? DiscountRateAnnual, IReadOnlyList<CreditStep>? CreditTable);

    /// <summary>The body of POST /rfqs/{id}/offers.</summary>
    public sealed record OfferBody(string Sku, string PricePerGpuHour, decimal? PrepaymentFraction, decimal AvailabilityPercent, IReadOnlyList<TrancheBody> Tranches);

    /// <summary>A tranche of an offer.</summary>
    public sealed record TrancheBody(string Pool, int Gpus, string Start, int TermMonths);

    /// <summary>The body of POST /rfqs/{id}/award.</summary>
    public sealed record AwardBody(IReadOnlyList<AwardItem> Awards);

    /// <summary>One awarded offer and the share of its GPUs taken (default 1).</summary>
    public sealed record AwardItem(string Offer, decimal? Share);

    /// <summary>The body of POST /offtakes/{id}/deliveries.</summary>
    public sealed record DeliveryBody(int Tranche, string Month);

    /// <summary>The body of POST /offtakes/{id}/sla.</summary>
    public sealed record SlaBody(string Month, decimal AvailabilityPercent);

    public static RfqTerms? Rfq(JsonFields fields, DateTimeOffset now)
    {
        var catalog = ReferenceCatalog.Embedded;
        var skus = fields.StringSet("skus", catalog.Skus.Select(s => s.Id).ToList());
        var gpus = fields.Integer("gpus", 1, OrderRequests.MaxGpus, required: false);
        var mw = fields.Decimal("mw", 0.001m, 10_000m, required: false);
        var regions = fields.Ids("regions", 50, required: false);
        var earliest = fields.Month("earliestStart");
        var latest = fields.Month("latestStart");
        var term = fields.Integer("termMonths", 1, MaxTermMonths);
        var ramp = fields.Array("ramp", f => (f.Integer("gpus", 1, OrderRequests.MaxGpus), f.Integer("monthOffset", 0, MaxTermMonths)), 60, required: false);
        var maxPrice = fields.Price("maxPricePerGpuHour");
        var prepayment = fields.Decimal("prepaymentFraction", 0m, 1m, required: false) ?? 0m;
        var availability = fields.Decimal("minAvailabilityPercent", 0m, 100m, required: false) ?? 99m;
        var closes = fields.Instant("closesAt");
        var grace = fields.Integer("graceMonths", 0, 36, required: false) ?? 3;
        var rate = fields.Decimal("discountRateAnnual", 0m, 1m, required: false) ?? 0.08m;
        var credits = fields.Array("creditTable", f => (f.Decimal("belowPercent", 0.001m, 100m), f.Decimal("creditFraction", 0.001m, 1m)), 20, required: false);
        fields.RejectUnknown();

        if (gpus is null && mw is null && fields.IsValid) fields.Error("gpus", "give gpus, or mw of critical IT");
        if (gpus is not null && mw is not null) fields.Error("mw", "give gpus or mw, not both");
        if (earliest is { } e && latest is { } l && l < e) fields.Error("latestStart", $"must not be before earliestStart ({e}), got {l}");
        if (closes is { } c && c <= now) fields.Error("closesAt", $"must be in the future, got {c:O}");
        var table = credits?.Where(x => x.Item1 is not null && x.Item2 is not null).Select(x => new CreditStep(x.Item1!.Value, x.Item2!.Value)).ToList() ?? [];
        if (ServiceCredits.Problem(table) is { } tableProblem) fields.Error("creditTable", tableProblem);
        if (!fields.IsValid) return null;

        // Megawatts of critical IT become GPUs of the first SKU at its all-in power per GPU.
        var total = gpus is { } g ? (int)g : (int)decimal.Floor(mw!.Value * 1000m / OfferScoring.KwPerGpu(catalog.FindSku(skus![0])));
        if (total < 1)
        {
            fields.Error("mw", "is less than one GPU");
            return null;
        }
        var steps = ramp?.Select(r => new RampStep((int)r.Item1!.Value, (int)r.Item2!.Value)).ToList() ?? [new RampStep(total, 0)];
        if (steps.Sum(s => s.Gpus) != total)
        {
            fields.Error("ramp", $"the ramp adds up to {steps.Sum(s => s.Gpus)} GPUs, the RFQ asks for {total}");
            return null;
        }
        return new RfqTerms(skus!.Select(s => catalog.FindSku(s)!.Id).ToList(), total, regions ?? [], earliest!.Value, latest!.Value, (int)term!.Value,
            steps, maxPrice!.Value.Dollars, prepayment, availability, closes!.Value, (int)grace, rate, table);
    }

    public static OfferTerms? Offer(JsonFields fields)
    {
        var sku = fields.String("sku", maxLength: 32);
        var price = fields.Price("pricePerGpuHour");
        var prepayment = fields.Decimal("prepaymentFraction", 0m, 1m, required: false) ?? 0m;
        var availability = fields.Decimal("availabilityPercent", 0m, 100m);
        var tranches = fields.Array("tranches", f =>
        {
            var pool = f.Id("pool");
            var gpus = f.Integer("gpus", 1, OrderRequests.MaxGpus);
            var start = f.Month("start");
            var term = f.Integer("termMonths", 1, MaxTermMonths);
            return pool is null || gpus is null || start is null || term is null ? null : new OfferTranche(pool, (int)gpus.Value, start.Value, (int)term.Value);
        }, 60);
        fields.RejectUnknown();
        if (sku is not null && ReferenceCatalog.Embedded.FindSku(sku) is null) fields.Error("sku", $"unknown SKU '{sku}'");
        if (!fields.IsValid || tranches!.Any(t => t is null)) return null;
        return new OfferTerms(ReferenceCatalog.Embedded.FindSku(sku!)!.Id, price!.Value.Dollars, prepayment, availability!.Value, tranches!.Select(t => t!).ToList());
    }

    public static List<(string Offer, decimal Share)>? Award(JsonFields fields)
    {
        var awards = fields.Array("awards", f => (f.Id("offer"), f.Decimal("share", 0.0001m, 1m, required: false) ?? 1m), 50);
        fields.RejectUnknown();
        if (!fields.IsValid) return null;
        var list = awards!.Select(a => (a.Item1!, a.Item2)).ToList();
        if (list.Select(a => a.Item1).Distinct().Count() != list.Count)
        {
            fields.Error("awards", "each offer may be awarded once");
            return null;
        }
        return list;
    }
}
