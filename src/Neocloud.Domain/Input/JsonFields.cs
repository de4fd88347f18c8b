using System.Globalization;
using System.Text.Json;
using Neocloud.Domain.Money;

namespace Neocloud.Domain.Input;

/// <summary>
/// Reads the fields of one JSON object strictly — right type, in range, nothing unknown — and collects an error per
/// bad field, keyed by the field's path (<c>gpus</c>, <c>capacity[2].end</c>), for an RFC 9457 validation problem.
/// </summary>
public sealed class JsonFields
{
    private readonly JsonElement _object;
    private readonly string _prefix;
    private readonly HashSet<string> _read = [];

    private JsonFields(JsonElement element, string prefix, FieldErrors errors)
    {
        _object = element;
        _prefix = prefix;
        Errors = errors;
    }

    /// <summary>The errors found so far, by field path.</summary>
    public FieldErrors Errors { get; }

    /// <summary>True when no field was bad.</summary>
    public bool IsValid => Errors.IsEmpty;

    /// <summary>Starts reading a request body, which must be a JSON object.</summary>
    public static JsonFields Of(JsonElement root)
    {
        var errors = new FieldErrors();
        if (root.ValueKind != JsonValueKind.Object) errors.Add("$", $"the body must be a JSON object, got {Describe(root)}");
        return new JsonFields(root, "", errors);
    }

    /// <summary>A required or optional string of at most <paramref name="maxLength"/> characters.</summary>
    public string? String(string name, bool required = true, int maxLength = 200)
    {
        if (!TryGet(name, required, out var value)) return null;
        if (value.ValueKind != JsonValueKind.String) return Fail<string>(name, $"must be a string, got {Describe(value)}");
        if (!StrictJson.TryGetText(value, out var text)) return Fail<string>(name, StrictJson.NotTextMessage);
        if (text.Length == 0) return Fail<string>(name, "must not be empty");
        if (text.Length > maxLength) return Fail<string>(name, $"must be at most {maxLength} characters");
        return text;
    }

    /// <summary>An id: letters, digits, '-', '_' and '.', at most 64 characters.</summary>
    public string? Id(string name, bool required = true)
    {
        var text = String(name, required, maxLength: 64);
        if (text is null) return null;
        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
                return Fail<string>(name, $"must use only letters, digits, '-', '_' and '.', got \"{text}\"");
        }
        return text;
    }

    /// <summary>A whole number in <c>[min, max]</c>.</summary>
    public long? Integer(string name, long min, long max, bool required = true)
    {
        if (!TryGet(name, required, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
            return None<long>(name, $"must be a whole number, got {Describe(value)}");
        if (number < min) return None<long>(name, $"must be >= {min.ToString(CultureInfo.InvariantCulture)}, got {number.ToString(CultureInfo.InvariantCulture)}");
        if (number > max) return None<long>(name, $"must be <= {max.ToString(CultureInfo.InvariantCulture)}, got {number.ToString(CultureInfo.InvariantCulture)}");
        return number;
    }

    /// <summary>A price per GPU-hour: a JSON string or number, positive, at most 4 decimals.</summary>
    public Price? Price(string name, bool required = true)
    {
        if (!TryGet(name, required, out var value)) return null;
        string? error;
        Price price;
        switch (value.ValueKind)
        {
            case JsonValueKind.String when !StrictJson.TryGetText(value, out _):
                error = StrictJson.NotTextMessage;
                break;
            case JsonValueKind.String:
                if (Domain.Money.Price.TryParse(value.GetString(), out price, out error)) return price;
                break;
            case JsonValueKind.Number when value.TryGetDecimal(out var dollars):
                if (Domain.Money.Price.TryFromDollars(dollars, out price, out error)) return price;
                break;
            default:
                error = $"must be a price such as \"2.4500\", got {Describe(value)}";
                break;
        }
        return None<Price>(name, error!);
    }

    /// <summary>
    /// An hour in <c>[min, max]</c>: a JSON integer (hours since 1970-01-01T00:00Z) or a string holding an RFC 3339 UTC
    /// time on a whole hour (<c>"2027-01-01T00:00:00Z"</c>); see <see cref="Time.HourText"/>.
    /// </summary>
    public long? Hour(string name, long min = 0, long max = int.MaxValue, bool required = true)
    {
        if (!TryGet(name, required, out var value)) return null;
        if (value.ValueKind == JsonValueKind.String)
        {
            if (!StrictJson.TryGetText(value, out var text)) return None<long>(name, StrictJson.NotTextMessage);
            // No time is longer than 40 characters; a longer string is refused without echoing all of it.
            if (text.Length > 40) text = text[..40] + "…";
            if (!Time.HourText.TryParse(text, out var hour, out var error)) return None<long>(name, error!);
            if (hour.Value < min) return None<long>(name, $"must be at or after {Time.HourText.Of(min)}, got \"{text}\"");
            if (hour.Value > max) return None<long>(name, $"must be at or before {Time.HourText.Of(max)}, got \"{text}\"");
            return hour.Value;
        }
        if (value.ValueKind != JsonValueKind.Number) return None<long>(name, $"must be {Time.HourText.Expected}, got {Describe(value)}");
        return Integer(name, min, max);
    }

    /// <summary>
    /// Reads <c>start</c> and <c>end</c> hours (or the names given), each as in <see cref="Hour"/>: a forward window of at
    /// most <see cref="Time.Hour.MaxWindowHours"/> hours; a backwards or too long one is an error on the end field.
    /// </summary>
    public Time.HourWindow? Window(string startName = "start", string endName = "end")
    {
        var start = Hour(startName, 0, int.MaxValue - 1);
        var end = Hour(endName, 1, int.MaxValue);
        if (start is null || end is null) return null;
        if (end <= start) return None<Time.HourWindow>(endName, $"must be after {startName} ({start}), got {end}");
        if (end - start > Time.Hour.MaxWindowHours)
            return None<Time.HourWindow>(endName, $"the window may span at most {Time.Hour.MaxWindowHours} hours, got {end - start}");
        return Time.HourWindow.Of(start.Value, end.Value);
    }

    /// <summary>A decimal in <c>[min, max]</c>, as a JSON number or a numeric string (money and fractions stay exact).</summary>
    public decimal? Decimal(string name, decimal min, decimal max, bool required = true)
    {
        if (!TryGet(name, required, out var value)) return null;
        decimal number;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out number)) { }
        else if (value.ValueKind == JsonValueKind.String && StrictJson.TryGetText(value, out var numeric) && decimal.TryParse(numeric, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number)) { }
        else return None<decimal>(name, $"must be a number, got {Describe(value)}");
        if (number < min) return None<decimal>(name, $"must be >= {min.ToString(CultureInfo.InvariantCulture)}, got {number.ToString(CultureInfo.InvariantCulture)}");
        if (number > max) return None<decimal>(name, $"must be <= {max.ToString(CultureInfo.InvariantCulture)}, got {number.ToString(CultureInfo.InvariantCulture)}");
        return number;
    }

    /// <summary>A calendar month written <c>yyyy-MM</c>.</summary>
    public Domain.Time.CalendarMonth? Month(string name, bool required = true)
    {
        var text = String(name, required, maxLength: 16);
        if (text is null) return null;
        return Domain.Time.CalendarMonth.TryParse(text, out var month, out var error) ? month : None<Domain.Time.CalendarMonth>(name, error!);
    }

    /// <summary>An instant in ISO 8601 with an offset (<c>2026-12-01T17:00:00Z</c>), returned in UTC.</summary>
    public DateTimeOffset? Instant(string name, bool required = true)
    {
        var text = String(name, required, maxLength: 40);
        if (text is null) return null;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant)
            ? instant.ToUniversalTime()
            : None<DateTimeOffset>(name, $"must be an ISO 8601 instant such as \"2026-12-01T17:00:00Z\", got \"{text}\"");
    }

    /// <summary>One of a fixed set of strings.</summary>
    public string? OneOf(string name, IReadOnlyList<string> allowed, bool required = true)
    {
        var text = String(name, required);
        if (text is null || allowed.Contains(text)) return text;
        return Fail<string>(name, $"must be one of {string.Join(", ", allowed)}, got \"{text}\"");
    }

    /// <summary>A nested object read by <paramref name="read"/> (its unknown fields are errors too), or null when absent.</summary>
    public T? Object<T>(string name, Func<JsonFields, T?> read, bool required = false) where T : class
    {
        if (!TryGet(name, required, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Object) return Fail<T>(name, $"must be an object, got {Describe(value)}");
        var fields = new JsonFields(value, Path(name) + ".", Errors);
        var result = read(fields);
        fields.RejectUnknown();
        return result;
    }

    /// <summary>An array of objects, each read by <paramref name="read"/>.</summary>
    public List<T>? Array<T>(string name, Func<JsonFields, T> read, int maxItems, bool required = true)
    {
        if (!TryGet(name, required, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Array) return Fail<List<T>>(name, $"must be an array, got {Describe(value)}");
        var count = value.GetArrayLength();
        if (count == 0) return Fail<List<T>>(name, "must not be empty");
        if (count > maxItems) return Fail<List<T>>(name, $"must have at most {maxItems} items");
        var items = new List<T>(count);
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var path = $"{Path(name)}[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                Errors.Add(path, $"must be an object, got {Describe(item)}");
                continue;
            }
            var fields = new JsonFields(item, path + ".", Errors);
            var result = read(fields);
            fields.RejectUnknown();
            items.Add(result);
        }
        return items;
    }

    /// <summary>An array of distinct strings, each one of <paramref name="allowed"/>.</summary>
    public List<string>? StringSet(string name, IReadOnlyList<string> allowed, bool required = true)
    {
        if (!TryGet(name, required, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Array) return Fail<List<string>>(name, $"must be an array of strings, got {Describe(value)}");
        var items = new List<string>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var path = $"{Path(name)}[{index++}]";
            if (item.ValueKind != JsonValueKind.String || !StrictJson.TryGetText(item, out var text) || !allowed.Contains(text))
            {
                Errors.Add(path, $"must be one of {string.Join(", ", allowed)}");
                continue;
            }
            if (!items.Contains(text)) items.Add(text);
        }
        if (items.Count == 0 && !Errors.Under(Path(name))) return Fail<List<string>>(name, "must not be empty");
        return items;
    }

    /// <summary>A non-empty array of distinct whole numbers, each in [<paramref name="min"/>, <paramref name="max"/>], at most <paramref name="maxItems"/>.</summary>
    public List<long>? Integers(string name, long min, long max, int maxItems, bool required = true)
    {
        if (!TryGet(name, required, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Array) return Fail<List<long>>(name, $"must be an array of whole numbers, got {Describe(value)}");
        if (value.GetArrayLength() == 0) return Fail<List<long>>(name, "must not be empty");
        if (value.GetArrayLength() > maxItems) return Fail<List<long>>(name, $"must have at most {maxItems} items");
        var items = new List<long>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var number) || number < min || number > max)
                return Fail<List<long>>(name, $"must hold whole numbers from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}, got {Describe(item)} among them");
            if (!items.Contains(number)) items.Add(number);
        }
        return items;
    }

    /// <summary>An array of strings (possibly empty), distinct, at most <paramref name="maxItems"/>, each at most 200 characters; the caller checks their values.</summary>
    public List<string>? Strings(string name, int maxItems, bool required = true)
    {
        if (!TryGet(name, required, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Array) return Fail<List<string>>(name, $"must be an array of strings, got {Describe(value)}");
        if (value.GetArrayLength() > maxItems) return Fail<List<string>>(name, $"must have at most {maxItems} items");
        var items = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || !StrictJson.TryGetText(item, out var text) || text.Length is 0 or > 200)
                return Fail<List<string>>(name, $"must be an array of non-empty strings, got {Describe(item)} among them");
            if (!items.Contains(text)) items.Add(text);
        }
        return items;
    }

    /// <summary>An array of distinct ids (letters, digits, '-', '_', '.'), at most <paramref name="maxItems"/>.</summary>
    public List<string>? Ids(string name, int maxItems, bool required = true)
    {
        if (!TryGet(name, required, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Array) return Fail<List<string>>(name, $"must be an array of strings, got {Describe(value)}");
        if (value.GetArrayLength() > maxItems) return Fail<List<string>>(name, $"must have at most {maxItems} items");
        var items = new List<string>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var path = $"{Path(name)}[{index++}]";
            var text = item.ValueKind == JsonValueKind.String && StrictJson.TryGetText(item, out var read) ? read : "";
            if (text.Length is 0 or > 64 || !text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                Errors.Add(path, "must be an id of letters, digits, '-', '_' and '.'");
                continue;
            }
            if (!items.Contains(text)) items.Add(text);
        }
        return items;
    }

    /// <summary>True when the object names the field, even as null (nothing is read or reported).</summary>
    public bool IsPresent(string name) => _object.ValueKind == JsonValueKind.Object && _object.TryGetProperty(name, out _);

    /// <summary>True when the object names the field with a value other than null (nothing is read or reported).</summary>
    public bool Has(string name) => _object.ValueKind == JsonValueKind.Object && _object.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>Reports every field of the object that no reader asked for, and any field named twice.</summary>
    public void RejectUnknown()
    {
        if (_object.ValueKind != JsonValueKind.Object) return;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in _object.EnumerateObject())
        {
            string name;
            try
            {
                name = property.Name;
            }
            catch (InvalidOperationException)
            {
                Errors.Add(_prefix.Length == 0 ? "$" : _prefix.TrimEnd('.'), "has a field whose name is not Unicode text");
                continue;
            }
            if (!seen.Add(name)) Errors.Add(Path(name), StrictJson.DuplicateMessage);
            else if (!_read.Contains(name)) Errors.Add(Path(name), "is not a known field");
        }
    }

    private bool TryGet(string name, bool required, out JsonElement value)
    {
        _read.Add(name);
        value = default;
        if (_object.ValueKind != JsonValueKind.Object) return false;
        if (!_object.TryGetProperty(name, out value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required) Errors.Add(Path(name), "is required");
            return false;
        }
        return true;
    }

    /// <summary>Records an error on a field of this object (a rule that spans fields, such as end after start).</summary>
    public void Error(string name, string message) => Errors.Add(Path(name), message);

    private T? Fail<T>(string name, string message)
    {
        Errors.Add(Path(name), message);
        return default;
    }

    /// <summary>Records the error and returns null (for value types, where <c>default</c> would be a value).</summary>
    private T? None<T>(string name, string message) where T : struct
    {
        Errors.Add(Path(name), message);
        return null;
    }

    private string Path(string name) => _prefix + name;

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.Null => "null",
        _ => value.ValueKind.ToString(),
    };
}
