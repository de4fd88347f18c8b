using Neocloud.Exchange.Outcomes;

namespace Neocloud.Server.Http;

/// <summary>The core's outcomes as HTTP answers: the one place a <see cref="FailureKind"/> becomes a status code.</summary>
public static class Answers
{
    /// <summary>The status code for a kind of refusal.</summary>
    public static int StatusOf(FailureKind kind) => kind switch
    {
        FailureKind.Invalid => StatusCodes.Status400BadRequest,
        FailureKind.Forbidden => StatusCodes.Status403Forbidden,
        FailureKind.NotFound => StatusCodes.Status404NotFound,
        FailureKind.Conflict => StatusCodes.Status409Conflict,
        FailureKind.Rejected => StatusCodes.Status422UnprocessableEntity,
        FailureKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        FailureKind.TooMany => StatusCodes.Status429TooManyRequests,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown failure kind"),
    };

    /// <summary>A refusal as an RFC 9457 problem.</summary>
    public static ApiResponse Problem(Failure failure) =>
        ApiResponse.Problem(StatusOf(failure.Kind), failure.Title, failure.Detail, failure.Errors?.ToDictionary(e => e.Key, e => e.Value));

    /// <summary>An outcome as the answer to send and to store: the view of the accepted value with <paramref name="status"/>, the problem, or the stored first answer.</summary>
    public static ApiResponse Of<T>(Outcome<T> outcome, int status, Func<T, object?> view) =>
        outcome.Replayed is { } replayed ? new ApiResponse(replayed.Code, replayed.Body)
        : outcome.IsAccepted ? ApiResponse.Of(status, view(outcome.Value!))
        : Problem(outcome.Failure!);

    /// <summary>An outcome as a result, the accepted value shown as it is.</summary>
    public static IResult Result<T>(Outcome<T> outcome, int status = StatusCodes.Status200OK) => Result(outcome, status, value => value);

    /// <summary>An outcome as a result, the accepted value shown through <paramref name="view"/>.</summary>
    public static IResult Result<T>(Outcome<T> outcome, int status, Func<T, object?> view) =>
        Of(outcome, status, view).ToResult(replayed: outcome.Replayed is not null && !outcome.IsHeld);

    /// <summary>A refusal as a result.</summary>
    public static IResult Result(Failure failure) => Problem(failure).ToResult();

    /// <summary>The idempotency wrapper for a request's key (null without one): it stores the answer this endpoint sends for the outcome.</summary>
    public static Idempotency<T>? Key<T>(this PostBody body, int status) => body.Key<T>(status, value => value);

    /// <summary>As <see cref="Key{T}(PostBody, int)"/>, the accepted value shown through <paramref name="view"/>.</summary>
    public static Idempotency<T>? Key<T>(this PostBody body, int status, Func<T, object?> view) =>
        body.IdempotencyKey is { } key
            ? new Idempotency<T>(key, outcome =>
            {
                var answer = Of(outcome, status, view);
                return new StoredAnswer(answer.Status, answer.Json);
            })
            : null;
}
