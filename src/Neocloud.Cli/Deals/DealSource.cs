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
            var parsed = DealJson.Parse(File.ReadAllText(argument));
            return parsed.Success
                ? (parsed.Value!, Path.GetFileName(argument))
                : throw new UsageException($"{argument}: {parsed.Errors!.Summary}");
        }
        if (DealPresets.Find(argument) is { } preset) return (preset.Terms, preset.Id);
        if (argument.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || argument.Contains('/', StringComparison.Ordinal))
            throw new UsageException($"deal file '{argument}' not found");
        throw new UsageException($"unknown deal preset '{argument}' (known: {string.Join(", ", DealPresets.All.Select(p => p.Id))})");
    }
}
