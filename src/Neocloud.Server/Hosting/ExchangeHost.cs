using Neocloud.Exchange.Offtake;
using Neocloud.Exchange.Seed;
using Neocloud.Exchange.Shard;
using Neocloud.Storage;

namespace Neocloud.Server.Hosting;

/// <summary>Starts the market shard with the web host (recovering it from the store, seeding a new market and the Microsoft–IREN offtake) and stops it last.</summary>
public sealed class ExchangeHost(MarketShard shard, IMarket market, ExchangeStore store, OfftakeDesk desk, TimeProvider clock) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await shard.StartAsync(cancellationToken);
        await FirstStart.SeedIfNewAsync(market, store, desk, clock, cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await shard.DisposeAsync();
}
