namespace Neocloud.Planning.Scenarios;

/// <summary>
/// The scenarios shipped with the product (embedded JSON files in the scenario format), each built from public figures
/// with every number's source or assumption listed in its <c>sources</c>.
/// </summary>
public static class PlanPresets
{
    private const string Prefix = "Neocloud.Planning.Presets.";

    /// <summary>Preset ids (file names without <c>.json</c>), in order.</summary>
    public static IReadOnlyList<string> Ids { get; } = typeof(PlanPresets).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..^".json".Length])
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>True when <paramref name="id"/> names a preset.</summary>
    public static bool Exists(string id) => Ids.Contains(id, StringComparer.Ordinal);

    /// <summary>A preset's JSON text.</summary>
    /// <exception cref="KeyNotFoundException">No preset has this id.</exception>
    public static string Json(string id)
    {
        using var stream = (Exists(id) ? typeof(PlanPresets).Assembly.GetManifestResourceStream(Prefix + id + ".json") : null)
            ?? throw new KeyNotFoundException($"no preset scenario '{id}' (presets: {string.Join(", ", Ids)})");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>A preset, parsed and validated against the embedded catalog.</summary>
    /// <exception cref="KeyNotFoundException">No preset has this id.</exception>
    /// <exception cref="InvalidDataException">The shipped preset is broken (a bug in the data); names the file and field.</exception>
    public static PlanScenario Load(string id)
    {
        var parsed = ScenarioJson.Parse(Json(id));
        return parsed.Success ? parsed.Value! : throw new InvalidDataException($"{id}.json: {parsed.Errors!.Summary}");
    }
}
