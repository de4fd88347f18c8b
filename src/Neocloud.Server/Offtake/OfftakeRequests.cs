using Neocloud.Domain.Input;
using Neocloud.Domain.Catalog;
using Neocloud.Economics.Escalation;
using Neocloud.Offtake.Contracts;
using Neocloud.Offtake.Offers;
using Neocloud.Offtake.Rfqs;
using Neocloud.Exchange.Orders;

namespace Neocloud.Server.Offtake;

/// <summary>Turns RFQ, offer, award, delivery, SLA and termination bodies into validated values, naming every bad field.</summary>
public static class OfftakeRequests
{
    /// <summary>The body of POST /rfqs.</summary>
    public sealed record RfqBody(IReadOnlyList<string> Skus, int? Gpus, decimal? Mw, IReadOnlyList<string>? Regions, string EarliestStart, string LatestStart,
        int TermMonths, IReadOnlyList<RampStep>? Ramp, string MaxPricePerGpuHour, decimal? PrepaymentFraction, decimal? MinAvailabilityPercent,
        DateTimeOffset ClosesAt, int? GraceMonths, decimal? DiscountRateAnnual, IReadOnlyList<CreditStep>? CreditTable, string? Billing,
        int? PrepaymentCreditFromMonth, PriceIndexBody? PriceIndex, decimal? LdPercentPerMonth, decimal? LdCapPercent);

    /// <summary>
    /// An escalator: <c>kind</c> fixed (<c>ratePerYear</c>), series (<c>series</c>, a name under /indices) or exchange
    /// (<c>sku</c>: this exchange's monthly VWAP); <c>resetEveryMonths</c> (default 12); optional <c>floor</c> and <c>cap</c> on the factor.
    /// </summary>
    public sealed record PriceIndexBody(string Kind, decimal? RatePerYear, string? Series, string? Sku, int? ResetEveryMonths, decimal? Floor, decimal? Cap);

    /// <summary>The body of POST /rfqs/{id}/offers.</summary>
    public sealed record OfferBody(string Sku, string PricePerGpuHour, decimal? PrepaymentFraction, decimal AvailabilityPercent, IReadOnlyList<TrancheBody> Tranches,
        PriceIndexBody? PriceIndex, decimal? LdPercentPerMonth, decimal? LdCapPercent);

    /// <summary>A tranche of an offer.</summary>
    public sealed record TrancheBody(string Pool, int Gpus, string Start, int TermMonths);

    /// <summary>The body of POST /rfqs/{id}/award.</summary>
    public sealed record AwardBody(IReadOnlyList<AwardItem> Awards);

    /// <summary>One awarded offer and the share of its GPUs taken (default 1).</summary>
    public sealed record AwardItem(string Offer, decimal? Share);

    /// <summary>
    /// The body of POST /offtakes/{id}/assignments: the assignee (<c>to</c>), whole <c>tranches</c> by number or a
    /// <c>share</c> (0 to 1] of every tranche, and the first month (<c>yyyy-MM</c>, not yet billed) the assignee pays for.
    /// </summary>
    public sealed record AssignmentBody(string To, IReadOnlyList<int>? Tranches, decimal? Share, string FromMonth);

    /// <summary>An assignment proposal as read.</summary>
    public sealed record AssignmentRequest(string To, IReadOnlyList<int>? Tranches, decimal? Share, Domain.Time.CalendarMonth FromMonth);

    /// <summary>The body of POST /offtakes/{id}/deliveries.</summary>
    public sealed record DeliveryBody(int Tranche, string Month);

    /// <summary>The body of POST /offtakes/{id}/sla.</summary>
    public sealed record SlaBody(string Month, decimal AvailabilityPercent);

    /// <summary>An RFQ's terms, or null with the bad fields recorded in <paramref name="fields"/>.</summary>
    public static RfqTerms? Rfq(JsonFields fields, DateTimeOffset now)
    {
        var catalog = ReferenceCatalog.Embedded;
        var skus = fields.StringSet("skus", catalog.Skus.Select(s => s.Id).ToList());
        var gpus = fields.Integer("gpus", 1, OrderIds.MaxGpus, required: false);
        var mw = fields.Decimal("mw", 0.001m, 10_000m, required: false);
        var regions = fields.Ids("regions", 50, required: false);
        var earliest = fields.Month("earliestStart");
        var latest = fields.Month("latestStart");
        var term = fields.Integer("termMonths", 1, RfqRequest.MaxTermMonths);
        var ramp = fields.Array("ramp", f => (f.Integer("gpus", 1, OrderIds.MaxGpus), f.Integer("monthOffset", 0, RfqRequest.MaxTermMonths)), 60, required: false);
        var maxPrice = fields.Price("maxPricePerGpuHour");
        var prepayment = fields.Decimal("prepaymentFraction", 0m, 1m, required: false) ?? 0m;
        var availability = fields.Decimal("minAvailabilityPercent", 0m, 100m, required: false) ?? 99m;
        var closes = fields.Instant("closesAt");
        var grace = fields.Integer("graceMonths", 0, RfqRequest.MaxGraceMonths, required: false) ?? 3;
        var rate = fields.Decimal("discountRateAnnual", 0m, 1m, required: false) ?? 0.10m;
        var credits = fields.Array("creditTable", f => (f.Decimal("belowPercent", 0.001m, 100m), f.Decimal("creditFraction", 0.001m, 1m)), 20, required: false);
        var billing = Billing(fields);
        var creditFrom = fields.Integer("prepaymentCreditFromMonth", 0, RfqRequest.MaxTermMonths, required: false) ?? 0;
        var index = PriceIndex(fields);
        var ld = fields.Decimal("ldPercentPerMonth", 0m, 100m, required: false) ?? 0m;
        var ldCap = fields.Decimal("ldCapPercent", 0m, 100m, required: false) ?? 0m;
        fields.RejectUnknown();
        if (skus is null || earliest is null || latest is null || term is null || maxPrice is null || closes is null
            || ramp?.Any(r => r.Item1 is null || r.Item2 is null) == true || credits?.Any(c => c.Item1 is null || c.Item2 is null) == true)
        {
            if (gpus is null && mw is null && fields.IsValid) fields.Error("gpus", "give gpus, or mw of critical IT");
            return null;
        }
        var request = new RfqRequest(skus, (int?)gpus, mw, regions ?? [], earliest.Value, latest.Value, (int)term.Value,
            ramp?.Select(r => new RampStep((int)r.Item1!.Value, (int)r.Item2!.Value)).ToList(), maxPrice.Value.Dollars, closes.Value, prepayment, availability,
            (int)grace, rate, credits?.Select(c => new CreditStep(c.Item1!.Value, c.Item2!.Value)).ToList(), billing, (int)creditFrom, index, ld, ldCap);
        var terms = request.ToTerms(now, catalog, fields.Errors);
        return terms.Success ? terms.Value : null;
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
            var gpus = f.Integer("gpus", 1, OrderIds.MaxGpus);
            var start = f.Month("start");
            var term = f.Integer("termMonths", 1, RfqRequest.MaxTermMonths);
            return pool is null || gpus is null || start is null || term is null ? null : new OfferTranche(pool, (int)gpus.Value, start.Value, (int)term.Value);
        }, 60);
        var index = PriceIndex(fields);
        var ld = fields.Decimal("ldPercentPerMonth", 0m, 100m, required: false);
        var ldCap = fields.Decimal("ldCapPercent", 0m, 100m, required: false);
        fields.RejectUnknown();
        if (index is { Kind: IndexKind.Exchange, Sku: { } indexSku } && ReferenceCatalog.Embedded.FindSku(indexSku) is null)
            fields.Error("priceIndex.sku", $"unknown SKU '{indexSku}'");
        if (sku is not null && ReferenceCatalog.Embedded.FindSku(sku) is null) fields.Error("sku", $"unknown SKU '{sku}'");
        if (!fields.IsValid || tranches!.Any(t => t is null)) return null;
        return new OfferTerms(ReferenceCatalog.Embedded.FindSku(sku!)!.Id, price!.Value.Dollars, prepayment, availability!.Value, tranches!.Select(t => t!).ToList(),
            index is { Kind: IndexKind.Exchange, Sku: { } s } ? index with { Sku = ReferenceCatalog.Embedded.FindSku(s)!.Id } : index, ld, ldCap);
    }

    /// <summary>The names of the billing conventions.</summary>
    public static readonly IReadOnlyList<string> BillingNames = ["730", "calendar"];

    /// <summary>The optional <c>billing</c> field: "730" (default) or "calendar".</summary>
    public static BillingConvention Billing(JsonFields fields) =>
        fields.OneOf("billing", BillingNames, required: false) == "calendar" ? BillingConvention.Calendar : BillingConvention.Hours730;

    /// <summary>The optional <c>priceIndex</c> object, its rules checked (a cap below the floor names <c>priceIndex.cap</c>).</summary>
    public static PriceIndex? PriceIndex(JsonFields fields) => fields.Object<PriceIndex>("priceIndex", f =>
    {
        var kind = f.OneOf("kind", ["fixed", "series", "exchange"]);
        var rate = f.Decimal("ratePerYear", -0.99m, 1m, required: false);
        var series = f.String("series", required: false, maxLength: 64);
        var sku = f.String("sku", required: false, maxLength: 32);
        var reset = f.Integer("resetEveryMonths", 1, Economics.Escalation.PriceIndex.MaxResetMonths, required: false) ?? 12;
        var floor = f.Decimal("floor", 0.0001m, 1000m, required: false);
        var cap = f.Decimal("cap", 0.0001m, 1000m, required: false);
        if (kind is null) return null;
        var index = new PriceIndex(kind switch { "fixed" => IndexKind.Fixed, "series" => IndexKind.Series, _ => IndexKind.Exchange }, rate, series, sku, (int)reset, floor, cap);
        index.Check("priceIndex", f.Errors);
        return index;
    });

    /// <summary>An assignment proposal, or null with the bad fields recorded.</summary>
    public static AssignmentRequest? Assignment(JsonFields fields)
    {
        var to = fields.Id("to");
        var tranches = fields.Integers("tranches", 1, 1000, 60, required: false);
        var share = fields.Decimal("share", 0.0001m, 1m, required: false);
        var from = fields.Month("fromMonth");
        fields.RejectUnknown();
        if (!fields.IsValid) return null;
        return new AssignmentRequest(to!, tranches?.Select(t => (int)t).ToList(), share, from!.Value);
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
