namespace Neocloud.Server.Planning;

/// <summary>The example scenarios of docs/examples, embedded so the dashboard can start from one.</summary>
public static class PlanExamples
{
    private const string Prefix = "Neocloud.Server.Planning.Examples.";

    /// <summary>Example ids (file names without .json).</summary>
    public static IReadOnlyList<string> Ids { get; } = typeof(PlanExamples).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Select(n => n[Prefix.Length..^".json".Length]).Order(StringComparer.Ordinal).ToList();

    /// <summary>An example's JSON text.</summary>
    public static string Load(string id)
    {
        using var stream = typeof(PlanExamples).Assembly.GetManifestResourceStream(Prefix + id + ".json")
            ?? throw new KeyNotFoundException($"no example scenario '{id}'");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
