namespace Neocloud.Exchange.Outcomes;

/// <summary>
/// What the core answers: the accepted value, or a <see cref="Failure"/>; or, for a request under an idempotency key
/// that was already answered, that first answer as it was stored (<see cref="Replayed"/>).
/// </summary>
public readonly record struct Outcome<T>
{
    private Outcome(T? value, Failure? failure, StoredAnswer? replayed, bool held = false)
    {
        Value = value;
        Failure = failure;
        Replayed = replayed;
        IsHeld = held;
    }

    /// <summary>The accepted value, when <see cref="IsAccepted"/>.</summary>
    public T? Value { get; }

    /// <summary>Why it was refused, or null.</summary>
    public Failure? Failure { get; }

    /// <summary>The first answer to the same idempotency key, when this request repeated one.</summary>
    public StoredAnswer? Replayed { get; }

    /// <summary>True when the core did it.</summary>
    public bool IsAccepted => Failure is null && Replayed is null;

    /// <summary>An accepted value.</summary>
    public static Outcome<T> Accepted(T value) => new(value, null, null);

    /// <summary>The answer stored for a repeated idempotency key.</summary>
    public static Outcome<T> Replay(StoredAnswer answer) => new(default, null, answer);

    /// <summary>
    /// Not run: held for a second person's approval, answering <paramref name="answer"/> (202 and the approval) in
    /// <see cref="Replayed"/>'s place, so that every answer path and an idempotency key carry it as they carry a replay.
    /// </summary>
    public static Outcome<T> Hold(StoredAnswer answer) => new(default, null, answer, held: true);

    /// <summary>True when the command was held for approval (<see cref="Hold"/>) rather than run or replayed.</summary>
    public bool IsHeld { get; }

    public static implicit operator Outcome<T>(T value) => Accepted(value);

    public static implicit operator Outcome<T>(Failure failure) => new(default, failure, null);

    /// <summary>The same refusal or replay with the accepted value mapped.</summary>
    public Outcome<TOut> Map<TOut>(Func<T, TOut> map) =>
        IsAccepted ? Outcome<TOut>.Accepted(map(Value!)) : Replayed is { } replay ? new Outcome<TOut>(default, null, replay, IsHeld) : Failure!;
}
