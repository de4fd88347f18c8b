using Neocloud.Domain.Offtake;
using Neocloud.Domain.Time;
using Neocloud.Economics.Presets;
using Neocloud.Offtake;
using Neocloud.Offtake.Contracts;
using Neocloud.Exchange.Offtake;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Market.Commands;
using Neocloud.Storage;

namespace Neocloud.Exchange.Seed;

/// <summary>
/// The Microsoft–IREN offtake as an awarded contract, so the exchange shows it from the first start: ~76,000 GB300
/// at Childress in four Horizon tranches of 19,000, due March, June, September and December 2026, each billed for 60
/// months; $9.7B of contract value (so $2.91396… per GPU-hour at 730 hours a month, the deal preset's price exactly) with
/// 20% prepaid and credited back after the 24th month of service (facts.md, and the iren-microsoft-2025 deal preset,
/// whose revenue and credits its invoices match month by month). The availability promise, grace period and the
/// on-time deliveries of the tranches already due are illustrative, not published.
/// </summary>
public static class OfftakeSeed
{
    /// <summary>The seeded contract's id.</summary>
    public const string ContractId = "otc-microsoft-iren-2025";

    /// <summary>The pool that holds the contract's GPUs.</summary>
    public const string PoolId = "iren-childress-horizon";

    private static readonly CalendarMonth[] s_due = new[] { "2026-03", "2026-06", "2026-09", "2026-12" }.Select(CalendarMonth.Parse).ToArray();

    /// <summary>The contract's terms.</summary>
    public static ContractTerms Terms => new("GB300", CalendarMonth.Parse("2025-11"), DealPresets.Find(PresetId)!.Terms.PricePerGpuHour, 0.2m, 99.5m, 3, 0.08m,
        ServiceCredits.Default(99.5m), s_due.Select((due, i) => new ContractTranche(i + 1, PoolId, 19_000, due, 60)).ToList(), PrepaymentCreditFromMonth: 24);

    /// <summary>The deal preset the contract is the ledger of.</summary>
    public const string PresetId = "iren-microsoft-2025";

    /// <summary>The Horizon pool: exactly the GPUs of the tranches, month by month.</summary>
    public static MarketRequest Pool()
    {
        var tranches = Terms.Tranches;
        var breaks = tranches.SelectMany(t => new[] { t.Start, t.End }).Distinct().Order().ToList();
        var steps = new List<Segment>();
        for (var i = 0; i + 1 < breaks.Count; i++)
        {
            var gpus = tranches.Where(t => t.Start <= breaks[i] && breaks[i] < t.End).Sum(t => t.Gpus);
            steps.Add(new Segment(breaks[i].FirstHour.Value, breaks[i + 1].FirstHour.Value, gpus));
        }
        return new MarketRequest("iren", new PoolCommand(PoolId, "iren", "us-tx", "GB300", steps), "iren-childress");
    }

    /// <summary>Seeds the pool, the contract and the deliveries due by now.</summary>
    public static async Task SeedAsync(IMarket exchange, OfftakeDesk desk, long nowMs)
    {
        Expect(await exchange.SubmitAsync(Pool()));
        var record = new OfftakeRecord(ContractId, null, null, "microsoft", "iren", "GB300", "us-tx", ContractStatus.Active, null, nowMs, OfftakeJson.Write(Terms));
        Expect(await desk.RecordContractAsync(record, Terms));
        foreach (var tranche in Terms.Tranches.Where(t => t.Start <= desk.ThisMonth))
            Expect(await desk.DeliverAsync("iren", ContractId, tranche.Number, tranche.Start, null, CancellationToken.None));
    }

    private static void Expect<T>(Outcome<T> outcome)
    {
        if (!outcome.IsAccepted) throw new InvalidOperationException($"seeding the Microsoft–IREN offtake failed: {outcome.Failure}");
    }
}
