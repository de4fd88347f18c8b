using Neocloud.Domain.Catalog;
using Neocloud.Planning.Scenarios;

namespace Neocloud.Planning.Bench;

/// <summary>A random but plausible planning instance, the same for the same seed and size.</summary>
internal static class RandomScenario
{
    private static readonly string[] s_buildSkus = ["GB300", "GB200", "B300"];
    private static readonly string[] s_offerSkus = ["GB300", "GB200", "B200", "H200", "MI355X"];

    public static PlanScenario Generate(int seed, int regions, int months, int offers, int buildsPerRegion)
    {
        var random = new Random(seed);
        decimal Between(double lo, double hi, int decimals = 2) => decimal.Round((decimal)(lo + random.NextDouble() * (hi - lo)), decimals);
        int Whole(int lo, int hi) => random.Next(lo, hi + 1);

        var regionList = new List<PlanRegion>();
        for (var r = 0; r < regions; r++)
        {
            var start = (double)Whole(20_000, 100_000);
            var growth = 0.1 + random.NextDouble() * 0.2;
            var demand = new decimal[months];
            for (var m = 0; m < months; m++)
            {
                var noise = 1 + (random.NextDouble() - 0.5) * 0.06;
                demand[m] = decimal.Round((decimal)(start * Math.Pow(1 + growth, m / 12.0) * noise), 0);
            }
            FleetEntry[] fleet = [new FleetEntry(random.Next(2) == 0 ? "H100" : "H200", Whole(2_000, 10_000), 0, Whole(24, 60))];
            var builds = new List<BuildOption>();
            for (var b = 0; b < buildsPerRegion; b++)
            {
                var block = new[] { 10m, 25m, 50m }[random.Next(3)];
                builds.Add(new BuildOption(
                    $"r{r}-b{b}", s_buildSkus[random.Next(s_buildSkus.Length)],
                    Between(8e6, 12e6, 0), Between(50_000, 70_000, 0), Between(1.8, 2.6), Between(1.1, 1.4), Between(30, 70),
                    Between(100, 200, 0), Whole(12, 30), block, block * Whole(4, 16), Whole(60, 72)));
            }
            regionList.Add(new PlanRegion($"region-{r:00}", demand, fleet, builds));
        }

        var offerList = new List<OfftakeOffer>();
        for (var o = 0; o < offers; o++)
        {
            var tranches = new List<OfferTranche>();
            var count = Whole(1, 4);
            for (var t = 0; t < count; t++) tranches.Add(new OfferTranche(Whole(5, 40) * 1_000, t * Whole(0, 4), Whole(24, 60)));
            offerList.Add(new OfftakeOffer(
                $"offer-{o:000}", $"provider-{o % 7}", s_offerSkus[random.Next(s_offerSkus.Length)], regionList[random.Next(regions)].Id,
                Between(2.2, 3.8), random.Next(3) == 0 ? 0.2m : 0m, random.Next(5) == 0, Whole(0, Math.Max(0, months - 24)), tranches));
        }

        var curve = Enumerable.Range(0, months).Select(m => decimal.Round(4.5m - 2.0m * m / Math.Max(1, months - 1), 4)).ToArray();
        SpotMarket[] spot =
        [
            new("GB300", null, curve, 100_000 * regions / 10),
            new("H200", null, [2.50m], 100_000 * regions / 10),
        ];
        var skus = ReferenceCatalog.Embedded.Skus.ToDictionary(s => s.Id, s => s.Fp8Tflops.Value, StringComparer.OrdinalIgnoreCase);
        return new PlanScenario($"random-{seed}-{regions}x{months}x{offers}x{buildsPerRegion}", new DateOnly(2026, 1, 1), months, "GB300",
            DemandUnit.Gpus, 0.09m, 20_000m, new Dictionary<string, decimal> { ["MI355X"] = 0.8m }, skus, regionList, offerList, spot);
    }
}
