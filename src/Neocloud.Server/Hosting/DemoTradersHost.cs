using Neocloud.Exchange.Demo;

namespace Neocloud.Server.Hosting;

/// <summary>Runs the demo traders (<c>serve --demo</c>) in the background while the host runs.</summary>
public sealed class DemoTradersHost(DemoTraders traders) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => traders.RunAsync(stoppingToken);
}
