using Neocloud.Exchange.Demo;

namespace Neocloud.Server.Hosting;

/// <summary>Runs the demo traders (<c>serve --demo</c>) in the background while the host runs, once the market is recovered.</summary>
public sealed class DemoTradersHost(DemoTraders traders, ExchangeReadiness readiness) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await readiness.Recovered.WaitAsync(stoppingToken);
        }
        catch (Exception) when (!readiness.IsRecovered)
        {
            return;
        }
        await traders.RunAsync(stoppingToken);
    }
}
