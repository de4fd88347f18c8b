using Microsoft.Extensions.Logging.Abstractions;
using Neocloud.Domain.Money;
using Neocloud.Domain.Time;
using Neocloud.Exchange.MarketData;
using Neocloud.Exchange.Offtake;
using Neocloud.Exchange.Orders;
using Neocloud.Exchange.Pools;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Market.Commands;
using Neocloud.Storage;
using Neocloud.Testing;

namespace Neocloud.Exchange.Tests;

/// <summary>A market shard over a real SQLite file in a temporary folder, with builders for the commands the tests send.</summary>
public sealed class ShardRig : IAsyncDisposable
{
    /// <summary>The first hour of the test windows.</summary>
    public const int Start = 500_000;

    private readonly TempDirectory _directory = new("neocloud-shard-");

    private ShardRig(ExchangeStore store, MarketShard shard)
    {
        Store = store;
        Shard = shard;
    }

    public ExchangeStore Store { get; private set; }

    public MarketShard Shard { get; private set; }

    /// <summary>The PostgreSQL database's connection string, once <see cref="UsePostgresAsync"/> moved the rig there.</summary>
    public string? PostgresDatabase { get; private set; }

    /// <summary>The SQLite file.</summary>
    public string DatabaseFile => _directory.File("exchange.db");

    public static async Task<ShardRig> StartAsync(int snapshotEvery = 10_000)
    {
        var rig = new ShardRig(null!, null!);
        rig.Store = await ExchangeStore.OpenAsync(StoreOptions.SqliteFile(rig.DatabaseFile));
        rig.Shard = NewShard(rig.Store, snapshotEvery);
        await rig.Shard.StartAsync(CancellationToken.None);
        return rig;
    }

    /// <summary>Moves the rig to a fresh PostgreSQL database (the shard on SQLite stays, unused), for tests of what PostgreSQL does its own way.</summary>
    public async Task UsePostgresAsync()
    {
        await Shard.DisposeAsync();
        await Store.DisposeAsync();
        PostgresDatabase = PostgresServer.CreateDatabase("shard");
        Store = await ExchangeStore.OpenAsync(StoreOptions.Postgres(PostgresDatabase));
        Shard = NewShard(Store, 10_000);
        await Shard.StartAsync(CancellationToken.None);
    }

    /// <summary>Stops the shard (writing its final snapshot) and starts a new one on the same store, as a restart does.</summary>
    public async Task RestartAsync()
    {
        await Shard.DisposeAsync();
        Shard = NewShard(Store, 10_000);
        await Shard.StartAsync(CancellationToken.None);
    }

    /// <summary>Stops the shard, closes the store and opens both again (the store's upgrade runs again on the same file).</summary>
    public async Task ReopenAsync()
    {
        await Shard.DisposeAsync();
        await Store.DisposeAsync();
        Store = await ExchangeStore.OpenAsync(StoreOptions.SqliteFile(DatabaseFile));
        Shard = NewShard(Store, 10_000);
        await Shard.StartAsync(CancellationToken.None);
    }

    /// <summary>An offtake desk over this shard.</summary>
    public OfftakeDesk Desk() => new(Store, Market, TimeProvider.System, Approvals());

    /// <summary>The four-eyes gate over this shard.</summary>
    public Neocloud.Exchange.Approvals.ApprovalGate Approvals() => new(Market, Store, TimeProvider.System);

    /// <summary>The shard as the desks see the market.</summary>
    public IMarket Market => new LocalMarket(Shard);

    /// <summary>An order desk over this shard.</summary>
    public OrderDesk Orders() => new(Market, Store, TimeProvider.System, Approvals());

    /// <summary>A pool desk over this shard.</summary>
    public PoolDesk Pools() => new(Market, Store, new MarketQueries(Market, Store));

    public static MarketRequest Pool(string id, string provider, int gpus, string sku = "GB300", string region = "us-tx") =>
        new(provider, new PoolCommand(id, provider, region, sku, [new Segment(Start, Start + 10_000, gpus)]));

    public static MarketRequest Ask(string id, string seller, string pool, int gpus, string price, int hours = 1000) =>
        new(seller, new AskCommand(id, seller, pool, gpus, HourWindow.Of(Start, Start + hours), Dollars(price)));

    public static MarketRequest Bid(string id, string buyer, int gpus, string limit, int hours = 100, string sku = "GB300", bool ioc = false) =>
        new(buyer, new BidCommand(id, buyer, sku, null, gpus, HourWindow.Of(Start, Start + hours), Dollars(limit), ioc));

    public static Price Dollars(string text) => Price.TryParse(text, out var price, out var error) ? price : throw new ArgumentException(error);

    /// <summary>Submits and insists on acceptance.</summary>
    public async Task<Committed> AcceptAsync(ShardRequest request)
    {
        var outcome = await Shard.SubmitAsync(request);
        Assert.True(outcome.IsAccepted, $"expected {request} to be accepted, got {outcome.Failure}");
        return outcome.Value!;
    }

    /// <summary>An idempotency wrapper that stores the outcome's kind and order id as its answer.</summary>
    public static Idempotency<Committed> Key(string organization, string key, string hash) =>
        new(new IdempotencyKey(organization, key, hash), outcome => new StoredAnswer(outcome.IsAccepted ? 201 : 422, outcome.Value?.Order?.Id ?? outcome.Failure?.Detail ?? ""));

    private static MarketShard NewShard(ExchangeStore store, int snapshotEvery) =>
        new(store, TimeProvider.System, NullLogger<MarketShard>.Instance, snapshotEvery);

    public async ValueTask DisposeAsync()
    {
        await Shard.DisposeAsync();
        await Store.DisposeAsync();
        _directory.Dispose();
    }
}
