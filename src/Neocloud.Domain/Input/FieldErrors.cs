using System.Collections;

namespace Neocloud.Domain.Input;

/// <summary>
/// What is wrong with some input, by field path (<c>gpus</c>, <c>tranches[1].start</c>, <c>$</c> for the whole):
/// the one error result every reader returns — API bodies, deal files, scenario files, replay lines — so the API turns
/// it into a validation problem, the CLI into one line, and the dashboard into messages beside its fields.
/// </summary>
public sealed class FieldErrors : IReadOnlyDictionary<string, string[]>
{
    private readonly Dictionary<string, string[]> _errors = [];

    /// <summary>One bad field.</summary>
    public static FieldErrors Of(string field, string message)
    {
        var errors = new FieldErrors();
        errors.Add(field, message);
        return errors;
    }

    /// <summary>True when no field is bad.</summary>
    public bool IsEmpty => _errors.Count == 0;

    /// <summary>Records a problem with a field (the last one said about a field wins).</summary>
    public void Add(string field, string message) => _errors[field] = [message];

    /// <summary>True when some field at or under <paramref name="path"/> is bad.</summary>
    public bool Under(string path) => _errors.Keys.Any(k => k.StartsWith(path, StringComparison.Ordinal));

    /// <summary>The first problem as one line, <c>field: message</c> (what a CLI prints).</summary>
    public string Summary => _errors.Count == 0 ? "" : $"{_errors.First().Key}: {_errors.First().Value[0]}";

    /// <summary>The problem with <paramref name="field"/>, or null.</summary>
    public string? For(string field) => _errors.TryGetValue(field, out var messages) ? messages[0] : null;

    public string[] this[string key] => _errors[key];
    public IEnumerable<string> Keys => _errors.Keys;
    public IEnumerable<string[]> Values => _errors.Values;
    public int Count => _errors.Count;
    public bool ContainsKey(string key) => _errors.ContainsKey(key);
    public bool TryGetValue(string key, out string[] value) => _errors.TryGetValue(key, out value!);
    public IEnumerator<KeyValuePair<string, string[]>> GetEnumerator() => _errors.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Join("; ", _errors.Select(e => $"{e.Key}: {e.Value[0]}"));
}
