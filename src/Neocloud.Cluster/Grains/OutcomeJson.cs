using System.Text.Json;
using System.Text.Json.Serialization;
using Neocloud.Domain.Input;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;

namespace Neocloud.Cluster.Grains;

/// <summary>
/// A shard's outcome as JSON, as the grain stores it under an idempotency key (status <see cref="Pending"/>, "answer
/// pending") in the same commit as the command, before the front end that took the request stores its own answer over
/// it; a retry that finds it pending is answered from it. The store's format, not the wire's: the grain answers with a
/// <see cref="Wire.WireOutcome"/>.
/// </summary>
public static class OutcomeJson
{
    /// <summary>The status code of an idempotency record that holds a raw outcome, not yet a host's answer.</summary>
    public const int Pending = 0;

    private static readonly JsonSerializerOptions s_options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The outcome's JSON.</summary>
    public static string Write(Outcome<Committed> outcome) => JsonSerializer.Serialize(new Shape(
        outcome.IsAccepted ? outcome.Value : null,
        outcome.Failure is { } f ? new FailureShape(f.Kind, f.Title, f.Detail, f.Errors?.ToDictionary(e => e.Key, e => e.Value[0])) : null,
        outcome.Replayed is { } r ? new ReplayShape(r.Code, r.Body) : null), s_options);

    /// <summary>The outcome again; a replay of a pending record is the raw outcome it holds.</summary>
    public static Outcome<Committed> Read(string json)
    {
        var shape = JsonSerializer.Deserialize<Shape>(json, s_options) ?? throw new JsonException("empty outcome");
        if (shape.Replayed is { } replay)
            return replay.Code == Pending ? Read(replay.Body) : Outcome<Committed>.Replay(new StoredAnswer(replay.Code, replay.Body));
        if (shape.Failure is { } f)
        {
            FieldErrors? errors = null;
            if (f.Errors is { Count: > 0 })
            {
                errors = new FieldErrors();
                foreach (var (field, message) in f.Errors) errors.Add(field, message);
            }
            return new Failure(f.Kind, f.Title, f.Detail, errors);
        }
        return shape.Committed ?? throw new JsonException("an outcome names a value, a failure or a replay");
    }

    private sealed record Shape(Committed? Committed, FailureShape? Failure, ReplayShape? Replayed);

    private sealed record FailureShape(FailureKind Kind, string Title, string Detail, Dictionary<string, string>? Errors);

    private sealed record ReplayShape(int Code, string Body);
}
