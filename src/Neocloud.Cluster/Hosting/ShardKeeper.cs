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

    /// <summary>Whether this node's front end is in <c>cluster_nodes</c> yet (registered once, retried until it is).</summary>
    private bool _registered;

    /// <summary>
    /// Keeps the shards touched until the host stops. A failed touch is logged and the next second tries again; anything
    /// else that fails (the registration, the store) is retried with <see cref="NodeFaults.Backoff"/>: a cancelled
    /// activation, an unavailable silo or a database error never ends the node.
    /// </summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        NodeFaults.RetryAsync(KeepAsync, (error, transient, wait) =>
        {
            if (transient) LogKeeperFailed(error, wait.TotalSeconds);
            else LogKeeperFailedUnexpectedly(error, wait.TotalSeconds);
        }, clock, stoppingToken);

    private async Task KeepAsync(CancellationToken stoppingToken)
    {
        if (!_registered)
        {
            await store.RegisterNodeAsync(new ClusterNodeRecord(silo.SiloAddress.ToParsableString(), settings.Url, clock.GetUtcNow().ToUnixTimeMilliseconds()), stoppingToken);
            _registered = true;
        }
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
                catch (Exception e) when (!NodeFaults.IsStopping(e, stoppingToken))
                {
                    // A cancelled or timed-out call, an activation moving, a silo going: the next second touches it again.
                    LogTouchFailed(group, e.GetType().Name, e.Message);
                }
            }));
            if (moved) market.RaiseChanged();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "touching the shard of {Group} failed ({Error}): {Reason}")]
    private partial void LogTouchFailed(string group, string error, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "keeping the shards failed; trying again in {Seconds:0.0} s")]
    private partial void LogKeeperFailed(Exception error, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "keeping the shards failed unexpectedly; trying again in {Seconds:0.0} s")]
    private partial void LogKeeperFailedUnexpectedly(Exception error, double seconds);
}
