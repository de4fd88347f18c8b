using Neocloud.Cluster.Hosting;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Demo;
using Neocloud.Storage;

namespace Neocloud.Server.Hosting;

/// <summary>
/// Runs the demo traders (<c>serve --demo</c>) in the background while the host runs, once the market is recovered; if
/// they fail (a shard moving in a cluster), they start again after <see cref="NodeFaults.Backoff"/>.
/// </summary>
public sealed partial class DemoTradersHost(DemoTraders traders, ExchangeReadiness readiness, TimeProvider clock, ILogger<DemoTradersHost> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The demo traders' orders is the exchange's own doing.
        using var acting = Acting.As(JournalActor.Exchange);
        try
        {
            await readiness.Recovered.WaitAsync(stoppingToken);
        }
        catch (Exception) when (!readiness.IsRecovered)
        {
            return;
        }
        await NodeFaults.RetryAsync(traders.RunAsync, (error, _, wait) => LogTradersFailed(error, wait.TotalSeconds), clock, stoppingToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "the demo traders failed; starting them again in {Seconds:0.0} s")]
    private partial void LogTradersFailed(Exception error, double seconds);
}
