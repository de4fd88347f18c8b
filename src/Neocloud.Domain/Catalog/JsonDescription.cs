using System.Text.Json;

namespace Neocloud.Domain.Catalog;

/// <summary>How input readers name a JSON value they refuse: <c>must be a number, got the string "36"</c>.</summary>
public static class JsonDescription
{
    /// <summary>The value as an error message quotes it: strings and numbers as given, other kinds by name.</summary>
    public static string Of(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{value.GetString()}\"",
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };
}
