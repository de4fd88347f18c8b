using System.Text.Json;
using Neocloud.Domain.Catalog;
using Neocloud.Economics.Deals;

namespace Neocloud.Economics.Presets;

/// <summary>Where one input of a preset comes from: a source (resolved to its URL) and a note, or an assumption.</summary>
public sealed record PresetSource(string Field, string? Source, string? Url, string Note)
{
    /// <summary>True when the note says the value is an assumption rather than a published figure.</summary>
    public bool IsAssumption => Note.Contains("assumption", StringComparison.OrdinalIgnoreCase) || Source is null;
}

/// <summary>A deal built from public figures, with where each input comes from.</summary>
public sealed record DealPreset(string Id, string Title, string Buyer, string Seller, string Sku, string Notes, DealTerms Terms, IReadOnlyList<PresetSource> Sources, string Json);

/// <summary>The deal presets shipped with the product (embedded JSON files in the deal-file format).</summary>
public static class DealPresets
{
    private static readonly Lazy<IReadOnlyList<DealPreset>> s_all = new(Load);

    /// <summary>Every preset, the Microsoft–IREN deal first.</summary>
    public static IReadOnlyList<DealPreset> All => s_all.Value;

    /// <summary>The preset with this id, or null.</summary>
    public static DealPreset? Find(string id) => All.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase));

    private static IReadOnlyList<DealPreset> Load()
    {
        var assembly = typeof(DealPresets).Assembly;
        var presets = new List<DealPreset>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("Neocloud.Economics.Presets.", StringComparison.Ordinal)).Order())
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            presets.Add(Parse(name, reader.ReadToEnd()));
        }
        return presets.OrderBy(p => p.Id == "iren-microsoft-2025" ? 0 : 1).ThenBy(p => p.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>Reads a preset file; a broken one is a bug in the shipped data and says which file and field.</summary>
    internal static DealPreset Parse(string name, string json)
    {
        var parsed = DealJson.Parse(json);
        if (!parsed.Success) throw new InvalidDataException($"{name}: {parsed.Errors!.Summary}");
        var terms = parsed.Value!;
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        string Text(string field) => root.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()! : throw new InvalidDataException($"{name}: {field} is required");
        var sources = new List<PresetSource>();
        foreach (var item in root.GetProperty("sources").EnumerateArray())
        {
            var key = item.TryGetProperty("source", out var s) ? s.GetString() : null;
            string? url = null;
            if (key is not null && !ReferenceCatalog.Embedded.Sources.TryGetValue(key, out url))
                throw new InvalidDataException($"{name}: sources: unknown source key '{key}'");
            sources.Add(new PresetSource(item.GetProperty("field").GetString()!, key, url, item.GetProperty("note").GetString()!));
        }
        return new DealPreset(Text("id"), Text("title"), Text("buyer"), Text("seller"), Text("sku"), Text("notes"), terms!, sources, json);
    }
}
