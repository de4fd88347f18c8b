using System.Text.Json;
using Neocloud.Storage;

namespace Neocloud.Exchange.Events;

/// <summary>Makes the outbox rows of events: an id, the type, the time, and the data as the API would show it.</summary>
public static class ExchangeEvent
{
    /// <summary>An event of <paramref name="type"/> for <paramref name="organization"/>, its data serialized the API's way.</summary>
    public static EventRecord Of<T>(string organization, string type, long atMs, T data) =>
        new(organization, NewId(), type, atMs, JsonSerializer.Serialize(data, ApiJson.Options));

    /// <summary>The same event for each party (buyer and seller hear about a delivery alike), each with an id of its own.</summary>
    public static IEnumerable<EventRecord> ForEach<T>(IEnumerable<string> organizations, string type, long atMs, T data)
    {
        var json = JsonSerializer.Serialize(data, ApiJson.Options);
        foreach (var organization in organizations.Distinct(StringComparer.Ordinal)) yield return new EventRecord(organization, NewId(), type, atMs, json);
    }

    /// <summary><c>evt_</c> and 16 random hex digits: unique in practice, and no sequence another party could read anything from.</summary>
    public static string NewId() => $"evt_{(ulong)Random.Shared.NextInt64():x16}";
}
