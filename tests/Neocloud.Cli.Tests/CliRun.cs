namespace Neocloud.Cli.Tests;

/// <summary>The outcome of one <c>neocloud</c> invocation run in-process.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    /// <summary>Runs <c>neocloud</c> with <paramref name="args"/> and captures its streams.</summary>
    public static CliRun Of(params string[] args) => WithInput("", args);

    /// <summary>Runs <c>neocloud</c> reading <paramref name="input"/> as standard input.</summary>
    public static CliRun WithInput(string input, params string[] args) => Run(input, null, args);

    /// <summary>Runs <c>neocloud</c> with its login settings kept in <paramref name="configPath"/>.</summary>
    public static CliRun WithConfig(string configPath, params string[] args) => Run("", configPath, args);

    private static CliRun Run(string input, string? configPath, string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var reader = new StringReader(input);
        var code = CliApp.Run(args, output, error, reader, configPath ?? Path.Combine(Path.GetTempPath(), $"neocloud-test-{Guid.NewGuid():N}.json"));
        return new CliRun(code, output.ToString(), error.ToString());
    }
}
