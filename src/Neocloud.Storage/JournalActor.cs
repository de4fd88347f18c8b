using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Neocloud.Storage;

/// <summary>
/// Who acted for a journal row: a person signed in (<c>person</c>: the subject and a name or email), an API token
/// (<c>token</c>: its id and label), or the exchange itself (<c>exchange</c>: ticks, margin sweeps, seeding). A row keeps
/// it as compact JSON (<see cref="Text"/>) in its <c>actor</c> column, covered by its hash; a row without one (written
/// before actors were journaled) reads as <see cref="Exchange"/>.
/// </summary>
/// <remarks>
/// The text is built once, when the actor is made (a token's actor is kept with the token's cached lookup, so a request
/// costs no JSON). The properties cannot be changed with <c>with</c>, which would keep the old text.
/// </remarks>
public sealed record JournalActor(string Kind, string Id, string Name)
{
    /// <summary>The kind of a person signed in with OpenID Connect.</summary>
    public const string PersonKind = "person";

    /// <summary>The kind of an API token.</summary>
    public const string TokenKind = "token";

    /// <summary>The kind of the exchange's own rows.</summary>
    public const string ExchangeKind = "exchange";

    /// <summary>The exchange itself: what the clock, the margin sweep and the seed do.</summary>
    public static readonly JournalActor Exchange = new(ExchangeKind, ExchangeKind, ExchangeKind);

    // Only what JSON itself requires is escaped (quotes, backslashes, control characters): the text is stored and
    // hashed, never put into HTML, and a name such as "José" stays readable in the database.
    private static readonly JsonWriterOptions s_writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><c>person</c>, <c>token</c> or <c>exchange</c>.</summary>
    public string Kind { get; } = Kind;

    /// <summary>The person's subject, the token's id, or <c>exchange</c>.</summary>
    public string Id { get; } = Id;

    /// <summary>The person's name or email, the token's label, or <c>exchange</c>.</summary>
    public string Name { get; } = Name;

    /// <summary>The actor as a journal row stores it: <c>{"kind":…,"id":…,"name":…}</c>.</summary>
    public string Text { get; } = Format(Kind, Id, Name);

    /// <summary>
    /// The actor a row's <c>actor</c> column holds: <see cref="Exchange"/> for none (null or empty), null when the text
    /// is not an actor (not a JSON object with the three strings).
    /// </summary>
    public static JournalActor? Parse(string? text)
    {
        if (string.IsNullOrEmpty(text)) return Exchange;
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object && Field(root, "kind") is { } kind && Field(root, "id") is { } id && Field(root, "name") is { } name
                ? new JournalActor(kind, id, name)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Field(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Format(string kind, string id, string name)
    {
        var buffer = new ArrayBufferWriter<byte>(32 + kind.Length + id.Length + name.Length);
        using (var writer = new Utf8JsonWriter(buffer, s_writer))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", kind);
            writer.WriteString("id", id);
            writer.WriteString("name", name);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
