using System.CommandLine;
using Neocloud.Server.Hosting;

namespace Neocloud.Cli.Server;

/// <summary><c>neocloud serve</c>: the exchange — REST API, docs and dashboard — over SQLite or PostgreSQL.</summary>
public static class ServeCommand
{
    public static Command Create(CliContext context)
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen (loopback unless told otherwise).", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var data = new Option<string>("--data") { Description = "Folder for the SQLite file and the admin token.", DefaultValueFactory = _ => "./data" };
        var db = new Option<string?>("--db") { Description = "A PostgreSQL connection string; without it, SQLite under --data." };
        var demo = new Option<bool>("--demo") { Description = "Run simulated sellers and buyers that keep trading." };
        var rate = new Option<int>("--rate-limit") { Description = "Requests per second per token.", DefaultValueFactory = _ => 2000 };
        var addressRate = new Option<int>("--address-rate-limit")
        {
            Description = "Requests per second one client address may make without a working token (bursts of twice that); past it, 429 before the token is looked up.",
            DefaultValueFactory = _ => 100,
        };
        var snapshotEvery = new Option<int>("--snapshot-every") { Description = "Accepted commands between engine snapshots (at least; and at least as many as the last snapshot held resting orders).", DefaultValueFactory = _ => 10_000 };
        var requireCredit = new Option<bool>("--require-credit") { Description = "An organization without a credit limit has limit 0 (the safe default for real money); without it, organizations with no limit set are unlimited." };
        var engine = new Option<string>("--engine")
        {
            Description = $"The matching engine the shards run: {string.Join(", ", Neocloud.Market.Engine.MarketEngines.Names)} (each gives the same events and reads the others' snapshots).",
            DefaultValueFactory = _ => Neocloud.Market.Engine.MarketEngines.Default,
        };
        engine.AcceptOnlyFromAmong([.. Neocloud.Market.Engine.MarketEngines.Names]);
        var cluster = new Option<bool>("--cluster") { Description = "Run as a node of a cluster on --db: an Orleans silo hosting market-group shards, and a front end for the whole API." };
        var siloPort = new Option<int>("--silo-port") { Description = "Cluster: the port this node's silo talks to the others on.", DefaultValueFactory = _ => 11111 };
        var gatewayPort = new Option<int>("--gateway-port") { Description = "Cluster: the port of this node's Orleans gateway.", DefaultValueFactory = _ => 30000 };
        var nodeAddress = new Option<string>("--node-address") { Description = "Cluster: the IP address the other nodes reach this node at.", DefaultValueFactory = _ => "127.0.0.1" };
        var noMetrics = new Option<bool>("--no-metrics") { Description = "Do not serve /metrics (by default it is served, anonymous, on the --urls addresses)." };
        var otlp = new Option<string?>("--otlp") { Description = "Export traces (HTTP request → shard → commit) over OTLP to this endpoint, e.g. http://127.0.0.1:4317 (gRPC) or http://…:4318/v1/traces (HTTP)." };
        var otlpSample = new Option<double>("--otlp-sample") { Description = "The share of requests --otlp traces (0 to 1; a caller's sampled trace is always followed).", DefaultValueFactory = _ => 0.1 };
        var logFormat = new Option<string>("--log-format") { Description = "Console logs as text or json (one object a line).", DefaultValueFactory = _ => "text" };
        logFormat.AcceptOnlyFromAmong("text", "json");
        var webhookAllowHost = new Option<string[]>("--webhook-allow-host")
        {
            Description = "A host webhooks may reach over plain http and at private or loopback addresses (repeat for more), e.g. 127.0.0.1.",
            AllowMultipleArgumentsPerToken = false,
        };
        var webhookRetryFor = new Option<string>("--webhook-retry-for")
        {
            Description = "How long a webhook's event is retried (backoff 1 s, 2 s, 4 s … 1 h) before the hook is disabled: 24h, 90m, 30s, 1d.",
            DefaultValueFactory = _ => "24h",
        };
        var oidcAuthority = new Option<string?>("--oidc-authority") { Description = "People sign in with this OpenID Connect issuer (https; http only on loopback): the API takes its JWT access tokens, the dashboard signs in through it." };
        var oidcAudience = new Option<string?>("--oidc-audience") { Description = "The audience (aud) the issuer's access tokens for this exchange carry; needed with --oidc-authority." };
        var oidcClientId = new Option<string>("--oidc-client-id") { Description = "The dashboard's client id at the issuer (the client secret, if it has one, from NEOCLOUD_OIDC_CLIENT_SECRET).", DefaultValueFactory = _ => Neocloud.Server.Auth.OidcSettings.DefaultClientId };
        var oidcOrgClaim = new Option<string>("--oidc-org-claim") { Description = "The token claim that names the person's organization.", DefaultValueFactory = _ => "org" };
        var oidcRolesClaim = new Option<string>("--oidc-roles-claim") { Description = "The token claim that lists the person's roles (viewer, trader, contracts, fleet, approver, admin).", DefaultValueFactory = _ => "roles" };
        var demoIdpPort = new Option<int>("--demo-idp-port") { Description = "With --demo and no --oidc-authority: the port on 127.0.0.1 of the development identity provider it runs (0: any free one).", DefaultValueFactory = _ => 0 };
        var command = new Command("serve", "Run the exchange: REST API at /api/v1, OpenAPI at /openapi/v1.json, docs at /docs.")
        {
            urls, data, db, demo, rate, addressRate, snapshotEvery, cluster, siloPort, gatewayPort, nodeAddress, noMetrics, otlp, otlpSample, logFormat, webhookAllowHost,
            webhookRetryFor, requireCredit, engine, oidcAuthority, oidcAudience, oidcClientId, oidcOrgClaim, oidcRolesClaim, demoIdpPort,
        };
        command.SetAction(async (parsed, ct) =>
        {
            var options = new ServerOptions
            {
                Urls = parsed.GetValue(urls)!,
                DataDirectory = Path.GetFullPath(parsed.GetValue(data)!),
                PostgresConnectionString = parsed.GetValue(db),
                Demo = parsed.GetValue(demo),
                RateLimitPerSecond = Math.Max(1, parsed.GetValue(rate)),
                RateLimitBurst = Math.Max(1, parsed.GetValue(rate)) * 2,
                AddressRateLimitPerSecond = Math.Max(1, parsed.GetValue(addressRate)),
                AddressRateLimitBurst = Math.Max(1, parsed.GetValue(addressRate)) * 2,
                SnapshotEvery = parsed.GetValue(snapshotEvery) is > 0 and var every ? every : throw new UsageException("--snapshot-every: must be > 0"),
                Cluster = parsed.GetValue(cluster),
                RequireCredit = parsed.GetValue(requireCredit),
                Engine = parsed.GetValue(engine)!,
                SiloPort = Port(parsed.GetValue(siloPort), "--silo-port"),
                GatewayPort = Port(parsed.GetValue(gatewayPort), "--gateway-port"),
                NodeAddress = System.Net.IPAddress.TryParse(parsed.GetValue(nodeAddress), out var address)
                    ? address.ToString()
                    : throw new UsageException($"--node-address: '{parsed.GetValue(nodeAddress)}' is not an IP address"),
                Metrics = !parsed.GetValue(noMetrics),
                OtlpEndpoint = parsed.GetValue(otlp) is { } endpoint ? OtlpEndpoint(endpoint) : null,
                TraceSampleRatio = parsed.GetValue(otlpSample) is >= 0 and <= 1 and var ratio ? ratio : throw new UsageException($"--otlp-sample: must be from 0 to 1, got {parsed.GetValue(otlpSample)}"),
                LogFormat = parsed.GetValue(logFormat) == "json" ? LogFormat.Json : LogFormat.Text,
                WebhookAllowHosts = [.. parsed.GetValue(webhookAllowHost) ?? []],
                WebhookRetryFor = Duration(parsed.GetValue(webhookRetryFor)!, "--webhook-retry-for"),
                DemoIdentityPort = Port(parsed.GetValue(demoIdpPort), "--demo-idp-port", allowAny: true),
                Oidc = Oidc(parsed.GetValue(oidcAuthority), parsed.GetValue(oidcAudience), parsed.GetValue(oidcClientId)!, parsed.GetValue(oidcOrgClaim)!, parsed.GetValue(oidcRolesClaim)!),
            };
            if (options.Cluster && options.PostgresConnectionString is null) throw new UsageException("--cluster: needs --db, the PostgreSQL database every node shares");
            WebApplication app;
            try
            {
                app = await ExchangeServer.BuildAsync(options, line => context.Output.WriteLine(line), ct);
            }
            catch (Exception e) when (StartupFailure.Describe(e, options, listening: false) is { } reason)
            {
                throw new UsageException(reason);
            }
            try
            {
                await app.StartAsync(ct);
            }
            catch (Exception e) when (StartupFailure.Describe(e, options, listening: true) is { } reason)
            {
                await app.DisposeAsync();
                throw new UsageException(reason);
            }
            // It listens now (/healthz answers, /readyz says 503) while the market recovers; "listening" is said once it is ready.
            try
            {
                await app.Services.GetRequiredService<ExchangeReadiness>().Recovered.WaitAsync(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await app.DisposeAsync();
                if (StartupFailure.Describe(e, options, listening: false) is { } reason) throw new UsageException(reason);
                throw;
            }
            var store = options.PostgresConnectionString is null ? Path.Combine(options.DataDirectory, "exchange.db")
                : options.Cluster ? $"PostgreSQL, cluster node: silo port {options.SiloPort}, gateway port {options.GatewayPort}" : "PostgreSQL";
            context.Output.WriteLine($"Neocloud Exchange listening on {string.Join(", ", app.Urls)} (store: {store}{(options.Demo ? ", demo traders on" : "")})");
            context.Output.Flush();
            await app.WaitForShutdownAsync(ct);
            await app.DisposeAsync();
            return 0;
        });
        return command;
    }

    /// <summary>The identity provider the flags name, or null without <c>--oidc-authority</c>.</summary>
    private static Neocloud.Server.Auth.OidcSettings? Oidc(string? authority, string? audience, string clientId, string organizationClaim, string rolesClaim)
    {
        if (authority is null)
        {
            return audience is null ? null : throw new UsageException("--oidc-audience: needs --oidc-authority");
        }
        if (!Uri.TryCreate(authority, UriKind.Absolute, out var issuer)) throw new UsageException($"--oidc-authority: '{authority}' is not an absolute URL");
        if (string.IsNullOrWhiteSpace(audience)) throw new UsageException("--oidc-authority: needs --oidc-audience, the aud the issuer's access tokens carry");
        var settings = new Neocloud.Server.Auth.OidcSettings(issuer, audience, clientId, Environment.GetEnvironmentVariable("NEOCLOUD_OIDC_CLIENT_SECRET") is { Length: > 0 } secret ? secret : null,
            organizationClaim, rolesClaim);
        return settings.Refusal is { } refusal ? throw new UsageException(refusal) : settings;
    }

    private static Uri OtlpEndpoint(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new UsageException($"--otlp: '{text}' is not an http(s) URL (e.g. http://127.0.0.1:4317)");

    /// <summary>A duration written as a number and a unit: <c>30s</c>, <c>90m</c>, <c>24h</c>, <c>1d</c>; more than zero.</summary>
    internal static TimeSpan Duration(string text, string option)
    {
        var unit = text.Length > 0 ? text[^1] : ' ';
        var scale = unit switch { 's' => 1.0, 'm' => 60.0, 'h' => 3600.0, 'd' => 86400.0, _ => 0.0 };
        if (scale > 0 && double.TryParse(text[..^1], System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var amount)
            && amount > 0 && amount * scale <= TimeSpan.MaxValue.TotalSeconds / 2)
            return TimeSpan.FromSeconds(amount * scale);
        throw new UsageException($"{option}: must be a duration such as 30s, 90m, 24h or 1d, got '{text}'");
    }

    private static int Port(int port, string option, bool allowAny = false) =>
        port is > 0 and <= 65535 || (allowAny && port == 0) ? port
            : throw new UsageException($"{option}: must be a port from {(allowAny ? 0 : 1)} to 65535, got {port}");
}
