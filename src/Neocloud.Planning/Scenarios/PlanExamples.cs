namespace Neocloud.Planning.Scenarios;

/// <summary>
/// The scenarios the dashboard can start from: the shipped presets (built from public figures) and the example
/// scenarios of docs/examples, embedded beside the presets.
/// </summary>
public static class PlanExamples
{
    private const string Prefix = "Neocloud.Planning.Examples.";

    private static readonly IReadOnlyList<string> s_examples = typeof(PlanExamples).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Select(n => n[Prefix.Length..^".json".Length]).Order(StringComparer.Ordinal).ToList();

    /// <summary>Scenario ids: presets first, then examples (file names without .json).</summary>
    public static IReadOnlyList<string> Ids { get; } = [.. PlanPresets.Ids, .. s_examples.Except(PlanPresets.Ids)];

    /// <summary>A scenario's JSON text.</summary>
    /// <exception cref="KeyNotFoundException">No preset or example has this id.</exception>
    public static string Load(string id)
    {
        if (PlanPresets.Exists(id)) return PlanPresets.Json(id);
        using var stream = typeof(PlanExamples).Assembly.GetManifestResourceStream(Prefix + id + ".json")
            ?? throw new KeyNotFoundException($"no scenario '{id}'");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
