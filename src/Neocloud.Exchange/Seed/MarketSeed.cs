using Neocloud.Domain.Money;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Shard;
using Neocloud.Market.Commands;

namespace Neocloud.Exchange.Seed;

/// <summary>
/// The pools a new exchange starts with: illustrative spot inventory at the providers' sites of the reference data
/// (sizes are whole NVL72 racks or 8-GPU nodes; they are not published figures), ramping up in steps.
/// </summary>
public static class MarketSeed
{
    /// <summary>One seeded pool: GPUs at full ramp, months after start until it comes online, months it lasts.</summary>
    public sealed record SeedPool(string Id, string Provider, string? Site, string Sku, string Region, int Gpus, int OnlineAfterMonths, int Months);

    /// <summary>Hours in a market month (DESIGN.md: 730).</summary>
    public const int HoursPerMonth = 730;

    /// <summary>The seeded pools.</summary>
    public static readonly IReadOnlyList<SeedPool> Pools =
    [
        new("iren-childress-gb300", "iren", "iren-childress", "GB300", "us-tx", 4_608, 0, 60),
        new("iren-childress-b300", "iren", "iren-childress", "B300", "us-tx", 2_048, 6, 60),
        new("iren-prince-george-h200", "iren", "iren-prince-george", "H200", "ca-bc", 1_024, 0, 36),
        new("iren-mackenzie-b200", "iren", "iren-mackenzie", "B200", "ca-bc", 1_536, 1, 48),
        new("nebius-vineland-gb200", "nebius", "nebius-vineland", "GB200", "us-nj", 2_304, 0, 48),
        new("nscale-sines-gb300", "nscale", "nscale-sines", "GB300", "eu-pt", 1_152, 0, 60),
        new("nscale-texas-gb300", "nscale", "nscale-texas", "GB300", "us-tx", 2_304, 9, 60),
        new("coreweave-us-nj-h100", "coreweave", null, "H100", "us-nj", 4_096, 0, 36),
        new("lambda-us-tx-h100", "lambda", null, "H100", "us-tx", 2_048, 0, 36),
        new("crusoe-us-tx-gb200", "crusoe", null, "GB200", "us-tx", 1_152, 2, 48),
        new("nebius-eu-mi355x", "nebius", null, "MI355X", "eu-fi", 512, 0, 36),
    ];

    /// <summary>Reference prices per GPU-hour by SKU, for the demo traders (facts.md §4; MI figures illustrative).</summary>
    public static readonly IReadOnlyDictionary<string, Price> ReferencePrices = new Dictionary<string, Price>
    {
        ["H100"] = Price.FromTicks(2_3500),   // 1-year contract, Mar 2026 (P3)
        ["H200"] = Price.FromTicks(3_5000),   // on-demand $2.50–7.00 (P4, P5)
        ["B200"] = Price.FromTicks(5_3000),   // index SDB200RT (P1)
        ["B300"] = Price.FromTicks(3_6000),   // reserved from $3.25 (P8)
        ["GB200"] = Price.FromTicks(4_5400),  // on-demand per GPU (P5)
        ["GB300"] = Price.FromTicks(3_2500),  // 5-year reserved from $3.25 (P8)
        ["MI300X"] = Price.FromTicks(2_0000),
        ["MI325X"] = Price.FromTicks(2_4000),
        ["MI355X"] = Price.FromTicks(3_0000),
    };

    /// <summary>The pool commands for a market starting at <paramref name="start"/> (rounded down to a UTC day).</summary>
    public static IEnumerable<MarketRequest> Commands(DateTimeOffset start)
    {
        var day = Hour.FromUtc(start).Value / 24 * 24;
        foreach (var pool in Pools)
        {
            var online = day + pool.OnlineAfterMonths * HoursPerMonth;
            var end = online + pool.Months * HoursPerMonth;
            var ramp = online + 3 * HoursPerMonth;
            // Half the GPUs for the first quarter while halls are commissioned, then all of them.
            IReadOnlyList<Segment> steps = [new(online, ramp, pool.Gpus / 2), new(ramp, end, pool.Gpus)];
            yield return new MarketRequest(pool.Provider, new PoolCommand(pool.Id, pool.Provider, pool.Region, pool.Sku, steps), pool.Site);
        }
    }
}
