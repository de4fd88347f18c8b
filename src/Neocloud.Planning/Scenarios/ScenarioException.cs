namespace Neocloud.Planning.Scenarios;

/// <summary>A scenario that is not valid: names the field by its JSON path (<c>regions[1].build[0].leadTimeMonths</c>) and the problem.</summary>
public sealed class ScenarioException(string path, string problem, string? sourceName = null)
    : Exception(string.IsNullOrEmpty(sourceName) ? $"{path}: {problem}" : $"{sourceName}: {path}: {problem}")
{
    /// <summary>The field, as a JSON path without the leading <c>$.</c>.</summary>
    public string Path { get; } = path;

    /// <summary>What is wrong there.</summary>
    public string Problem { get; } = problem;

    /// <summary>The file or input the scenario came from, if known.</summary>
    public string? SourceName { get; } = sourceName;
}
