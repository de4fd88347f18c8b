using Neocloud.Cluster.Hosting;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Events;
using Neocloud.Server.Hosting;
using Neocloud.Storage;

namespace Neocloud.Server.Events;

/// <summary>
/// Keeps the event feed current on this node: listens for other nodes' commits (PostgreSQL), and publishes the events
/// time causes (<see cref="TimedEvents"/>) and re-marks margins when what they depend on moved (<see cref="Exchange.Accounts.MarginSweep"/>) and observes the forward curves curve alerts watch (<see cref="Exchange.Alerts.AlertSweep"/>) every <see cref="ServerOptions.EventSweepInterval"/> once the market is up.
/// A failed sweep (a shard moving, a database error, anything but the host stopping) is logged and the next one tries
/// again; the listener starts again after <see cref="NodeFaults.Backoff"/> (<see cref="NodeFaults"/>).
/// </summary>
public sealed partial class EventsHost(EventFeed feed, TimedEvents timed, Exchange.Accounts.MarginSweep margins, Exchange.Alerts.AlertSweep alerts, ServerOptions options, TimeProvider clock, ExchangeReadiness readiness,
    ILogger<EventsHost> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // What this loop journals is the exchange's own doing.
        using var acting = Acting.As(JournalActor.Exchange);
        var listening = NodeFaults.RetryAsync(feed.ListenAsync, (error, _, wait) => LogListenFailed(error, wait.TotalSeconds), clock, stoppingToken);
        try
        {
            await readiness.Recovered.WaitAsync(stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await timed.SweepAsync(stoppingToken);
                    await margins.SweepAsync(stoppingToken);
                    await alerts.SweepAsync(options.CurveAlertInterval, stoppingToken);
                }
                catch (Exception e) when (!NodeFaults.IsStopping(e, stoppingToken))
                {
                    if (NodeFaults.IsTransient(e)) LogSweepFailed(e);
                    else LogSweepFailedUnexpectedly(e);
                }
                await Task.Delay(options.EventSweepInterval, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception) when (!readiness.IsRecovered)
        {
            // The market never came up; the host is stopping.
        }
        await listening;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "publishing the events time causes failed; trying again at the next sweep")]
    private partial void LogSweepFailed(Exception error);

    [LoggerMessage(Level = LogLevel.Error, Message = "publishing the events time causes failed unexpectedly; trying again at the next sweep")]
    private partial void LogSweepFailedUnexpectedly(Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "listening for other nodes' events failed; listening again in {Seconds:0.0} s")]
    private partial void LogListenFailed(Exception error, double seconds);
}
