using System.Collections;
using System.Reflection;

namespace Neocloud.Cluster.Tests;

/// <summary>
/// Equality by value for the wire's round trips: records compared property by property (the derived type's, so a fact's
/// or a command's own members count), lists element by element whatever list type holds them, value types and text by
/// their own equality. Says where two values first differ.
/// </summary>
internal static class Structural
{
    /// <summary>Fails with the path of the first difference between <paramref name="expected"/> and <paramref name="actual"/>.</summary>
    public static void AssertEqual(object? expected, object? actual)
    {
        if (Difference(expected, actual, "$") is { } difference) Assert.Fail(difference);
    }

    private static string? Difference(object? expected, object? actual, string path)
    {
        if (expected is null || actual is null)
            return expected is null && actual is null ? null : $"{path}: {expected ?? "null"} but {actual ?? "null"}";
        var type = expected.GetType();
        if (expected is string || type.IsPrimitive || type.IsEnum || (type.IsValueType && !IsPair(type)))
            return Equals(expected, actual) ? null : $"{path}: {expected} but {actual}";
        if (expected is IEnumerable sequence && actual is IEnumerable other)
        {
            var left = sequence.Cast<object?>().ToList();
            var right = other.Cast<object?>().ToList();
            if (left.Count != right.Count) return $"{path}: {left.Count} items but {right.Count}";
            for (var i = 0; i < left.Count; i++)
            {
                if (Difference(left[i], right[i], $"{path}[{i}]") is { } difference) return difference;
            }
            return null;
        }
        if (type != actual.GetType()) return $"{path}: a {type.Name} but a {actual.GetType().Name}";
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0) continue;
            if (Difference(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}") is { } difference) return difference;
        }
        return null;
    }

    /// <summary>A key-value pair is compared by its parts (its value may be an array, which equals only itself).</summary>
    private static bool IsPair(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(KeyValuePair<,>);
}
