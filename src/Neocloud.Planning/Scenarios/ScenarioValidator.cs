using System.Globalization;
using Neocloud.Domain.Input;

namespace Neocloud.Planning.Scenarios;

/// <summary>
/// The rules a scenario must follow, checked once at the edge (JSON or code) so the solver can trust it. Paths name
/// fields as in the JSON format.
/// </summary>
public static class ScenarioValidator
{
    /// <summary>Every field that breaks a rule, by JSON path; empty when the scenario is valid.</summary>
    public static FieldErrors Validate(PlanScenario s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var errors = new FieldErrors();
        void Fail(string path, string problem) => errors.Add(path, problem);
        void Sku(string path, string sku)
        {
            if (!s.DenseFp8Tflops.ContainsKey(sku)) Fail(path, $"unknown SKU '{sku}' (known: {string.Join(", ", s.DenseFp8Tflops.Keys.Order(StringComparer.Ordinal))})");
        }
        void AtLeast(string path, decimal value, decimal min)
        {
            if (value < min) Fail(path, $"must be >= {Format(min)}, got {Format(value)}");
        }
        void Above(string path, decimal value, decimal min)
        {
            if (value <= min) Fail(path, $"must be > {Format(min)}, got {Format(value)}");
        }
        void AtMost(string path, decimal value, decimal max)
        {
            if (value > max) Fail(path, $"must be <= {Format(max)}, got {Format(value)}");
        }
        void Text(string path, string value)
        {
            if (string.IsNullOrWhiteSpace(value)) Fail(path, "must not be empty");
        }

        Text("name", s.Name);
        if (s.StartMonth.Day != 1) Fail("startMonth", $"must be the first day of a month, got {s.StartMonth:yyyy-MM-dd}");
        AtLeast("horizonMonths", s.HorizonMonths, 1);
        AtMost("horizonMonths", s.HorizonMonths, PlanScenario.MaxHorizonMonths);
        foreach (var (sku, tflops) in s.DenseFp8Tflops)
        {
            if (tflops <= 0m) Fail($"skus.{sku}", $"dense FP8 TFLOPS must be > 0, got {Format(tflops)}");
        }
        Sku("referenceSku", s.ReferenceSku);
        Above("discountRateAnnual", s.DiscountRateAnnual, -1m);
        AtMost("discountRateAnnual", s.DiscountRateAnnual, 10m);
        if (s.UnmetPenaltyUsdPerGpuMonth is { } penalty) AtLeast("unmetPenaltyUsdPerGpuMonth", penalty, 0m);
        foreach (var (sku, factor) in s.Usefulness)
        {
            Sku($"usefulness.{sku}", sku);
            Above($"usefulness.{sku}", factor, 0m);
            AtMost($"usefulness.{sku}", factor, 10m);
        }

        if (s.Regions.Count == 0) Fail("regions", "must hold at least one region");
        var regionIds = new HashSet<string>(StringComparer.Ordinal);
        var buildIds = new HashSet<string>(StringComparer.Ordinal);
        for (var r = 0; r < s.Regions.Count; r++)
        {
            var region = s.Regions[r];
            var at = $"regions[{r}]";
            Text($"{at}.id", region.Id);
            if (!regionIds.Add(region.Id)) Fail($"{at}.id", $"duplicate region '{region.Id}'");
            if (region.Demand.Count != s.HorizonMonths)
                Fail($"{at}.demand", $"must give one figure per month of the horizon ({s.HorizonMonths}), got {region.Demand.Count}");
            for (var m = 0; m < region.Demand.Count; m++) AtLeast($"{at}.demand[{m}]", region.Demand[m], 0m);
            for (var f = 0; f < region.Fleet.Count; f++)
            {
                var fleet = region.Fleet[f];
                var fat = $"{at}.fleet[{f}]";
                Sku($"{fat}.sku", fleet.Sku);
                AtLeast($"{fat}.gpus", fleet.Gpus, 0);
                AtLeast($"{fat}.onlineMonth", fleet.OnlineMonth, 0);
                if (fleet.RetireMonth is { } retire && retire <= fleet.OnlineMonth)
                    Fail($"{fat}.retireMonth", $"must be after onlineMonth {fleet.OnlineMonth}, got {retire}");
            }
            for (var b = 0; b < region.Build.Count; b++)
            {
                var build = region.Build[b];
                var bat = $"{at}.build[{b}]";
                Text($"{bat}.id", build.Id);
                if (!buildIds.Add(build.Id)) Fail($"{bat}.id", $"duplicate build option '{build.Id}'");
                Sku($"{bat}.sku", build.Sku);
                AtLeast($"{bat}.facilityUsdPerMw", build.FacilityUsdPerMw, 0m);
                AtLeast($"{bat}.equipmentUsdPerGpu", build.EquipmentUsdPerGpu, 0m);
                Above($"{bat}.kwPerGpu", build.KwPerGpu, 0m);
                AtLeast($"{bat}.pue", build.Pue, 1m);
                AtMost($"{bat}.pue", build.Pue, 5m);
                AtLeast($"{bat}.powerUsdPerMwh", build.PowerUsdPerMwh, 0m);
                AtLeast($"{bat}.opexUsdPerGpuMonth", build.OpexUsdPerGpuMonth, 0m);
                AtLeast($"{bat}.leadTimeMonths", build.LeadTimeMonths, 0);
                AtMost($"{bat}.leadTimeMonths", build.LeadTimeMonths, 240);
                Above($"{bat}.mwBlock", build.MwBlock, 0m);
                AtLeast($"{bat}.maxMwPerYear", build.MaxMwPerYear, 0m);
                AtLeast($"{bat}.lifeMonths", build.LifeMonths, 1);
                // Only with a positive kW per GPU (checked above) can the block's GPUs be counted.
                if (!errors.Under($"{bat}.") && build.GpusPerBlock < 1)
                    Fail($"{bat}.mwBlock", $"a block of {Format(build.MwBlock)} MW at {Format(build.KwPerGpu)} kW per GPU holds no whole GPU");
            }
        }

        var offerIds = new HashSet<string>(StringComparer.Ordinal);
        for (var o = 0; o < s.Offers.Count; o++)
        {
            var offer = s.Offers[o];
            var at = $"offers[{o}]";
            Text($"{at}.id", offer.Id);
            if (!offerIds.Add(offer.Id)) Fail($"{at}.id", $"duplicate offer '{offer.Id}'");
            Text($"{at}.provider", offer.Provider);
            Sku($"{at}.sku", offer.Sku);
            if (!regionIds.Contains(offer.Region)) Fail($"{at}.region", $"unknown region '{offer.Region}'");
            Above($"{at}.pricePerGpuHour", offer.PricePerGpuHour, 0m);
            AtLeast($"{at}.prepaymentFraction", offer.PrepaymentFraction, 0m);
            AtMost($"{at}.prepaymentFraction", offer.PrepaymentFraction, 1m);
            AtLeast($"{at}.earliestStartMonth", offer.EarliestStartMonth, 0);
            if (offer.Tranches.Count == 0) Fail($"{at}.tranches", "must hold at least one tranche");
            for (var t = 0; t < offer.Tranches.Count; t++)
            {
                var tranche = offer.Tranches[t];
                var tat = $"{at}.tranches[{t}]";
                AtLeast($"{tat}.gpus", tranche.Gpus, 1);
                AtLeast($"{tat}.startMonth", tranche.StartMonth, 0);
                AtLeast($"{tat}.termMonths", tranche.TermMonths, 1);
            }
        }

        for (var i = 0; i < s.Spot.Count; i++)
        {
            var spot = s.Spot[i];
            var at = $"spot[{i}]";
            Sku($"{at}.sku", spot.Sku);
            if (spot.Region is { } region && !regionIds.Contains(region)) Fail($"{at}.region", $"unknown region '{region}'");
            if (spot.PricePerGpuHour.Count == 0) Fail($"{at}.pricePerGpuHour", "must give a price");
            for (var m = 0; m < spot.PricePerGpuHour.Count; m++) AtLeast($"{at}.pricePerGpuHour[{m}]", spot.PricePerGpuHour[m], 0m);
            AtLeast($"{at}.maxGpusPerMonth", spot.MaxGpusPerMonth, 0);
        }
        return errors;
    }

    private static string Format(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
