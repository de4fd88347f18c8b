using Neocloud.Exchange.Offtake;
using Neocloud.Exchange.Shard;
using Neocloud.Storage;

namespace Neocloud.Exchange.Seed;

/// <summary>What a new exchange starts with: the seeded spot pools, then the Microsoft–IREN offtake.</summary>
public static class FirstStart
{
    /// <summary>Seeds the market when its journal is empty; does nothing on a later start.</summary>
    public static async Task SeedIfNewAsync(IMarket shard, ExchangeStore store, OfftakeDesk desk, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await store.HasJournalAsync(cancellationToken)) return;
        foreach (var pool in MarketSeed.Commands(clock.GetUtcNow()))
        {
            var outcome = await shard.SubmitAsync(pool);
            if (!outcome.IsAccepted) throw new InvalidOperationException($"seeding pool {pool.Command.Id} failed: {outcome.Failure}");
        }
        await OfftakeSeed.SeedAsync(shard, desk, clock.GetUtcNow().ToUnixTimeMilliseconds());
    }
}
