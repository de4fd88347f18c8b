using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Neocloud.Cluster.Grains;
using Neocloud.Cluster.Wire;
using Neocloud.Domain.Catalog;
using Neocloud.Storage;

namespace Neocloud.Cluster.Hosting;

/// <summary>
/// On every node, every second: touch each market group's grain, so a dead node's shards come back on the survivors
/// without waiting for traffic, and note where each runs and how far its journal has come (for <c>GET /api/v1/cluster</c>
/// and for live views, told when a shard's sequence moved). Registers this node's front end at start.
/// </summary>
public sealed partial class ShardKeeper(IGrainFactory grains, ClusterMarket market, ExchangeStore store, ClusterSettings settings, ILocalSiloDetails silo,
    TimeProvider clock, ILogger<ShardKeeper> log) : BackgroundService
{
    /// <summary>The last status each group's shard gave (to tell live views when a sequence moved).</summary>
    private readonly ConcurrentDictionary<string, ShardStatus> _latest = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await store.RegisterNodeAsync(new ClusterNodeRecord(silo.SiloAddress.ToParsableString(), settings.Url, clock.GetUtcNow().ToUnixTimeMilliseconds()), stoppingToken);
        var groups = MarketGroups.All(ReferenceCatalog.Embedded);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), clock);
        do
        {
            var moved = false;
            await Task.WhenAll(groups.Select(async group =>
            {
                try
                {
                    var status = await grains.GetGrain<IMarketGroupGrain>(group).StatusAsync().WaitAsync(settings.CallTimeout, stoppingToken);
                    if (!_latest.TryGetValue(group, out var before) || before.Sequence != status.Sequence) moved = true;
                    _latest[group] = status;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogTouchFailed(group, e.Message);
                }
            }));
            if (moved) market.RaiseChanged();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "touching the shard of {Group} failed: {Reason}")]
    private partial void LogTouchFailed(string group, string reason);
}
