using Neocloud.Economics.Deals;
using Neocloud.Economics.Presets;

namespace Neocloud.Cli.Deals;

/// <summary>Turns the <c>&lt;preset-id|file.json&gt;</c> argument into deal terms, or a one-line usage error.</summary>
public static class DealSource
{
    /// <summary>Loads a deal from a file path or a preset id.</summary>
    public static (DealTerms Terms, string Name) Load(string argument)
    {
        if (File.Exists(argument))
        {
            var json = File.ReadAllText(argument);
            return DealJson.TryParse(json, out var terms, out var error)
                ? (terms!, Path.GetFileName(argument))
                : throw new UsageException($"{argument}: {error}");
        }
        if (DealPresets.Find(argument) is { } preset) return (preset.Terms, preset.Id);
        if (argument.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || argument.Contains('/', StringComparison.Ordinal))
            throw new UsageException($"deal file '{argument}' not found");
        throw new UsageException($"unknown deal preset '{argument}' (known: {string.Join(", ", DealPresets.All.Select(p => p.Id))})");
    }
}
