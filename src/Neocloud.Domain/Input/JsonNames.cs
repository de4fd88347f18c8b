using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json.Serialization;

namespace Neocloud.Domain.Input;

/// <summary>An enum member's name as the API writes it: its <see cref="JsonStringEnumMemberNameAttribute"/>, else its C# name.</summary>
public static class JsonNames
{
    /// <summary>The API's spelling of <paramref name="value"/> (for text shown to people, e.g. "delivered-late").</summary>
    public static string Of<T>(T value) where T : struct, Enum => Names<T>.ByValue.TryGetValue(value, out var name) ? name : value.ToString();

    private static class Names<T> where T : struct, Enum
    {
        public static readonly FrozenDictionary<T, string> ByValue = typeof(T).GetFields(BindingFlags.Public | BindingFlags.Static)
            .ToFrozenDictionary(f => (T)f.GetValue(null)!, f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name);
    }
}
