using Neocloud.Exchange.Offtake;
using Neocloud.Exchange.Seed;
using Neocloud.Exchange.Shard;
using Neocloud.Storage;

namespace Neocloud.Server.Hosting;

/// <summary>Starts the market shard with the web host (recovering it from the store, seeding a new market and the Microsoft–IREN offtake) and stops it last.</summary>
/// <remarks>In a cluster there is no local shard (the market groups' grains hold them); the first node to find the market new seeds it, under a database lock.</remarks>
public sealed class ExchangeHost(IServiceProvider services, IMarket market, ExchangeStore store, OfftakeDesk desk, TimeProvider clock) : IHostedService
{
    private readonly MarketShard? _shard = market is LocalMarket ? services.GetRequiredService<MarketShard>() : null;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_shard is not null)
        {
            await _shard.StartAsync(cancellationToken);
            await FirstStart.SeedIfNewAsync(market, store, desk, clock, cancellationToken);
            return;
        }
        await using var seeding = await store.LockAsync("seed", cancellationToken);
        await FirstStart.SeedIfNewAsync(market, store, desk, clock, cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_shard is not null) await _shard.DisposeAsync();
    }
}
