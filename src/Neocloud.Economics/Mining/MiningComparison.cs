namespace Neocloud.Economics.Mining;

/// <summary>A megawatt of bitcoin mining: the network's hashprice, the fleet's efficiency, what miners cost.</summary>
/// <param name="HashpriceUsdPerPhDay">Revenue per PH/s per day ($43–46 in Apr 2025, M2).</param>
/// <param name="JoulesPerTh">Fleet efficiency (IREN ~15 J/TH, S17; S21 XP 13.5, M4).</param>
/// <param name="AsicUsdPerTh">Miner price per TH/s (assumption).</param>
/// <param name="Pue">Facility power over miner power (immersion/air, assumption).</param>
/// <param name="OtherOpexFraction">Pool fees, repairs and staff as a fraction of revenue (assumption).</param>
/// <param name="FacilityUsdPerMw">Mining infrastructure per MW (assumption).</param>
public sealed record MiningInputs(decimal HashpriceUsdPerPhDay, decimal JoulesPerTh, decimal AsicUsdPerTh, decimal Pue, decimal OtherOpexFraction, decimal FacilityUsdPerMw)
{
    /// <summary>Defaults from the reference data (facts.md §6) and stated assumptions.</summary>
    public static MiningInputs Default { get; } = new(43m, 15m, 15m, 1.05m, 0.10m, 500_000m);
}

/// <summary>A megawatt of AI hosting, as a GPU cloud (selling GPU-hours) and as colocation (leasing the hall).</summary>
/// <param name="PricePerGpuHour">GPU cloud price (~$2.91 in the Microsoft–IREN deal, derived).</param>
/// <param name="KwPerGpu">Critical IT per GPU (~2.63 kW at Childress, derived).</param>
/// <param name="Utilization">Share of hours billed (assumption).</param>
/// <param name="Pue">Facility power over IT power (liquid cooled 1.05–1.15, E3).</param>
/// <param name="OtherOpexFraction">Other opex of a GPU cloud as a fraction of revenue (~85% EBITDA, S6).</param>
/// <param name="EquipmentUsdPerGpu">GPU systems per GPU (Dell $5.8B / 76k GPUs, derived).</param>
/// <param name="FacilityUsdPerItMw">Building the AI hall per IT-MW ($8–11M, D15/D17).</param>
/// <param name="ColocationUsdPerItMwYear">Colocation rent per IT-MW-year (TeraWulf $1.85M, D15).</param>
/// <param name="ColocationNoiMargin">Colocation net operating income margin (~85%, D16).</param>
public sealed record AiHostingInputs(
    decimal PricePerGpuHour, decimal KwPerGpu, decimal Utilization, decimal Pue, decimal OtherOpexFraction, decimal EquipmentUsdPerGpu,
    decimal FacilityUsdPerItMw, decimal ColocationUsdPerItMwYear, decimal ColocationNoiMargin)
{
    /// <summary>Defaults from the reference data (facts.md §1, §5, §6).</summary>
    public static AiHostingInputs Default { get; } = new(2.91m, 2.63m, 0.97m, 1.10m, 0.112m, 76_316m, 9_500_000m, 1_850_000m, 0.85m);
}

/// <summary>One use of a megawatt, per year: revenue, power, other opex, EBITDA, capex and simple payback.</summary>
public sealed record MegawattUse(string Use, decimal RevenueUsd, decimal PowerUsd, decimal OtherOpexUsd, decimal EbitdaUsd, decimal CapexUsd, decimal? PaybackYears, string Basis);

/// <summary>
/// What one megawatt of a site's power earns as bitcoin mining, as an AI GPU cloud, and as AI colocation — the
/// question every miner turned neocloud answers. The megawatt is power at the meter; IT load is MW / PUE.
/// </summary>
public static class MiningComparison
{
    private const decimal HoursPerYear = 8_760m;

    /// <summary>Compares the three uses of <paramref name="megawatts"/> at <paramref name="powerUsdPerMwh"/>.</summary>
    public static IReadOnlyList<MegawattUse> Compare(decimal megawatts, decimal powerUsdPerMwh, MiningInputs mining, AiHostingInputs ai)
    {
        var power = megawatts * HoursPerYear * powerUsdPerMwh;

        var minerMw = megawatts / mining.Pue;
        var terahash = minerMw * 1_000_000m / mining.JoulesPerTh;
        var miningRevenue = terahash / 1000m * mining.HashpriceUsdPerPhDay * 365m;
        var miningOpex = mining.OtherOpexFraction * miningRevenue;
        var miningCapex = terahash * mining.AsicUsdPerTh + mining.FacilityUsdPerMw * megawatts;

        var itMw = megawatts / ai.Pue;
        var gpus = itMw * 1000m / ai.KwPerGpu;
        var cloudRevenue = gpus * HoursPerYear * ai.PricePerGpuHour * ai.Utilization;
        var cloudOpex = ai.OtherOpexFraction * cloudRevenue;
        var cloudCapex = gpus * ai.EquipmentUsdPerGpu + ai.FacilityUsdPerItMw * itMw;

        var colocationRevenue = ai.ColocationUsdPerItMwYear * itMw;
        // Triple-net colocation passes power through to the tenant; the host keeps its NOI margin.
        var colocationOpex = (1m - ai.ColocationNoiMargin) * colocationRevenue;
        var colocationCapex = ai.FacilityUsdPerItMw * itMw;

        return
        [
            Use("bitcoin mining", miningRevenue, power, miningOpex, miningCapex,
                $"{terahash / 1000m:0.#} PH/s at {mining.JoulesPerTh:0.#} J/TH, ${mining.HashpriceUsdPerPhDay:0.##}/PH/day"),
            Use("AI GPU cloud", cloudRevenue, power, cloudOpex, cloudCapex,
                $"{gpus:#,0} GPUs at {ai.KwPerGpu:0.##} kW, ${ai.PricePerGpuHour:0.00}/GPU-h, {ai.Utilization:P0} billed"),
            Use("AI colocation", colocationRevenue, 0m, colocationOpex, colocationCapex,
                $"{itMw:0.##} IT-MW at ${ai.ColocationUsdPerItMwYear / 1_000_000m:0.##}M/IT-MW-yr, power passed through"),
        ];
    }

    private static MegawattUse Use(string use, decimal revenue, decimal power, decimal opex, decimal capex, string basis)
    {
        var ebitda = revenue - power - opex;
        return new MegawattUse(use, revenue, power, opex, ebitda, capex, ebitda > 0 ? capex / ebitda : null, basis);
    }
}
