using Neocloud.Domain.Input;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Storage;

namespace Neocloud.Cluster.Wire;

/// <summary>
/// A shard's <see cref="Outcome{T}"/> of <see cref="Committed"/> as it comes back from the grain: exactly one of the
/// committed value (order, trades, pool, portfolio, book fact), the failure (kind, title, detail, field errors), or the
/// answer stored for a repeated idempotency key.
/// </summary>
[GenerateSerializer, Immutable, Alias("neocloud.wire-outcome")]
public sealed record WireOutcome([property: Id(0)] Committed? Committed, [property: Id(1)] Failure? Failure, [property: Id(2)] StoredAnswer? Replayed)
{
    /// <summary>The outcome for the wire.</summary>
    public static WireOutcome Of(Outcome<Committed> outcome) =>
        new(outcome.IsAccepted ? outcome.Value : null, outcome.Failure, outcome.Replayed);

    /// <summary>The outcome again, on the caller's side.</summary>
    public Outcome<Committed> ToOutcome() =>
        Replayed is { } replayed ? Outcome<Committed>.Replay(replayed)
        : Failure is { } failure ? failure
        : Committed ?? throw new InvalidOperationException("an outcome names a value, a failure or a replay");
}

/// <summary>What an accepted request committed, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.committed")]
public readonly record struct CommittedSurrogate(
    [property: Id(0)] OrderRecord? Order, [property: Id(1)] TradeRecord[] Trades, [property: Id(2)] PoolRecord? Pool,
    [property: Id(3)] PortfolioRecord? Portfolio, [property: Id(4)] BookFact? Fact);

/// <summary>Converts <see cref="Committed"/> for the wire.</summary>
[RegisterConverter]
public sealed class CommittedConverter : IConverter<Committed, CommittedSurrogate>
{
    public Committed ConvertFromSurrogate(in CommittedSurrogate surrogate) =>
        new(surrogate.Order, surrogate.Trades, surrogate.Pool) { Portfolio = surrogate.Portfolio, Fact = surrogate.Fact };

    public CommittedSurrogate ConvertToSurrogate(in Committed value) =>
        new(value.Order, [.. value.Trades], value.Pool, value.Portfolio, value.Fact);
}

/// <summary>One bad field and what is wrong with it, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.field-error")]
public readonly record struct WireFieldError([property: Id(0)] string Field, [property: Id(1)] string Message);

/// <summary>A refusal on the wire: its kind, title, detail and bad fields.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.failure")]
public readonly record struct FailureSurrogate(
    [property: Id(0)] FailureKind Kind, [property: Id(1)] string Title, [property: Id(2)] string Detail, [property: Id(3)] WireFieldError[]? Errors);

/// <summary>Converts <see cref="Failure"/> for the wire.</summary>
[RegisterConverter]
public sealed class FailureConverter : IConverter<Failure, FailureSurrogate>
{
    public Failure ConvertFromSurrogate(in FailureSurrogate surrogate)
    {
        FieldErrors? errors = null;
        if (surrogate.Errors is { } fields)
        {
            errors = new FieldErrors();
            foreach (var field in fields) errors.Add(field.Field, field.Message);
        }
        return new Failure(surrogate.Kind, surrogate.Title, surrogate.Detail, errors);
    }

    public FailureSurrogate ConvertToSurrogate(in Failure value) =>
        new(value.Kind, value.Title, value.Detail, value.Errors?.Select(e => new WireFieldError(e.Key, e.Value[0])).ToArray());
}

/// <summary>The answer a host stored for an idempotency key, on the wire (its body is the host's, kept and given back).</summary>
[GenerateSerializer, Immutable, Alias("neocloud.stored-answer")]
public readonly record struct StoredAnswerSurrogate([property: Id(0)] int Code, [property: Id(1)] string Body);

/// <summary>Converts <see cref="StoredAnswer"/> for the wire.</summary>
[RegisterConverter]
public sealed class StoredAnswerConverter : IConverter<StoredAnswer, StoredAnswerSurrogate>
{
    public StoredAnswer ConvertFromSurrogate(in StoredAnswerSurrogate surrogate) => new(surrogate.Code, surrogate.Body);

    public StoredAnswerSurrogate ConvertToSurrogate(in StoredAnswer value) => new(value.Code, value.Body);
}
