using Neocloud.Storage;

namespace Neocloud.Exchange.Outcomes;

/// <summary>
/// The answers kept for idempotency keys: what a retried request finds before anything is applied again (the answer
/// itself, or a shard's pending outcome when the node that took the request stopped before storing its answer).
/// </summary>
public sealed class StoredAnswers(ExchangeStore store)
{
    /// <summary>The record kept for <paramref name="organization"/>'s <paramref name="key"/>, or null when the key is new.</summary>
    public Task<IdempotencyRecord?> FindAsync(string organization, string key, CancellationToken ct) => store.FindIdempotencyAsync(organization, key, ct);
}
