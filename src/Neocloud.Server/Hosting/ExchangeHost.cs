using Neocloud.Server.Exchange;
using Neocloud.Storage;

namespace Neocloud.Server.Hosting;

/// <summary>Starts the exchange loop with the web host (recovering it from the store, seeding a new market and the Microsoft–IREN offtake) and stops it last.</summary>
public sealed class ExchangeHost(ExchangeService exchange, ExchangeStore store, Offtake.OfftakeDesk desk, TimeProvider clock) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await exchange.StartAsync(cancellationToken);
        if (await store.LastSequenceAsync(cancellationToken) > 0) return;
        foreach (var pool in MarketSeed.Commands(clock.GetUtcNow()))
        {
            var answer = await exchange.SubmitAsync(pool, null, result => result.IsRejected
                ? Http.ApiResponse.Problem(422, "Seed pool rejected", result.RejectedReason!)
                : Http.ApiResponse.Of(201, pool.PoolId));
            if (answer.Status != 201) throw new InvalidOperationException($"seeding pool {pool.PoolId} failed: {answer.Json}");
        }
        await OfftakeSeed.SeedAsync(exchange, desk, clock.GetUtcNow().ToUnixTimeMilliseconds());
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await exchange.DisposeAsync();
}
