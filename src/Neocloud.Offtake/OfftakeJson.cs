using System.Text.Json;
using System.Text.Json.Serialization;
using Neocloud.Domain.Time;

namespace Neocloud.Offtake;

/// <summary>How RFQ, offer and contract terms are stored and shown: camelCase, months as <c>"2026-03"</c>, decimals exact.</summary>
public static class OfftakeJson
{
    /// <summary>The serializer options.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new CalendarMonthConverter(), new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>Terms as JSON.</summary>
    public static string Write<T>(T terms) => JsonSerializer.Serialize(terms, Options);

    /// <summary>Terms from JSON written by <see cref="Write{T}"/>.</summary>
    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Options) ?? throw new InvalidDataException($"stored {typeof(T).Name} is empty");

    /// <summary>Writes a <see cref="CalendarMonth"/> as <c>yyyy-MM</c>.</summary>
    public sealed class CalendarMonthConverter : JsonConverter<CalendarMonth>
    {
        public override CalendarMonth Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            CalendarMonth.TryParse(reader.GetString(), out var month, out var error) ? month : throw new JsonException(error);

        public override void Write(Utf8JsonWriter writer, CalendarMonth value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
    }
}
