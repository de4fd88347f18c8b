using Neocloud.Economics.Deals;

namespace Neocloud.Economics.Sensitivity;

/// <summary>Moves one input of a deal by a factor, keeping every value in its valid range.</summary>
public static class Scenario
{
    /// <summary>The names the CLI and API use for the inputs.</summary>
    public static readonly IReadOnlyDictionary<string, DealInput> Names = new Dictionary<string, DealInput>(StringComparer.OrdinalIgnoreCase)
    {
        ["price"] = DealInput.Price,
        ["power"] = DealInput.PowerPrice,
        ["equipment"] = DealInput.Equipment,
        ["facility"] = DealInput.Facility,
        ["opex"] = DealInput.OtherOpex,
        ["residual"] = DealInput.Residual,
        ["prepayment"] = DealInput.Prepayment,
        ["utilization"] = DealInput.Utilization,
        ["discount"] = DealInput.DiscountRate,
    };

    /// <summary>The deal with <paramref name="input"/> multiplied by <paramref name="factor"/> (fractions capped at 1).</summary>
    public static DealTerms Scale(DealTerms deal, DealInput input, decimal factor) => input switch
    {
        DealInput.Price => deal with
        {
            Pricing = deal.Pricing switch
            {
                Pricing.PerGpuHour p => new Pricing.PerGpuHour(p.Usd * factor),
                Pricing.TotalContractValue v => new Pricing.TotalContractValue(v.Usd * factor),
                _ => deal.Pricing,
            },
        },
        DealInput.PowerPrice => deal with { PowerUsdPerMwh = deal.PowerUsdPerMwh * factor },
        DealInput.Equipment => deal with
        {
            Equipment = deal.Equipment switch
            {
                Equipment.Total t => new Equipment.Total(t.Usd * factor),
                Equipment.PerGpu g => new Equipment.PerGpu(g.Usd * factor),
                _ => deal.Equipment,
            },
        },
        DealInput.Facility => deal with { FacilityUsdPerMw = deal.FacilityUsdPerMw * factor },
        DealInput.OtherOpex => deal with { OtherOpexFraction = Math.Min(1m, deal.OtherOpexFraction * factor) },
        DealInput.Residual => deal with { ResidualFraction = Math.Min(1m, deal.ResidualFraction * factor) },
        DealInput.Prepayment => deal with { PrepaymentFraction = Math.Min(1m, deal.PrepaymentFraction * factor) },
        DealInput.Utilization => deal with { Utilization = Math.Clamp(deal.Utilization * factor, 0.0001m, 1m) },
        DealInput.DiscountRate => deal with { DiscountRateAnnual = deal.DiscountRateAnnual * factor },
        _ => throw new ArgumentOutOfRangeException(nameof(input)),
    };
}
