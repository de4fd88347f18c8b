using System.CommandLine;
using Neocloud.Cli.Catalog;

namespace Neocloud.Cli;

/// <summary>The <c>neocloud</c> command line: builds the command tree and runs one invocation.</summary>
public static class CliApp
{
    /// <summary>Exit code for a mistake the user can fix.</summary>
    public const int UsageError = 2;

    /// <summary>Runs <c>neocloud</c> with the given arguments and streams; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, TextReader input)
    {
        var interactive = ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected;
        var context = new CliContext(output, error, input, interactive);
        var root = BuildRoot(context);
        var parsed = root.Parse(args);
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            error.WriteLine($"error: {e.Message}");
            return UsageError;
        }
    }

    private static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand("Neocloud Exchange: the marketplace and ledger for GPU capacity.");
        root.Subcommands.Add(CatalogCommands.Create(context));
        return root;
    }
}
