using System.Globalization;
using Neocloud.Domain.Catalog;
using Neocloud.Domain.Input;
using Neocloud.Domain.Time;
using Neocloud.Economics.Escalation;
using Neocloud.Offtake.Contracts;
using Neocloud.Offtake.Offers;

namespace Neocloud.Offtake.Rfqs;

/// <summary>
/// An RFQ as a buyer fills it in (each field already of its type, from a JSON body or a form): GPUs or megawatts of
/// critical IT, an optional ramp, the defaults of the optional terms. <see cref="ToTerms"/> checks the rules that
/// span fields and makes the terms.
/// </summary>
public sealed record RfqRequest(
    IReadOnlyList<string> Skus,
    int? Gpus,
    decimal? Mw,
    IReadOnlyList<string> Regions,
    CalendarMonth EarliestStart,
    CalendarMonth LatestStart,
    int TermMonths,
    IReadOnlyList<RampStep>? Ramp,
    decimal MaxPricePerGpuHour,
    DateTimeOffset ClosesAt,
    decimal PrepaymentFraction = 0m,
    decimal MinAvailabilityPercent = 99m,
    int GraceMonths = 3,
    decimal DiscountRateAnnual = 0.10m,
    IReadOnlyList<CreditStep>? CreditTable = null,
    BillingConvention Billing = BillingConvention.Hours730,
    int PrepaymentCreditFromMonth = 0,
    PriceIndex? PriceIndex = null,
    decimal LdPercentPerMonth = 0m,
    decimal LdCapPercent = 0m)
{
    /// <summary>The longest term an RFQ may ask for: ten years.</summary>
    public const int MaxTermMonths = 120;

    /// <summary>The longest grace period for late delivery an RFQ may grant.</summary>
    public const int MaxGraceMonths = 36;

    /// <summary>The terms, or the fields that break a rule; <paramref name="errors"/> may already hold the errors of reading the fields.</summary>
    public ParseResult<RfqTerms> ToTerms(DateTimeOffset now, ReferenceCatalog catalog, FieldErrors? errors = null)
    {
        errors ??= new FieldErrors();
        // The ranges of the fields themselves, whoever filled them in (the API's reader checks them too, as it reads).
        if (Gpus is < 1) errors.Add("gpus", $"must be >= 1, got {Gpus}");
        if (Mw is <= 0m) errors.Add("mw", $"must be positive, got {Mw.Value.ToString(CultureInfo.InvariantCulture)}");
        if (TermMonths is < 1 or > MaxTermMonths) errors.Add("termMonths", $"must be 1 to {MaxTermMonths}, got {TermMonths}");
        if (MaxPricePerGpuHour <= 0m) errors.Add("maxPricePerGpuHour", "must be positive");
        if (PrepaymentFraction is < 0m or > 1m) errors.Add("prepaymentFraction", $"must be 0 to 1, got {PrepaymentFraction.ToString(CultureInfo.InvariantCulture)}");
        if (MinAvailabilityPercent is < 0m or > 100m)
            errors.Add("minAvailabilityPercent", $"must be 0 to 100, got {MinAvailabilityPercent.ToString(CultureInfo.InvariantCulture)}");
        if (GraceMonths is < 0 or > MaxGraceMonths) errors.Add("graceMonths", $"must be 0 to {MaxGraceMonths}, got {GraceMonths}");
        if (DiscountRateAnnual is < 0m or > 1m) errors.Add("discountRateAnnual", $"must be 0 to 1, got {DiscountRateAnnual.ToString(CultureInfo.InvariantCulture)}");
        if (Ramp?.Any(step => step.Gpus < 1 || step.MonthOffset is < 0 or > MaxTermMonths) == true)
            errors.Add("ramp", $"each step needs at least 1 GPU and a month offset of 0 to {MaxTermMonths}");
        if (PrepaymentCreditFromMonth < 0 || PrepaymentCreditFromMonth >= Math.Max(1, TermMonths))
            errors.Add("prepaymentCreditFromMonth", $"must be 0 to {Math.Max(1, TermMonths) - 1} (months of service before the credit starts, within the term), got {PrepaymentCreditFromMonth}");
        if (LdPercentPerMonth is < 0m or > 100m) errors.Add("ldPercentPerMonth", $"must be 0 to 100, got {LdPercentPerMonth.ToString(CultureInfo.InvariantCulture)}");
        if (LdCapPercent is < 0m or > 100m) errors.Add("ldCapPercent", $"must be 0 to 100, got {LdCapPercent.ToString(CultureInfo.InvariantCulture)}");
        if (PriceIndex is { } index)
        {
            index.Check("priceIndex", errors);
            if (index.Kind == IndexKind.Exchange && index.Sku is { Length: > 0 } sku && catalog.FindSku(sku) is null) errors.Add("priceIndex.sku", $"unknown SKU '{sku}'");
        }
        if (Skus.Count == 0) errors.Add("skus", "must not be empty");
        foreach (var sku in Skus)
        {
            if (catalog.FindSku(sku) is null) errors.Add("skus", $"unknown SKU '{sku}'");
        }
        if (Gpus is null && Mw is null && errors.IsEmpty) errors.Add("gpus", "give gpus, or mw of critical IT");
        if (Gpus is not null && Mw is not null) errors.Add("mw", "give gpus or mw, not both");
        if (LatestStart < EarliestStart) errors.Add("latestStart", $"must not be before earliestStart ({EarliestStart}), got {LatestStart}");
        if (ClosesAt <= now) errors.Add("closesAt", $"must be in the future, got {ClosesAt:O}");
        var table = CreditTable ?? [];
        if (ServiceCredits.Problem(table) is { } tableProblem) errors.Add("creditTable", tableProblem);
        if (!errors.IsEmpty) return errors;

        // Megawatts of critical IT become GPUs of the first SKU at its all-in power per GPU.
        var total = Gpus ?? (int)decimal.Floor(Mw!.Value * 1000m / OfferScoring.KwPerGpu(catalog.FindSku(Skus[0])));
        var steps = Ramp ?? [new RampStep(total, 0)];
        if (total < 1) errors.Add("mw", "is less than one GPU");
        else if (steps.Sum(s => s.Gpus) != total) errors.Add("ramp", $"the ramp adds up to {steps.Sum(s => s.Gpus)} GPUs, the RFQ asks for {total}");
        if (!errors.IsEmpty) return errors;
        return ParseResult<RfqTerms>.Ok(new RfqTerms(Skus.Select(s => catalog.FindSku(s)!.Id).ToList(), total, Regions, EarliestStart, LatestStart, TermMonths,
            steps, MaxPricePerGpuHour, PrepaymentFraction, MinAvailabilityPercent, ClosesAt.ToUniversalTime(), GraceMonths, DiscountRateAnnual, table, Billing,
            PrepaymentCreditFromMonth, PriceIndex is { Kind: IndexKind.Exchange, Sku: { } s } ? PriceIndex with { Sku = catalog.FindSku(s)!.Id } : PriceIndex,
            LdPercentPerMonth, LdCapPercent));
    }
}
