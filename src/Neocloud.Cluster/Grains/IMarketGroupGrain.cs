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
    /// <summary>Applies a request and answers its outcome as <see cref="OutcomeJson"/>, after the commit.</summary>
    [Alias("submit")]
    Task<string> SubmitAsync(ShardCall call);

    [Alias("book")]
    Task<WireBook> BookAsync(string sku, string? region);

    [Alias("resting")]
    Task<IReadOnlyList<WireResting>> RestingAsync(string sku);

    [Alias("quote")]
    Task<long?> QuoteAsync(string sku, string? region, int gpus, int start, int end, string buyer);

    [Alias("candidates")]
    Task<IReadOnlyList<WireCandidate>> CandidatesAsync(string sku, string? region, int gpus, int start, int end, long? maxPriceTicks, string buyer);

    [Alias("usage")]
    Task<IReadOnlyList<WireUsage>> UsageAsync(string poolId, int start, int end);

    /// <summary>Where the shard runs, its epoch and sequence; activates it if it is not running (the keeper's touch).</summary>
    [Alias("status")]
    Task<ShardStatus> StatusAsync();
}
