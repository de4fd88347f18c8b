using Neocloud.Cluster.Hosting;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Procurement;
using Neocloud.Exchange.Shard;
using Neocloud.Server.Hosting;
using Neocloud.Storage;

namespace Neocloud.Server.Procurement;

/// <summary>
/// Runs standing procurements inside the exchange: tops up every active one at least every
/// <see cref="Tick"/>, as soon as the clock's hour changes, when a procurement starts and when the market changes
/// (an ask that may fill a miss). Every node of a cluster runs one; the runner's numbered bids keep them from buying a
/// block twice. A failed top-up (a cancelled grain call, a shard moving, a database error: anything but the host
/// stopping) is logged and retried on the next tick (<see cref="NodeFaults"/>).
/// </summary>
public sealed partial class ProcurementHost(ProcurementRunner runner, IMarket market, TimeProvider clock, ExchangeReadiness readiness, ILogger<ProcurementHost> log)
    : BackgroundService
{
    /// <summary>The longest wait between two top-ups.</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromSeconds(2);

    /// <summary>The shortest wait between two top-ups, so a busy market does not keep the runner spinning.</summary>
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The bids this loop places is the exchange's own doing.
        using var acting = Acting.As(JournalActor.Exchange);
        // Nothing to top up before the market is recovered; if it never is, the host is stopping anyway.
        try
        {
            await readiness.Recovered.WaitAsync(stoppingToken);
        }
        catch (Exception) when (!readiness.IsRecovered)
        {
            return;
        }
        market.Changed += runner.Wake;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await runner.TopUpAllAsync(stoppingToken);
                }
                catch (Exception e) when (!NodeFaults.IsStopping(e, stoppingToken))
                {
                    // The store or a shard is unavailable: try again on the next tick.
                    if (NodeFaults.IsTransient(e)) LogTopUpFailed(e);
                    else LogTopUpFailedUnexpectedly(e);
                }
                await Task.Delay(Pause, clock, stoppingToken);
                await runner.WaitAsync(UntilNextTopUp(), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            market.Changed -= runner.Wake;
        }
    }

    /// <summary>The tick, or less when the clock's hour changes sooner.</summary>
    private TimeSpan UntilNextTopUp()
    {
        var now = clock.GetUtcNow();
        var nextHour = new Hour(Hour.FromUtc(now).Value + 1).StartUtc;
        var untilHour = nextHour - now;
        return untilHour < Tick ? untilHour + TimeSpan.FromMilliseconds(10) : Tick;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "top-up of the standing procurements failed; trying again on the next tick")]
    private partial void LogTopUpFailed(Exception error);

    [LoggerMessage(Level = LogLevel.Error, Message = "top-up of the standing procurements failed unexpectedly; trying again on the next tick")]
    private partial void LogTopUpFailedUnexpectedly(Exception error);
}
