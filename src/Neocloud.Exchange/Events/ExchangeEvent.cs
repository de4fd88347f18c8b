using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
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

    /// <summary>
    /// The seed of the ids of the events a journal line causes: a SHA-256 of the journal's name, the line's sequence, its
    /// time and its text. A replay of the journal gives the same ids; another party reads no count from them, since the
    /// line's time and text are in the hash too.
    /// </summary>
    public static ulong IdSeed(string journal, long sequence, long recordedMs, string line)
    {
        var text = $"{journal}\n{sequence}\n{recordedMs}\n{line}";
        var bytes = Encoding.UTF8.GetBytes(text);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, hash);
        return BinaryPrimitives.ReadUInt64BigEndian(hash);
    }

    /// <summary>The id of the <paramref name="index"/>th event of a journal line (<see cref="IdSeed"/>): <c>evt_</c> and 16 hex digits, one to one with the index.</summary>
    public static string IdAt(ulong seed, int index)
    {
        // SplitMix64's finalizer: a bijection, so the events of one line never share an id.
        var z = seed + (ulong)(index + 1) * 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return $"evt_{z ^ (z >> 31):x16}";
    }
}
