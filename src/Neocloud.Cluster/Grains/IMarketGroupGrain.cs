using Neocloud.Cluster.Wire;

namespace Neocloud.Cluster.Grains;

/// <summary>
/// The grain of one market group (its key is the group's name: <c>rack-blackwell</c>, <c>hopper</c>, …): it hosts the
/// group's market shard on whichever node Orleans placed it. Every call interleaves: a submit matches in the call's
/// turn and awaits the shard's group commit, which commands arriving meanwhile join.
/// </summary>
[Alias("neocloud.market-group")]
public interface IMarketGroupGrain : IGrainWithStringKey
{
    /// <summary>Applies a request and answers its outcome, after the commit.</summary>
    [Alias("submit.2")]
    Task<WireOutcome> SubmitAsync(ShardCall call);

    /// <summary>Resting asks and bids of a SKU (in a region, or all) by price level.</summary>
    [Alias("book")]
    Task<WireBook> BookAsync(string sku, string? region);

    /// <summary>Every resting order of a SKU in every region, bids at their limit for it.</summary>
    [Alias("resting")]
    Task<IReadOnlyList<WireResting>> RestingAsync(string sku);

    /// <summary>The price in ticks a bid would trade at now, or null when the book cannot fill it.</summary>
    [Alias("quote")]
    Task<long?> QuoteAsync(string sku, string? region, int gpus, int start, int end, string buyer);

    /// <summary>Every resting ask a bid like this could take now, cheapest first.</summary>
    [Alias("candidates")]
    Task<IReadOnlyList<WireCandidate>> CandidatesAsync(string sku, string? region, int gpus, int start, int end, long? maxPriceTicks, string buyer);

    /// <summary>A pool's capacity, sold and offered GPUs as steps over <c>[start, end)</c>.</summary>
    [Alias("usage")]
    Task<IReadOnlyList<WireUsage>> UsageAsync(string poolId, int start, int end);

    /// <summary>This shard's part of an organization's account.</summary>
    [Alias("account")]
    Task<WireAccount> AccountAsync(string organization);

    /// <summary>This shard's part of every account it holds, and of the exchange's cash account.</summary>
    [Alias("accounts")]
    Task<WireAccounts> AccountsAsync();

    /// <summary>Learns what the home shard journaled of an organization's limit and this shard's slice (after a grant or a new limit); this shard's part after.</summary>
    [Alias("account.learn")]
    Task<WireAccount> LearnAccountAsync(string organization);

    /// <summary>Gives back the unused part of this shard's slice of an organization's credit: the total given back, for the home shard to journal.</summary>
    [Alias("account.release")]
    Task<long> ReleaseCreditAsync(string organization);

    /// <summary>Where the shard runs, its epoch and sequence; activates it if it is not running (the keeper's touch).</summary>
    [Alias("status")]
    Task<ShardStatus> StatusAsync();
}
