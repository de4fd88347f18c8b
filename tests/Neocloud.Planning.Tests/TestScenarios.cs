using Neocloud.Domain.Catalog;
using Neocloud.Planning.Scenarios;

namespace Neocloud.Planning.Tests;

/// <summary>Builders for small scenarios: sensible defaults, override what a test is about.</summary>
internal static class TestScenarios
{
    public static readonly IReadOnlyDictionary<string, decimal> Skus =
        ReferenceCatalog.Embedded.Skus.ToDictionary(s => s.Id, s => s.Fp8Tflops.Value, StringComparer.OrdinalIgnoreCase);

    public static PlanScenario Scenario(
        int horizon,
        IReadOnlyList<PlanRegion> regions,
        IReadOnlyList<OfftakeOffer>? offers = null,
        IReadOnlyList<SpotMarket>? spot = null,
        decimal? penalty = 20_000m,
        decimal rate = 0.09m,
        IReadOnlyDictionary<string, decimal>? usefulness = null) =>
        new("test", new DateOnly(2026, 1, 1), horizon, "GB300", DemandUnit.Gpus, rate, penalty,
            usefulness ?? new Dictionary<string, decimal>(), Skus, regions, offers ?? [], spot ?? []);

    public static PlanRegion Region(string id, decimal[] demand, BuildOption[]? build = null, FleetEntry[]? fleet = null) =>
        new(id, demand, fleet ?? [], build ?? []);

    /// <summary>A GB300 build: 1 MW blocks of 400 GPUs (2.5 kW each).</summary>
    public static BuildOption Build(
        string id,
        int lead = 1,
        decimal maxMwPerYear = 2m,
        int life = 60,
        decimal facilityPerMw = 10_000_000m,
        decimal equipmentPerGpu = 60_000m,
        decimal mwBlock = 1m,
        string sku = "GB300") =>
        new(id, sku, facilityPerMw, equipmentPerGpu, 2.5m, 1.2m, 50m, 150m, lead, mwBlock, maxMwPerYear, life);

    public static OfftakeOffer Offer(string id, string region, int gpus, int start, int term, decimal price,
        decimal prepayment = 0m, bool divisible = false, string sku = "GB300", int earliestStart = 0) =>
        new(id, "provider-" + id, sku, region, price, prepayment, divisible, earliestStart, [new OfferTranche(gpus, start, term)]);

    public static SpotMarket Spot(decimal price, int max, string? region = null, string sku = "GB300") =>
        new(sku, region, [price], max);
}
