namespace Neocloud.Storage.Tests;

/// <summary>A fresh store for each test, on whatever <see cref="CreateOptions"/> names (a real SQLite file or a real PostgreSQL database).</summary>
public abstract class StoreContractBase : IAsyncLifetime
{
    private ExchangeStore? _store;

    protected ExchangeStore Store => _store ?? throw new InvalidOperationException("not initialized");

    protected abstract StoreOptions CreateOptions();

    /// <summary>Commits a contract book fact alone (its rows and events), as a shard's commit would with its journal row.</summary>
    protected Task CommitFactAsync(BookFact fact)
    {
        var batch = new CommitBatch();
        batch.Facts.Add(fact);
        batch.Events.AddRange(fact.Events);
        return Store.CommitAsync(batch);
    }

    /// <summary>Commits journal rows in one batch (in a cluster shard's journal, moving its fence as the exchange does, when <paramref name="shard"/> is given).</summary>
    protected static async Task CommitJournalAsync(ExchangeStore store, IEnumerable<JournalEntry> rows, string? shard = null)
    {
        var batch = new CommitBatch();
        batch.Journal.AddRange(rows);
        if (shard is not null)
        {
            var claim = await store.ClaimShardAsync(shard);
            batch.Fence = new ShardFence(shard, claim.Epoch, claim.LastSequence, batch.Journal[^1].Sequence);
        }
        await store.CommitAsync(batch);
    }

    public async Task InitializeAsync() => _store = await ExchangeStore.OpenAsync(CreateOptions());

    public async Task DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
    }
}
