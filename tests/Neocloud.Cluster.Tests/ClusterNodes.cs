using System.Globalization;
using Neocloud.Testing;

namespace Neocloud.Cluster.Tests;

/// <summary>
/// Real <c>neocloud serve --cluster</c> processes on 127.0.0.1 over one fresh PostgreSQL database: the nodes started so
/// far (each with its own data folder, kept for a restart), killed with the fixture.
/// </summary>
public sealed class ClusterNodes(string prefix) : IDisposable
{
    private readonly List<TempDirectory> _folders = [];

    /// <summary>The database every node shares.</summary>
    public string Database { get; } = PostgresServer.CreateDatabase(prefix);

    /// <summary>The nodes started (lock it to change it while others read it).</summary>
    public List<Node> Nodes { get; } = [];

    /// <summary>Starts a node (over <paramref name="folder"/> again for a restart) and waits until it listens.</summary>
    public async Task<Node> StartNodeAsync(TempDirectory? folder = null)
    {
        if (folder is null)
        {
            folder = new TempDirectory("neocloud-node-");
            lock (_folders) _folders.Add(folder);
        }
        var server = await ServerProcess.StartAsync(folder.Path, "--cluster", "--db", Database,
            "--silo-port", ServerProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            "--gateway-port", ServerProcess.FreePort().ToString(CultureInfo.InvariantCulture));
        var node = new Node(server, folder);
        lock (Nodes) Nodes.Add(node);
        return node;
    }

    /// <summary>
    /// What each node logged about membership (probes, suspicions, votes, declarations), its last lines: printed when a
    /// wait on the cluster's view of a node runs out, so the run says why.
    /// </summary>
    public string MembershipLog(int lines = 30)
    {
        string[] words = ["probe", "suspect", "vote", "evict", "dead", "degraded"];
        lock (Nodes)
            return string.Join("\n", Nodes.Select(node => $"--- {node.Url}{(node.Server.HasExited ? " (exited)" : "")}\n" + string.Join("\n",
                node.Server.Output.Where(l => words.Any(w => l.Contains(w, StringComparison.OrdinalIgnoreCase))).TakeLast(lines))));
    }

    public void Dispose()
    {
        foreach (var node in Nodes) node.Server.Dispose();
        foreach (var folder in _folders) folder.Dispose();
    }
}

/// <summary>One node: its process, its data folder and an HTTP client for it.</summary>
public sealed record Node(ServerProcess Server, TempDirectory Folder)
{
    /// <summary>A client of the node's API (15 s per request).</summary>
    public HttpClient Http { get; } = new() { BaseAddress = Server.Address, Timeout = TimeSpan.FromSeconds(15) };

    /// <summary>The node's base URL, as the cluster lists it.</summary>
    public string Url => Server.Address.ToString().TrimEnd('/');
}
