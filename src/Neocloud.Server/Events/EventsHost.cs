using Neocloud.Exchange.Events;
using Neocloud.Server.Hosting;

namespace Neocloud.Server.Events;

/// <summary>
/// Keeps the event feed current on this node: listens for other nodes' commits (PostgreSQL), and publishes the events
/// time causes (<see cref="TimedEvents"/>) every <see cref="ServerOptions.EventSweepInterval"/> once the market is up.
/// </summary>
public sealed partial class EventsHost(EventFeed feed, TimedEvents timed, ServerOptions options, TimeProvider clock, ExchangeReadiness readiness,
    ILogger<EventsHost> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listening = feed.ListenAsync(stoppingToken);
        try
        {
            await readiness.Recovered.WaitAsync(stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await timed.SweepAsync(stoppingToken);
                }
                catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or IOException or TimeoutException)
                {
                    LogSweepFailed(e);
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
}
