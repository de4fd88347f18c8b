using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json.Serialization;

namespace Neocloud.Domain.Input;

/// <summary>An enum member's name as the API writes it: its <see cref="JsonStringEnumMemberNameAttribute"/>, else its C# name.</summary>
public static class JsonNames
{
    /// <summary>The API's spelling of <paramref name="value"/> (for text shown to people, e.g. "delivered-late").</summary>
    public static string Of<T>(T value) where T : struct, Enum => Names<T>.ByValue.TryGetValue(value, out var name) ? name : value.ToString();

    /// <summary>The member the API spells <paramref name="name"/>.</summary>
    /// <exception cref="FormatException">No member is spelled so.</exception>
    public static T Parse<T>(string name) where T : struct, Enum =>
        Names<T>.ByName.TryGetValue(name, out var value) ? value : throw new FormatException($"no {typeof(T).Name} is spelled '{name}'");

    private static class Names<T> where T : struct, Enum
    {
        public static readonly FrozenDictionary<T, string> ByValue = typeof(T).GetFields(BindingFlags.Public | BindingFlags.Static)
            .ToFrozenDictionary(f => (T)f.GetValue(null)!, f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name);

        public static readonly FrozenDictionary<string, T> ByName = ByValue.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
    }
}
