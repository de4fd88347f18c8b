using System.Text.Json;

namespace Neocloud.Domain.Input;

/// <summary>
/// What a JSON parser lets through but no reader may see: a field named twice in one object (a parser keeps the last,
/// so <c>{"gpus":1,"gpus":7}</c> would buy 7) and a string, value or name, that is not Unicode text (a lone UTF-16
/// surrogate escape such as <c>"\ud800"</c>, or bytes that are not UTF-8). Each is an error on the field's path, in
/// <see cref="JsonFields"/>' spelling (<c>gpus</c>, <c>capacity[2].end</c>; <c>$</c> for the whole body).
/// </summary>
public static class StrictJson
{
    /// <summary>The message for a field named twice in one object.</summary>
    public const string DuplicateMessage = "appears more than once in its object; give each field once";

    /// <summary>The message for a string that is not Unicode text.</summary>
    public const string NotTextMessage = "must be Unicode text: a lone UTF-16 surrogate escape or bytes that are not UTF-8 are not";

    /// <summary>Checks a whole document; empty when it is clean.</summary>
    public static FieldErrors Check(JsonElement root)
    {
        var errors = new FieldErrors();
        Walk(root, "", errors);
        return errors;
    }

    /// <summary>The element's string, or false when it is not Unicode text (<see cref="JsonElement.GetString"/> would throw).</summary>
    public static bool TryGetText(JsonElement value, out string text)
    {
        try
        {
            text = value.GetString() ?? "";
            return true;
        }
        catch (InvalidOperationException) when (value.ValueKind == JsonValueKind.String)
        {
            text = "";
            return false;
        }
    }

    private static void Walk(JsonElement element, string path, FieldErrors errors)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                if (!TryGetText(element, out _)) errors.Add(PathOrRoot(path), NotTextMessage);
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray()) Walk(item, $"{PathOrRoot(path)}[{index++}]", errors);
                break;
            case JsonValueKind.Object:
                HashSet<string>? seen = null;
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        errors.Add(PathOrRoot(path), "has a field whose name is not Unicode text (a lone UTF-16 surrogate escape, or bytes that are not UTF-8)");
                        continue;
                    }
                    var field = path.Length == 0 ? name : $"{path}.{name}";
                    seen ??= new HashSet<string>(StringComparer.Ordinal);
                    if (!seen.Add(name))
                    {
                        errors.Add(field, DuplicateMessage);
                        continue;
                    }
                    Walk(property.Value, field, errors);
                }
                break;
        }
    }

    private static string PathOrRoot(string path) => path.Length == 0 ? "$" : path;
}
