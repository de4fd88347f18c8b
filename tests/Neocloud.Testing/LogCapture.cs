using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Neocloud.Testing;

/// <summary>
/// Keeps every line a server logs (at the levels it logs: warnings and errors, and the start-up lines), with its
/// exception, so a test can say what a request did or did not log. Pass it as <c>ServerOptions.LogSink</c>.
/// </summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    /// <summary>Everything logged so far, oldest first.</summary>
    public IReadOnlyList<LogLine> Lines => [.. _lines];

    /// <summary>The lines at warning or above, as text a failed assertion can show.</summary>
    public IReadOnlyList<string> Problems => [.. _lines.Where(l => l.Level >= LogLevel.Warning).Select(l => l.ToString())];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>One logged line: its level, category, message and exception.</summary>
    public sealed record LogLine(LogLevel Level, string Category, string Message, Exception? Exception)
    {
        public override string ToString() => $"{Level} {Category}: {Message}{(Exception is null ? "" : $" [{Exception.GetType().Name}: {Exception.Message}]")}";
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            capture._lines.Enqueue(new LogLine(logLevel, category, formatter(state, exception), exception));
    }
}
