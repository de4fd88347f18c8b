// Load generator: starts the real `neocloud serve` on 127.0.0.1 (SQLite in a temp folder, or --db PostgreSQL),
// then drives it with N concurrent clients: first a trivial endpoint (GET /healthz), then durable order placement
// (POST /api/v1/orders/bids|asks, each committed to the journal before its answer). Prints requests/s, p50 and p99,
// and the ratio of the two, measured in the same run on the same machine.
// With --subscribers N and/or --webhooks M it then measures what pushing events costs the market: durable orders/s
// with nobody listening, with N Server-Sent Events streams and M webhooks (to a receiver in this process) listening to
// the trading organizations, and without them again; and how long an event takes from its commit to each listener.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

var clients = Option("--clients", 64);
var seconds = Option("--seconds", 10);
var db = OptionText("--db");
var subscribers = Option("--subscribers", 0);
var webhooks = Option("--webhooks", 0);
// With --rate, the order phases of the events bench send at most that many orders a second (spread over the clients), so
// latency can be read at a load the listeners keep up with, not only at saturation.
var rate = Option("--rate", 0);

var data = Directory.CreateTempSubdirectory("neocloud-loadbench-").FullName;
var port = FreePort();
var server = StartServer(port, data, db, webhooks > 0);
try
{
    var (adminToken, ready) = await WaitForServerAsync(server);
    if (!ready) return 1;
    var address = new Uri($"http://127.0.0.1:{port}/");
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients * 2 }) { BaseAddress = address };

    var provider = await TokenAsync(http, adminToken!, "iren", "market:read market:trade pools:write");
    var buyers = new List<string>();
    foreach (var buyer in new[] { "microsoft", "meta", "openai", "google" }) buyers.Add(await TokenAsync(http, adminToken!, buyer, "market:read market:trade"));
    await PostAsync(http, provider, "api/v1/pools", """{"id":"bench","sku":"GB300","region":"us-tx","capacity":[{"start":490000,"end":577600,"gpus":1000000}]}""");

    Console.WriteLine($"server: neocloud serve, store {(db is null ? "SQLite (WAL, synchronous=FULL)" : "PostgreSQL")}; {clients} clients, {seconds} s per phase, {Environment.ProcessorCount} cores");
    var trivial = await RunAsync(clients, seconds, async (client, random) =>
    {
        using var response = await client.GetAsync("healthz");
        return response.IsSuccessStatusCode;
    }, address, null);
    Report("GET /healthz (trivial)", trivial);

    var paced = rate > 0 ? TimeSpan.FromSeconds((double)clients / rate) : TimeSpan.Zero;
    var placeOrder = async (HttpClient client, Random random) =>
    {
        var start = 490_000 + random.Next(0, 80_000);
        var hours = random.Next(1, 720);
        string path, body;
        if (random.Next(3) == 0)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", provider);
            path = "api/v1/orders/asks";
            body = $$"""{"pool":"bench","gpus":{{random.Next(1, 64)}},"start":{{start}},"end":{{start + hours}},"price":"{{(2.0m + random.Next(0, 100) / 100m).ToString("0.00", CultureInfo.InvariantCulture)}}"}""";
        }
        else
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", buyers[random.Next(buyers.Count)]);
            path = "api/v1/orders/bids";
            body = $$"""{"sku":"GB300","gpus":{{random.Next(1, 32)}},"start":{{start}},"end":{{start + hours}},"limit":"{{(1.5m + random.Next(0, 100) / 100m).ToString("0.00", CultureInfo.InvariantCulture)}}","tif":"GTC"}""";
        }
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(path, content);
        return response.StatusCode is HttpStatusCode.Created or HttpStatusCode.UnprocessableEntity;
    };
    var orders = await RunAsync(clients, seconds, placeOrder, address, null);
    Report("POST orders (durable)", orders);
    Console.WriteLine($"ratio: durable orders/s = {orders.PerSecond / trivial.PerSecond:0.000} x trivial requests/s; p99 {orders.P99 / trivial.P99:0.0} x");
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        clients, seconds, cores = Environment.ProcessorCount, store = db is null ? "sqlite" : "postgres",
        trivialPerSecond = Math.Round(trivial.PerSecond), trivialP50Ms = trivial.P50, trivialP99Ms = trivial.P99,
        ordersPerSecond = Math.Round(orders.PerSecond), ordersP50Ms = orders.P50, ordersP99Ms = orders.P99, orderErrors = orders.Errors,
        ratio = Math.Round(orders.PerSecond / trivial.PerSecond, 3),
    }));
    if (subscribers + webhooks > 0)
    {
        string[] parties = [provider, .. buyers];
        if (paced > TimeSpan.Zero)
        {
            var unpaced = placeOrder;
            placeOrder = async (client, random) =>
            {
                var next = Stopwatch.GetTimestamp() + (long)(paced.TotalSeconds * Stopwatch.Frequency);
                var ok = await unpaced(client, random);
                var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
                if (left > TimeSpan.Zero) await Task.Delay(left);
                return ok;
            };
            Console.WriteLine($"order phases paced at {rate:#,0} orders/s");
        }
        // The server's own CPU time per order, beside the rate: on two shared cores the listeners' client side (this
        // process) competes with the server, so the rate alone overstates what listening costs the exchange.
        TimeSpan Cpu()
        {
            server.Refresh();
            return server.TotalProcessorTime;
        }
        var cpu0 = Cpu();
        var quiet = await RunAsync(clients, seconds, placeOrder, address, null);
        var cpu1 = Cpu();
        Result listened;
        var cpuListened = TimeSpan.Zero;
        Latency stream, hooks;
        int badSignatures;
        await using (var push = await EventListeners.StartAsync(address, http, parties, subscribers, webhooks))
        {
            var before = Cpu();
            listened = await RunAsync(clients, seconds, placeOrder, address, null);
            cpuListened = Cpu() - before;
            push.StopCounting();
            await push.DrainAsync(TimeSpan.FromSeconds(30));
            (stream, hooks, badSignatures) = (push.Stream, push.Hooks, push.BadSignatures);
        }
        var cpu2 = Cpu();
        var quietAgain = await RunAsync(clients, seconds, placeOrder, address, null);
        var cpuQuiet = (cpu1 - cpu0 + Cpu() - cpu2) / (quiet.Count + quietAgain.Count);
        var cpuWith = cpuListened / Math.Max(1, listened.Count);
        var baseline = (quiet.PerSecond + quietAgain.PerSecond) / 2;
        Report("POST orders, nobody listening", quiet);
        Report($"POST orders, {subscribers} SSE + {webhooks} hooks", listened);
        Report("POST orders, nobody again", quietAgain);
        Console.WriteLine($"server CPU per order: {cpuQuiet.TotalMicroseconds:0} µs with nobody listening, {cpuWith.TotalMicroseconds:0} µs with the listeners ({cpuWith / cpuQuiet:0.00} x)");
        Console.WriteLine($"with listeners the market keeps {listened.PerSecond / baseline:P1} of its rate (goal >= 90%); " +
            $"commit to delivery: SSE p50 {stream.P50:0.0} ms p99 {stream.P99:0.0} ms over {stream.Count:#,0} deliveries; " +
            $"webhooks p50 {hooks.P50:0.0} ms p99 {hooks.P99:0.0} ms over {hooks.Count:#,0} deliveries (goal p99 < 100 ms)");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            subscribers, webhooks, rate, quietPerSecond = Math.Round(baseline), listenedPerSecond = Math.Round(listened.PerSecond),
            kept = Math.Round(listened.PerSecond / baseline, 3), serverCpuPerOrderUs = Math.Round(cpuQuiet.TotalMicroseconds),
            serverCpuPerOrderListenedUs = Math.Round(cpuWith.TotalMicroseconds), sseP50Ms = stream.P50, sseP99Ms = stream.P99, sseDeliveries = stream.Count,
            hookP50Ms = hooks.P50, hookP99Ms = hooks.P99, hookDeliveries = hooks.Count, hookBadSignatures = badSignatures,
        }));
    }
    return orders.Errors == 0 ? 0 : 1;
}
finally
{
    if (!server.HasExited) server.Kill(entireProcessTree: true);
    server.WaitForExit();
    Directory.Delete(data, recursive: true);
}

static async Task<Result> RunAsync(int clients, int seconds, Func<HttpClient, Random, Task<bool>> call, Uri address, string? token)
{
    var stop = Stopwatch.StartNew();
    var deadline = TimeSpan.FromSeconds(seconds);
    var latencies = new List<double>[clients];
    var errors = 0;
    var workers = Enumerable.Range(0, clients).Select(async i =>
    {
        using var client = new HttpClient { BaseAddress = address };
        var random = new Random(i);
        var mine = latencies[i] = new List<double>(100_000);
        while (stop.Elapsed < deadline)
        {
            var begin = Stopwatch.GetTimestamp();
            var ok = await call(client, random);
            mine.Add(Stopwatch.GetElapsedTime(begin).TotalMilliseconds);
            if (!ok) Interlocked.Increment(ref errors);
        }
    }).ToList();
    await Task.WhenAll(workers);
    var elapsed = stop.Elapsed.TotalSeconds;
    var all = latencies.SelectMany(l => l).Order().ToArray();
    return new Result(all.Length / elapsed, Percentile(all, 0.50), Percentile(all, 0.99), all.Length, errors);
}

static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : Math.Round(sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))], 2);

static void Report(string name, Result r) =>
    Console.WriteLine($"{name,-26} {r.PerSecond,10:#,0} req/s   p50 {r.P50,7:0.00} ms   p99 {r.P99,7:0.00} ms   ({r.Count:#,0} requests, {r.Errors} errors)");

static async Task<string> TokenAsync(HttpClient http, string admin, string organization, string scopes)
{
    var body = JsonSerializer.Serialize(new { label = "loadbench", scopes = scopes.Split(' ') });
    var created = await PostAsync(http, admin, $"api/v1/admin/organizations/{organization}/tokens", body);
    return created.GetProperty("token").GetString()!;
}

static async Task<JsonElement> PostAsync(HttpClient http, string token, string path, string body)
{
    using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    using var response = await http.SendAsync(request);
    var text = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {text}");
    return JsonDocument.Parse(text).RootElement.Clone();
}

static Process StartServer(int port, string data, string? db, bool webhooks)
{
    var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
    var root = AppContext.BaseDirectory[..AppContext.BaseDirectory.IndexOf("/bench/", StringComparison.Ordinal)];
    var cli = Path.Combine(root, "src", "Neocloud.Cli", "bin", configuration, "net10.0", "neocloud.dll");
    var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    foreach (var argument in new[] { cli, "serve", "--urls", $"http://127.0.0.1:{port}", "--data", data, "--rate-limit", "10000000" }) start.ArgumentList.Add(argument);
    // The webhooks' receiver is this process, on loopback: the server must be told it may post there.
    if (webhooks) { start.ArgumentList.Add("--webhook-allow-host"); start.ArgumentList.Add("127.0.0.1"); }
    if (db is not null) { start.ArgumentList.Add("--db"); start.ArgumentList.Add(db); }
    return Process.Start(start) ?? throw new InvalidOperationException("could not start neocloud serve");
}

static async Task<(string? Token, bool Ready)> WaitForServerAsync(Process server)
{
    string? token = null;
    while (await server.StandardOutput.ReadLineAsync() is { } line)
    {
        if (line.StartsWith("admin token", StringComparison.Ordinal)) token = line[(line.LastIndexOf(' ') + 1)..];
        if (line.StartsWith("Neocloud Exchange listening", StringComparison.Ordinal))
        {
            _ = server.StandardOutput.ReadToEndAsync();
            _ = server.StandardError.ReadToEndAsync();
            return (token, true);
        }
    }
    Console.Error.WriteLine("server exited: " + await server.StandardError.ReadToEndAsync());
    return (null, false);
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
}

string? OptionText(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

internal sealed record Result(double PerSecond, double P50, double P99, int Count, int Errors);
