using System.Diagnostics;
using Neocloud.Cluster.Hosting;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Offtake;
using Neocloud.Exchange.Seed;
using Neocloud.Exchange.Shard;
using Neocloud.Storage;

namespace Neocloud.Server.Hosting;

/// <summary>
/// Recovers the market shard (from the store; seeding a new market and the Microsoft–IREN offtake) in the background
/// while the web host already listens, opens the readiness gate when done, and stops the shard last. A recovery that
/// fails stops the host; <see cref="ExchangeReadiness.Recovered"/> carries the error.
/// </summary>
/// <remarks>
/// In a cluster there is no local shard (the market groups' grains hold them); the first node to find the market new
/// seeds it, under a database lock. A transient failure there (a shard moving, a deadlock, a silo going) is retried
/// after <see cref="NodeFaults.Backoff"/>: a node joining a busy cluster does not give up on it.
/// </remarks>
public sealed partial class ExchangeHost(IServiceProvider services, IMarket market, ExchangeStore store, OfftakeDesk desk, TimeProvider clock,
    ServerOptions options, ExchangeReadiness readiness, IHostApplicationLifetime lifetime, ILogger<ExchangeHost> log) : IHostedService
{
    private readonly MarketShard? _shard = market is LocalMarket ? services.GetRequiredService<MarketShard>() : null;
    private readonly CancellationTokenSource _stopping = new();
    private Task _recovery = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _recovery = Task.Run(RecoverAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task RecoverAsync()
    {
        // The seed, the imports and the bootstrap are the exchange's own doing.
        using var acting = Acting.As(JournalActor.Exchange);
        var token = _stopping.Token;
        try
        {
            if (options.HoldRecovery is { } hold) await hold.WaitAsync(token);
            var started = Stopwatch.GetTimestamp();
            if (_shard is not null)
            {
                await _shard.StartAsync(token);
                await FirstStart.SeedIfNewAsync(market, store, desk, clock, token);
                await ImportBookAsync(token);
                await ConfigureAsync(token);
            }
            else
            {
                for (var failures = 1; ; failures++)
                {
                    try
                    {
                        await using var seeding = await store.LockAsync("seed", token);
                        await FirstStart.SeedIfNewAsync(market, store, desk, clock, token);
                        await ImportBookAsync(token);
                        await ConfigureAsync(token);
                        break;
                    }
                    catch (Exception e) when (!NodeFaults.IsStopping(e, token) && NodeFaults.IsTransient(e))
                    {
                        var wait = NodeFaults.Backoff(failures);
                        LogSeedCheckFailed(e, wait.TotalSeconds);
                        await Task.Delay(wait, clock, token);
                    }
                }
            }
            LogReady(_shard?.Sequence, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            readiness.Succeed();
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            readiness.Cancel();
        }
        catch (Exception e)
        {
            // Anything at all: the exchange cannot take requests without its market, so the host stops and says why.
            LogRecoveryFailed(e);
            readiness.Fail(e);
            lifetime.StopApplication();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _recovery;
        if (_shard is not null) await _shard.DisposeAsync();
        _stopping.Dispose();
    }

    /// <summary>Journals an upgraded store's older contract book rows, once, and says so.</summary>
    private async Task ImportBookAsync(CancellationToken token)
    {
        var rows = await BookImport.RunIfPendingAsync(market, store, token);
        if (rows > 0) LogBookImported(rows);
    }

    /// <summary>
    /// Journals an upgraded store's older configuration rows, once, and says so; then the reference organizations a
    /// store lacks and the admin token made at first start (after the market's seed, which runs only on an empty journal).
    /// </summary>
    private async Task ConfigureAsync(CancellationToken token)
    {
        var rows = await ConfigImport.RunIfPendingAsync(market, store, token);
        if (rows > 0) LogConfigImported(rows);
        await Bootstrap.SeedAsync(market, store, clock, token);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "store upgraded: {Rows} configuration rows (organizations, tokens, webhooks, procurements) written before the configuration was journaled were taken into the journal as one fact; journal verify checks them from now on")]
    private partial void LogConfigImported(int rows);

    [LoggerMessage(Level = LogLevel.Warning, Message = "store upgraded: {Rows} contract book rows written before the book was journaled were taken into the journal as one fact; journal verify checks them from now on")]
    private partial void LogBookImported(int rows);

    [LoggerMessage(Level = LogLevel.Information, Message = "the exchange is ready: market recovered at journal sequence {Sequence} in {Milliseconds} ms")]
    private partial void LogReady(long? sequence, long milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "checking whether the cluster's market needs its seed failed; trying again in {Seconds:0.0} s")]
    private partial void LogSeedCheckFailed(Exception error, double seconds);

    [LoggerMessage(Level = LogLevel.Critical, Message = "the exchange could not recover its market; stopping")]
    private partial void LogRecoveryFailed(Exception error);
}
