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

    /// <summary>With <see cref="Demo"/> and no <see cref="Oidc"/>: the port on 127.0.0.1 of the development identity provider it runs (0: any free one).</summary>
    public int DemoIdentityPort { get; init; }

    /// <summary>The identity provider people sign in with (OpenID Connect); null: API tokens only (with <see cref="Demo"/>, the development one).</summary>
    public Auth.OidcSettings? Oidc { get; init; }

    /// <summary>Requests per second one token may make on average.</summary>
    public int RateLimitPerSecond { get; init; } = 2000;

    /// <summary>Requests one token may make in a burst above the average.</summary>
    public int RateLimitBurst { get; init; } = 4000;

    /// <summary>
    /// Requests a second one client address may make without a working token (none, unknown, revoked or expired); once
    /// its bucket is empty, the address's requests get 429 before their token is looked up.
    /// </summary>
    public int AddressRateLimitPerSecond { get; init; } = 100;

    /// <summary>Requests without a working token one client address may make in a burst above the average.</summary>
    public int AddressRateLimitBurst { get; init; } = 200;

    /// <summary>An organization without a credit limit has limit 0 (<c>--require-credit</c>); otherwise it is unlimited.</summary>
    public bool RequireCredit { get; init; }

    /// <summary>The matching engine the shards run (<c>--engine</c>; <see cref="Market.Engine.MarketEngines.Names"/>).</summary>
    public string Engine { get; init; } = Market.Engine.MarketEngines.Default;

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

    /// <summary>Serve <c>/metrics</c> (Prometheus text format, anonymous on the bound addresses); false turns metrics off.</summary>
    public bool Metrics { get; init; } = true;

    /// <summary>An OTLP (gRPC) endpoint to export traces to, e.g. <c>http://127.0.0.1:4317</c>; null: no traces are made.</summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary>The share of requests traced when <see cref="OtlpEndpoint"/> is set (a caller's sampled trace is always followed).</summary>
    public double TraceSampleRatio { get; init; } = 0.1;

    /// <summary>How the console logs are written: plain text, or one JSON object a line.</summary>
    public LogFormat LogFormat { get; init; } = LogFormat.Text;

    /// <summary>How often the events time causes (RFQs closing, tranches late, invoices due) are looked for.</summary>
    public TimeSpan EventSweepInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the forward curves that curve alerts watch are observed (at a sweep, at most this often): a curve reads
    /// 30 days of its SKU's trades and every resting order of it on the shard's loop, and moves slowly.
    /// </summary>
    public TimeSpan CurveAlertInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Hosts webhooks may reach over plain http and at private or loopback addresses (a receiver on the operator's own
    /// network; tests use 127.0.0.1). Every other host must be https and resolve to public addresses only.
    /// </summary>
    public IReadOnlyList<string> WebhookAllowHosts { get; init; } = [];

    /// <summary>How long an event is retried (from its first failed attempt) before its webhook is disabled.</summary>
    public TimeSpan WebhookRetryFor { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How long one webhook request may take before it counts as failed.</summary>
    public TimeSpan WebhookTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The most webhook test pings one organization may have in flight on a node (more answer 429).</summary>
    public int WebhookTestsPerOrganization { get; init; } = 2;

    /// <summary>The most webhook test pings all organizations together may have in flight on a node (more answer 429).</summary>
    public int WebhookTestsInFlight { get; init; } = 32;

    /// <summary>
    /// A test seam: the exchange does not begin recovering the market until this completes, so a test can see the
    /// readiness gate closed (<c>/readyz</c> 503) for as long as it likes. Null (always, outside tests): no wait.
    /// </summary>
    public Task? HoldRecovery { get; init; }

    /// <summary>A test seam: a logger that receives what the server logs, beside the console. Null (always, outside tests): none.</summary>
    public Microsoft.Extensions.Logging.ILoggerProvider? LogSink { get; init; }

    /// <summary>The store these options select.</summary>
    public StoreOptions Store => PostgresConnectionString is { } postgres
        ? StoreOptions.Postgres(postgres) with { IdleTransactionTimeout = Cluster ? ClusterIdleTransactionTimeout : null }
        : StoreOptions.SqliteFile(Path.Combine(DataDirectory, "exchange.db"));

    /// <summary>
    /// How long a cluster node's database session may sit idle inside a transaction (see <see cref="StoreOptions.IdleTransactionTimeout"/>):
    /// far above a commit's few milliseconds between its rows and its commit, below the time a frozen node takes to be declared dead.
    /// </summary>
    public static readonly TimeSpan ClusterIdleTransactionTimeout = TimeSpan.FromSeconds(10);
}

/// <summary>How <c>neocloud serve</c> writes its console logs.</summary>
public enum LogFormat
{
    /// <summary>ASP.NET Core's plain console format.</summary>
    Text,

    /// <summary>One JSON object a line (timestamp, level, category, message, state), for a log shipper.</summary>
    Json,
}
