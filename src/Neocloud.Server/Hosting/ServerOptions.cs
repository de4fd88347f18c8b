using Neocloud.Storage;

namespace Neocloud.Server.Hosting;

/// <summary>How <c>neocloud serve</c> runs: where it listens, where it keeps its data, and its limits.</summary>
public sealed record ServerOptions
{
    /// <summary>The addresses to listen on; loopback unless told otherwise.</summary>
    public string Urls { get; init; } = "http://127.0.0.1:5080";

    /// <summary>The folder for the SQLite file and the admin token.</summary>
    public string DataDirectory { get; init; } = "./data";

    /// <summary>A PostgreSQL connection string; null for the SQLite file under <see cref="DataDirectory"/>.</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>Run simulated sellers and buyers that keep trading.</summary>
    public bool Demo { get; init; }

    /// <summary>Requests per second one token may make on average.</summary>
    public int RateLimitPerSecond { get; init; } = 2000;

    /// <summary>Requests one token may make in a burst above the average.</summary>
    public int RateLimitBurst { get; init; } = 4000;

    /// <summary>Accepted commands between two engine snapshots.</summary>
    public int SnapshotEvery { get; init; } = 10_000;

    /// <summary>The exchange's clock (the system's; tests move a clock of their own forward instead of waiting).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Run as a node of a cluster on <see cref="PostgresConnectionString"/> (an Orleans silo and an HTTP front end).</summary>
    public bool Cluster { get; init; }

    /// <summary>The port this node's silo talks to the other silos on (cluster only).</summary>
    public int SiloPort { get; init; } = 11111;

    /// <summary>The port of this node's Orleans gateway (cluster only).</summary>
    public int GatewayPort { get; init; } = 30000;

    /// <summary>The address other nodes reach this node's silo at (cluster only).</summary>
    public string NodeAddress { get; init; } = "127.0.0.1";

    /// <summary>The store these options select.</summary>
    public StoreOptions Store => PostgresConnectionString is { } postgres
        ? StoreOptions.Postgres(postgres)
        : StoreOptions.SqliteFile(Path.Combine(DataDirectory, "exchange.db"));
}
