using System.CommandLine;
using Neocloud.Cli.Catalog;
using Neocloud.Cli.Client;
using Neocloud.Cli.Deals;
using Neocloud.Cli.Market;
using Neocloud.Cli.Planning;
using Neocloud.Cli.Server;
using Neocloud.Cli.Sites;

namespace Neocloud.Cli;

/// <summary>The <c>neocloud</c> command line: builds the command tree and runs one invocation.</summary>
public static class CliApp
{
    /// <summary>Exit code for a mistake the user can fix.</summary>
    public const int UsageError = 2;

    /// <summary>Runs <c>neocloud</c> with the given arguments and streams; returns the exit code.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    /// <param name="input">Standard input.</param>
    /// <param name="configPath">Where <c>login</c> stores its settings; null for the user's config folder.</param>
    public static int Run(string[] args, TextWriter output, TextWriter error, TextReader input, string? configPath = null)
    {
        var interactive = ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected;
        var context = new CliContext(output, error, input, interactive, configPath);
        var root = BuildRoot(context);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && args.Length > 0)
        {
            // A command line that does not parse is a mistake the user can fix: one line naming what is wrong, exit 2
            // (System.CommandLine's own answer is the help page and exit 1).
            var command = string.Join(' ', parsed.CommandResult.Command.Name == root.Name ? ["neocloud"] : ["neocloud", .. CommandPath(parsed.CommandResult)]);
            var messages = parsed.Errors.Select(e => System.Text.RegularExpressions.Regex.Replace(e.Message, @"\s+", " ").Trim().TrimEnd('.'));
            error.WriteLine($"error: {string.Join("; ", messages)} (see '{command} --help')");
            return UsageError;
        }
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

    private static IEnumerable<string> CommandPath(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new Stack<string>();
        for (var at = result; at.Parent is System.CommandLine.Parsing.CommandResult parent; at = parent) names.Push(at.Command.Name);
        return names;
    }

    private static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand("Neocloud Exchange: the marketplace and ledger for GPU capacity.");
        root.Subcommands.Add(CatalogCommands.Create(context));
        root.Subcommands.Add(DealCommands.Create(context));
        root.Subcommands.Add(SiteCommands.Create(context));
        root.Subcommands.Add(PlanCommands.Create(context));
        root.Subcommands.Add(ServeCommand.Create(context));
        root.Subcommands.Add(BackupCommands.Backup(context));
        root.Subcommands.Add(BackupCommands.Restore(context));
        root.Subcommands.Add(JournalCommands.Create(context));
        var market = MarketCommands.Create(context);
        ClientCommands.AddMarketData(market, context);
        ClientCommands.AddSearch(market, context);
        ClientCommands.AddCurve(market, context);
        root.Subcommands.Add(market);
        root.Subcommands.Add(ClientCommands.Login(context));
        root.Subcommands.Add(ClientCommands.Order(context));
        root.Subcommands.Add(ClientCommands.Contracts(context));
        root.Subcommands.Add(ClientCommands.Rfq(context));
        var contract = ClientCommands.Contract(context);
        ClientCommands.AddMarks(contract, context);
        root.Subcommands.Add(contract);
        root.Subcommands.Add(ClientCommands.Book(context));
        root.Subcommands.Add(ClientCommands.Procure(context));
        root.Subcommands.Add(ClientCommands.Events(context));
        root.Subcommands.Add(ClientCommands.Webhook(context));
        root.Subcommands.Add(ClientCommands.Index(context));
        root.Subcommands.Add(ClientCommands.Account(context));
        root.Subcommands.Add(ClientCommands.Approvals(context));
        root.Subcommands.Add(ClientCommands.Alert(context));
        root.Subcommands.Add(ClientCommands.Admin(context));
        root.Subcommands.Add(ClientCommands.Audit(context));
        return root;
    }
}
