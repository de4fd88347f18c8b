using System.Buffers;
using System.Text;
using System.Text.Json;
using Neocloud.Storage;

namespace Neocloud.Exchange.Events;

/// <summary>
/// An event as its organization receives it (in the feed, on the stream, in a webhook's body):
/// <c>{"id":"evt_…","seq":…,"type":…,"at":…,"data":{…}}</c>.
/// </summary>
public sealed record EventView(string Id, long Seq, string Type, DateTimeOffset At, JsonElement Data)
{
    public static EventView Of(StoredEvent e)
    {
        using var data = JsonDocument.Parse(e.Data);
        return new EventView(e.Id, e.Seq, e.Type, DateTimeOffset.FromUnixTimeMilliseconds(e.AtMs), data.RootElement.Clone());
    }

    /// <summary>The envelope's JSON, written straight from the stored row (its data is already JSON): what a webhook signs and the stream sends.</summary>
    public static string Json(StoredEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>(e.Data.Length + 128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", e.Id);
            writer.WriteNumber("seq", e.Seq);
            writer.WriteString("type", e.Type);
            writer.WriteString("at", DateTimeOffset.FromUnixTimeMilliseconds(e.AtMs));
            writer.WritePropertyName("data");
            writer.WriteRawValue(e.Data, skipInputValidation: true);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

/// <summary>A page of the feed: the events, and the sequence to ask after next (the last one's, or the one asked after).</summary>
public sealed record EventPage(IReadOnlyList<EventView> Events, long Last);
