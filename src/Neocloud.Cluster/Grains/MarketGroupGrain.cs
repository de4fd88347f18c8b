using Microsoft.Extensions.Logging;
using Neocloud.Cluster.Hosting;
using Neocloud.Cluster.Wire;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Storage;
using Orleans.Concurrency;

namespace Neocloud.Cluster.Grains;

/// <summary>
/// Hosts a market group's <see cref="MarketShard"/>, unchanged from one machine: on activation the shard claims the
/// group's next epoch in PostgreSQL and recovers from the group's snapshot and journal; a commit that finds a newer
/// epoch fails, and this activation answers "unavailable" and deactivates. Kept alive: a market is never idle-collected.
/// </summary>
[Reentrant, KeepAlive]
public sealed partial class MarketGroupGrain(ExchangeStore store, TimeProvider clock, ILoggerFactory logs, ClusterSettings settings, ILocalSiloDetails silo)
    : Grain, IMarketGroupGrain
{
    private readonly ILogger _log = logs.CreateLogger<MarketGroupGrain>();
    private MarketShard? _shard;
    private DateTimeOffset _activatedAt;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var group = this.GetPrimaryKeyString();
        var shard = new MarketShard(store, clock, logs.CreateLogger<MarketShard>(), settings.SnapshotEvery,
            () => Market.Engine.MarketEngines.Create(settings.Engine), group, settings.RequireCredit);
        await shard.StartAsync(cancellationToken);
        _shard = shard;
        _activatedAt = clock.GetUtcNow();
        LogActivated(group, shard.Epoch, shard.Sequence, silo.SiloAddress.ToString());
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_shard is { } shard) await shard.DisposeAsync();
    }

    public async Task<WireOutcome> SubmitAsync(ShardCall call)
    {
        if (Live() is not { } shard) return WireOutcome.Of(Failure.Unavailable);
        if (call.Key is { } asked && MayHoldEarlierKeys(shard) && await StoredAsync(asked) is { } stored) return Answer(stored);
        var key = call.Key is { } k
            ? new Idempotency<Committed>(new IdempotencyKey(k.OrganizationId, k.Key, k.RequestHash),
                outcome => new StoredAnswer(OutcomeJson.Pending, OutcomeJson.Write(outcome)))
            : null;
        var outcome = await shard.SubmitAsync(call.ToRequest(), key);
        if (shard.IsFenced) DeactivateOnIdle();
        return Answer(outcome);
    }

    /// <summary>
    /// The outcome for the caller. A replay of a record still pending (a key applied, its answer never stored by the
    /// node that took it) is the raw outcome it holds, so the caller stores its answer from it as from a first outcome.
    /// </summary>
    private static WireOutcome Answer(Outcome<Committed> outcome) =>
        WireOutcome.Of(outcome.Replayed is { Code: OutcomeJson.Pending } pending ? OutcomeJson.Read(pending.Body) : outcome);

    public async Task<WireBook> BookAsync(string sku, string? region)
    {
        var shard = Live() ?? throw new ShardStoppedException(this.GetPrimaryKeyString());
        return await shard.QueryAsync(engine => new WireBook(engine.Asks(sku, region).Select(WireLevel.Of).ToList(),
            engine.Bids(sku, region).Select(WireLevel.Of).ToList()));
    }

    public async Task<IReadOnlyList<WireResting>> RestingAsync(string sku)
    {
        var shard = Live() ?? throw new ShardStoppedException(this.GetPrimaryKeyString());
        return await shard.QueryAsync(engine => engine.Resting(sku).Select(WireResting.Of).ToList());
    }

    public async Task<long?> QuoteAsync(string sku, string? region, int gpus, int start, int end, string buyer)
    {
        var shard = Live() ?? throw new ShardStoppedException(this.GetPrimaryKeyString());
        return await shard.QueryAsync(engine => engine.Quote(sku, region, gpus, start, end, buyer));
    }

    public async Task<IReadOnlyList<WireCandidate>> CandidatesAsync(string sku, string? region, int gpus, int start, int end, long? maxPriceTicks, string buyer)
    {
        var shard = Live() ?? throw new ShardStoppedException(this.GetPrimaryKeyString());
        return await shard.QueryAsync(engine => engine.Candidates(sku, region, gpus, start, end, maxPriceTicks, buyer).Select(WireCandidate.Of).ToList());
    }

    public async Task<IReadOnlyList<WireUsage>> UsageAsync(string poolId, int start, int end)
    {
        var shard = Live() ?? throw new ShardStoppedException(this.GetPrimaryKeyString());
        return await shard.QueryAsync(engine => engine.Usage(poolId, start, end).Select(WireUsage.Of).ToList());
    }

    public async Task<WireAccount> AccountAsync(string organization)
    {
        var shard = Live() ?? throw new ShardStoppedException(this.GetPrimaryKeyString());
        return await shard.QueryAccountsAsync(accounts => WireAccount.Of(accounts.Figures(organization)));
    }

    public async Task<WireAccounts> AccountsAsync()
    {
        var shard = Live() ?? throw new ShardStoppedException(this.GetPrimaryKeyString());
        return await shard.QueryAccountsAsync(accounts => new WireAccounts(accounts.All().Select(WireAccount.Of).ToList(), accounts.ExchangeCents));
    }

    public async Task<WireAccount> LearnAccountAsync(string organization)
    {
        var shard = Live() ?? throw new ShardStoppedException(this.GetPrimaryKeyString());
        var (limitSet, limit, granted, returned) = await store.AccountStandingAsync(organization, this.GetPrimaryKeyString());
        return await shard.QueryAccountsAsync(accounts =>
        {
            accounts.Learn(organization, limitSet, limit, granted, returned);
            return WireAccount.Of(accounts.Figures(organization));
        });
    }

    public async Task<long> ReleaseCreditAsync(string organization)
    {
        var shard = Live() ?? throw new ShardStoppedException(this.GetPrimaryKeyString());
        return await shard.QueryAccountsAsync(accounts => accounts.Release(organization));
    }

    public Task<ShardStatus> StatusAsync()
    {
        var shard = _shard;
        var fenced = shard is null || shard.IsFenced;
        if (fenced) DeactivateOnIdle();
        return Task.FromResult(new ShardStatus(this.GetPrimaryKeyString(), silo.SiloAddress.ToParsableString(), shard?.Epoch ?? 0, shard?.Sequence ?? 0, fenced));
    }

    /// <summary>
    /// True while a key this activation did not see arrive may have been applied by an earlier activation of the group
    /// and still be in flight as a retry: never at epoch 1 (there was none), and not after the shard's key memory.
    /// </summary>
    private bool MayHoldEarlierKeys(MarketShard shard) => shard.Epoch > 1 && clock.GetUtcNow() - _activatedAt < MarketShard.KeyMemory;

    /// <summary>
    /// The answer kept for a key an earlier activation applied. The shard remembers the keys it applied itself; for
    /// as long as a key is remembered, one applied before this activation is looked up in the store, so a retry that
    /// reaches the group's new home lands once.
    /// </summary>
    private async Task<Outcome<Committed>?> StoredAsync(WireKey key)
    {
        if (await store.FindIdempotencyAsync(key.OrganizationId, key.Key) is not { } prior) return null;
        return prior.RequestHash == key.RequestHash ? Outcome<Committed>.Replay(new StoredAnswer((int)prior.StatusCode, prior.Response)) : Failure.KeyReused;
    }

    /// <summary>The shard while it may still write; a fenced one makes this activation go.</summary>
    private MarketShard? Live()
    {
        if (_shard is { IsFenced: false } shard) return shard;
        DeactivateOnIdle();
        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "market group {Group} activated at epoch {Epoch}, sequence {Sequence}, on silo {Silo}")]
    private partial void LogActivated(string group, long epoch, long sequence, string silo);
}
