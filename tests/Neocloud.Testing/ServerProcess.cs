using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Neocloud.Testing;

/// <summary>The real <c>neocloud serve</c> as a child process on 127.0.0.1, for crash tests.</summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ServerProcess(Process process, Uri address, string? adminToken)
    {
        _process = process;
        Address = address;
        AdminToken = adminToken;
    }

    /// <summary>Where it listens.</summary>
    public Uri Address { get; }

    /// <summary>The admin token it printed (first start only).</summary>
    public string? AdminToken { get; }

    /// <summary>True once the process ended (killed, or ended itself).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>What it printed on standard output (from the start) and standard error (since it listened).</summary>
    public IReadOnlyCollection<string> Output => _output;

    /// <summary>Starts <c>neocloud serve</c> on a free port over <paramref name="dataDirectory"/> and waits until it listens.</summary>
    public static async Task<ServerProcess> StartAsync(string dataDirectory, params string[] extraArguments)
    {
        var port = FreePort();
        var cli = CliAssembly();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { cli, "serve", "--urls", $"http://127.0.0.1:{port}", "--data", dataDirectory, "--rate-limit", "1000000" }.Concat(extraArguments))
            start.ArgumentList.Add(argument);
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start neocloud serve");
        string? token = null;
        var before = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException($"neocloud serve exited: {await process.StandardError.ReadToEndAsync(timeout.Token)}");
            before.Add(line);
            if (line.StartsWith("admin token", StringComparison.Ordinal)) token = line[(line.LastIndexOf(' ') + 1)..];
            if (line.StartsWith("Neocloud Exchange listening", StringComparison.Ordinal)) break;
        }
        // Keep draining the pipes so the server never blocks on a full buffer, and keep what they say.
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}/"), token);
        foreach (var line in before) server._output.Enqueue(line);
        _ = server.DrainAsync(process.StandardOutput);
        _ = server.DrainAsync(process.StandardError);
        return server;
    }

    /// <summary>SIGSTOP: the process freezes (as in a long GC pause or a frozen VM) until <see cref="Resume"/>.</summary>
    public void Pause() => Signal("STOP");

    /// <summary>SIGCONT: a paused process runs on.</summary>
    public void Resume() => Signal("CONT");

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            ?? throw new InvalidOperationException("could not run kill");
        kill.WaitForExit();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -{signal} {_process.Id} failed");
    }

    private async Task DrainAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            _output.Enqueue(line);
            while (_output.Count > 5000) _output.TryDequeue(out _);
        }
    }

    /// <summary>SIGKILL: no shutdown, no flush, no final snapshot.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
    }

    /// <summary>A TCP port free on 127.0.0.1 now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs the real <c>neocloud</c> binary to its end (at most two minutes) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunToEndAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { CliAssembly() }.Concat(arguments)) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start neocloud");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"neocloud {string.Join(' ', arguments)} did not end within two minutes");
        }
        return (process.ExitCode, await output, await error);
    }

    /// <summary>The built <c>neocloud.dll</c> of the configuration the tests run in.</summary>
    public static string CliAssembly()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var path = Path.Combine(RepositoryRoot.Path, "src", "Neocloud.Cli", "bin", configuration, "net10.0", "neocloud.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("build the CLI first (dotnet build)", path);
    }
}
