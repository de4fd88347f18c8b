namespace Neocloud.Domain.Catalog;

/// <summary>A reference-data file that is not valid: names the file and the JSON path of the first problem.</summary>
public sealed class ReferenceDataException(string file, string jsonPath, string problem)
    : Exception($"{file}: {jsonPath}: {problem}")
{
    /// <summary>The file's name, e.g. <c>skus.json</c>.</summary>
    public string File { get; } = file;

    /// <summary>Where in the file, e.g. <c>$[3].fp8Tflops.source</c>.</summary>
    public string JsonPath { get; } = jsonPath;

    /// <summary>What is wrong there.</summary>
    public string Problem { get; } = problem;
}
