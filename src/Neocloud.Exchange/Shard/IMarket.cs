using Neocloud.Exchange.Outcomes;
using Neocloud.Market.Engine;

namespace Neocloud.Exchange.Shard;

/// <summary>
/// The market as the desks see it: submit a request to the shard of its market group, and read the engine's state
/// (the book, a quote, a pool's usage) after the commands queued before are committed. On one machine every group
/// is one in-process shard (<see cref="LocalMarket"/>); in a cluster each group's shard is a grain that may live on
/// another node.
/// </summary>
public interface IMarket
{
    /// <summary>Raised after a change to the market was committed (for live views; keep handlers short).</summary>
    event Action? Changed;

    /// <summary>Submits a request to its group's shard; see <see cref="MarketShard.SubmitAsync"/>.</summary>
    Task<Outcome<Committed>> SubmitAsync(ShardRequest request, Idempotency<Committed>? idempotency = null);

    /// <summary>Resting asks and bids of a SKU (in a region, or all) by price level.</summary>
    Task<BookSides> BookAsync(string sku, string? region);

    /// <summary>Every resting order of a SKU in every region, bids at their limit for it; see <see cref="IMatchingEngine.Resting"/>.</summary>
    Task<IReadOnlyList<RestingOrder>> RestingAsync(string sku);

    /// <summary>The price in ticks a bid would trade at now, or null when the book cannot fill it.</summary>
    Task<long?> QuoteAsync(string sku, string? region, int gpus, int start, int end, string buyer);

    /// <summary>Every resting ask a bid like this could take now, cheapest first; see <see cref="IMatchingEngine.Candidates"/>.</summary>
    Task<IReadOnlyList<AskCandidate>> CandidatesAsync(string sku, string? region, int gpus, int start, int end, long? maxPriceTicks, string buyer);

    /// <summary>A pool's capacity, sold and offered GPUs as steps over <c>[start, end)</c>; empty for an unknown pool.</summary>
    Task<IReadOnlyList<UsageStep>> UsageAsync(string poolId, int start, int end);

    /// <summary>An organization's account figures, as the credit check sees them (in a cluster, every shard's part added).</summary>
    Task<Accounts.AccountFigures> AccountAsync(string organization);

    /// <summary>Every account with figures, and the exchange's cash account (cents).</summary>
    Task<(IReadOnlyList<Accounts.AccountFigures> Accounts, long ExchangeCents)> AccountsAsync();

    /// <summary>The name the shard keeping a SKU's contracts gives its account entries and margins: its market group, or empty on one machine.</summary>
    string AccountShardOf(string sku);

    /// <summary>Tells every shard that an organization's limit changed on the home shard (in a cluster, the others learn it from the store).</summary>
    Task LimitChangedAsync(string organization);
}

/// <summary>Both sides of a book, by price level.</summary>
public sealed record BookSides(IReadOnlyList<BookLevel> Asks, IReadOnlyList<BookLevel> Bids);

/// <summary>The one-machine market: every group in one in-process shard.</summary>
public sealed class LocalMarket(MarketShard shard) : IMarket
{
    public event Action? Changed
    {
        add => shard.MarketChanged += value;
        remove => shard.MarketChanged -= value;
    }

    public Task<Outcome<Committed>> SubmitAsync(ShardRequest request, Idempotency<Committed>? idempotency = null) =>
        shard.SubmitAsync(request, idempotency);

    public Task<BookSides> BookAsync(string sku, string? region) =>
        shard.QueryAsync(engine => new BookSides(engine.Asks(sku, region), engine.Bids(sku, region)));

    public Task<IReadOnlyList<RestingOrder>> RestingAsync(string sku) =>
        shard.QueryAsync(engine => engine.Resting(sku));

    public Task<long?> QuoteAsync(string sku, string? region, int gpus, int start, int end, string buyer) =>
        shard.QueryAsync(engine => engine.Quote(sku, region, gpus, start, end, buyer));

    public Task<IReadOnlyList<AskCandidate>> CandidatesAsync(string sku, string? region, int gpus, int start, int end, long? maxPriceTicks, string buyer) =>
        shard.QueryAsync(engine => engine.Candidates(sku, region, gpus, start, end, maxPriceTicks, buyer));

    public Task<IReadOnlyList<UsageStep>> UsageAsync(string poolId, int start, int end) =>
        shard.QueryAsync(engine => engine.Usage(poolId, start, end));

    public Task<Accounts.AccountFigures> AccountAsync(string organization) => shard.QueryAccountsAsync(accounts => accounts.Figures(organization));

    public Task<(IReadOnlyList<Accounts.AccountFigures> Accounts, long ExchangeCents)> AccountsAsync() =>
        shard.QueryAccountsAsync(accounts => (accounts.All(), accounts.ExchangeCents));

    public Task LimitChangedAsync(string organization) => Task.CompletedTask;

    public string AccountShardOf(string sku) => "";
}
