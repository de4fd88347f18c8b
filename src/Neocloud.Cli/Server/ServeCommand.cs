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
        var snapshotEvery = new Option<int>("--snapshot-every") { Description = "Accepted commands between engine snapshots (at least; and at least as many as the last snapshot held resting orders).", DefaultValueFactory = _ => 10_000 };
        var command = new Command("serve", "Run the exchange: REST API at /api/v1, OpenAPI at /openapi/v1.json, docs at /docs.") { urls, data, db, demo, rate, snapshotEvery };
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
                SnapshotEvery = parsed.GetValue(snapshotEvery) is > 0 and var every ? every : throw new UsageException("--snapshot-every: must be > 0"),
            };
            var app = await ExchangeServer.BuildAsync(options, line => context.Output.WriteLine(line), ct);
            await app.StartAsync(ct);
            var store = options.PostgresConnectionString is null ? Path.Combine(options.DataDirectory, "exchange.db") : "PostgreSQL";
            context.Output.WriteLine($"Neocloud Exchange listening on {string.Join(", ", app.Urls)} (store: {store}{(options.Demo ? ", demo traders on" : "")})");
            context.Output.Flush();
            await app.WaitForShutdownAsync(ct);
            await app.DisposeAsync();
            return 0;
        });
        return command;
    }
}
