using System.Net;
using System.Reflection;
using Microsoft.Extensions.Logging.Abstractions;
using Neocloud.Cluster.Grains;
using Neocloud.Cluster.Hosting;
using Neocloud.Cluster.Wire;
using Neocloud.Storage;
using Neocloud.Testing;

namespace Neocloud.Cluster.Tests;

/// <summary>
/// The shard keeper over grains that fail the way a busy cluster's do (cancelled activations, unavailable silos, calls
/// timing out): it logs, keeps touching, and never ends its node.
/// </summary>
public sealed class ShardKeeperTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("neocloud-keeper-");
    private ExchangeStore _store = null!;

    public async Task InitializeAsync() => _store = await ExchangeStore.OpenAsync(StoreOptions.SqliteFile(_directory.File("exchange.db")));

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Cancelled_activations_and_unavailable_silos_do_not_stop_the_keeper()
    {
        var grains = FlakyGrains.Create(failFirst: 24);
        var market = new ClusterMarket(grains, _store, NullLogger<ClusterMarket>.Instance);
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        market.Changed += () => changed.TrySetResult();
        var silo = Proxy<ILocalSiloDetails>.Of(name => name == "get_SiloAddress" ? SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1) : null);
        using var keeper = new ShardKeeper(grains, market, _store, new ClusterSettings { ConnectionString = "", Url = "http://127.0.0.1:5080" }, silo,
            TimeProvider.System, NullLogger<ShardKeeper>.Instance);

        await keeper.StartAsync(CancellationToken.None);
        // Every group's first calls fail (24 in all, a few seconds of them); then a status comes back and live views hear of it.
        await changed.Task.WaitAsync(Eventually.Patience);

        Assert.False(keeper.ExecuteTask!.IsCompleted, $"the keeper ended: {keeper.ExecuteTask.Exception}");
        Assert.True(FlakyGrains.Failed >= 24);
        await keeper.StopAsync(CancellationToken.None);
        Assert.False(keeper.ExecuteTask.IsFaulted, $"the keeper failed at stop: {keeper.ExecuteTask.Exception}");
    }

    /// <summary>Market-group grains whose first calls fail as a cluster's do: cancelled, silo unavailable, rejected, timed out.</summary>
    private static class FlakyGrains
    {
        private static int s_calls;
        private static int s_failFirst;

        public static int Failed => Math.Min(s_calls, s_failFirst);

        public static IGrainFactory Create(int failFirst)
        {
            (s_calls, s_failFirst) = (0, failFirst);
            return Proxy<IGrainFactory>.Of(_ => Proxy<IMarketGroupGrain>.Of(method =>
            {
                if (method != nameof(IMarketGroupGrain.StatusAsync)) throw new NotSupportedException(method);
                var call = Interlocked.Increment(ref s_calls);
                if (call > s_failFirst) return Task.FromResult(new ShardStatus("hopper", "silo", 1, call, false));
                Exception error = (call % 4) switch
                {
                    0 => new TaskCanceledException("the activation was cancelled"),
                    1 => new SiloUnavailableException("the silo is gone"),
                    2 => new OrleansException("the message was rejected"),
                    _ => new TimeoutException("no answer"),
                };
                return Task.FromException<ShardStatus>(error);
            }));
        }
    }

    /// <summary>An interface whose every call is answered by one function of the method's name.</summary>
    public class Proxy<T> : DispatchProxy where T : class
    {
        private Func<string, object?> _answer = _ => null;

        public static T Of(Func<string, object?> answer)
        {
            var proxy = Create<T, Proxy<T>>();
            ((Proxy<T>)(object)proxy)._answer = answer;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => _answer(targetMethod!.Name);
    }
}
