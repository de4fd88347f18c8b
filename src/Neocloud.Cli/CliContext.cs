using Spectre.Console;

namespace Neocloud.Cli;

/// <summary>Where a command reads and writes: the process's streams, or a test's.</summary>
public sealed class CliContext
{
    public CliContext(TextWriter output, TextWriter error, TextReader input, bool interactive, string? configPath = null)
    {
        ConfigPath = configPath ?? Client.ClientConfig.DefaultPath();
        Output = output;
        Error = error;
        Input = input;
        Interactive = interactive;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!interactive)
        {
            // Tables must not wrap at an imagined 80 columns when written to a pipe or a file.
            Console.Profile.Width = 200;
        }
    }

    /// <summary>Standard output: JSON and tables go here.</summary>
    public TextWriter Output { get; }

    /// <summary>Standard error: one-line errors and progress go here.</summary>
    public TextWriter Error { get; }

    /// <summary>Standard input, for commands that read <c>-</c>.</summary>
    public TextReader Input { get; }

    /// <summary>True when output is a terminal (progress bars, colours); false for pipes and tests.</summary>
    public bool Interactive { get; }

    /// <summary>Where <c>neocloud login</c> keeps the exchange's URL and token.</summary>
    public string ConfigPath { get; }

    /// <summary>When this invocation started: times from now (<c>+7d</c>) count from it, so that every option of a command agrees.</summary>
    public DateTimeOffset Now { get; } = DateTimeOffset.UtcNow;

    /// <summary>Spectre.Console bound to <see cref="Output"/>.</summary>
    public IAnsiConsole Console { get; }
}
