using Neocloud.Storage;

namespace Neocloud.Exchange.Outcomes;

/// <summary>
/// An answer as a host stored it for an idempotency key: a code and a body the core never reads, only keeps and gives
/// back (the HTTP API keeps the status and the JSON it sent).
/// </summary>
public sealed record StoredAnswer(int Code, string Body);

/// <summary>
/// Makes a command idempotent (as eShop's IdentifiedCommand wraps any command once): the key, the hash of the request
/// it was first used for, and how the host turns this command's outcome into the answer it stores. The core stores
/// that answer in the same commit as the command's effects, so a retry after a crash finds either both or neither.
/// </summary>
public sealed class Idempotency<T>(IdempotencyKey key, Func<Outcome<T>, StoredAnswer> answer)
{
    /// <summary>Who used which key for which request.</summary>
    public IdempotencyKey Key { get; } = key;

    /// <summary>The record to store for <paramref name="outcome"/>.</summary>
    public IdempotencyRecord Record(Outcome<T> outcome, long nowMs) => Record(answer(outcome), nowMs);

    /// <summary>The record to store for an answer already made.</summary>
    public IdempotencyRecord Record(StoredAnswer stored, long nowMs) =>
        new(Key.OrganizationId, Key.Key, Key.RequestHash, stored.Code, stored.Body, nowMs);

    /// <summary>The answer to store for <paramref name="outcome"/>.</summary>
    public StoredAnswer Answer(Outcome<T> outcome) => answer(outcome);

    /// <summary>The same key for an inner step whose outcome <paramref name="map"/> turns into this one's.</summary>
    public Idempotency<TInner> Before<TInner>(Func<Outcome<TInner>, Outcome<T>> map) => new(Key, inner => answer(map(inner)));
}

/// <summary>
/// An organization's idempotency key and the hash of the request it came with. <paramref name="PendingOutcome"/> is
/// set when a cluster shard stored the command's raw outcome under this key but no front end stored its answer yet
/// (it died in between): the command is applied, and its answer is made from that outcome.
/// </summary>
public sealed record IdempotencyKey(string OrganizationId, string Key, string RequestHash, string? PendingOutcome = null);
