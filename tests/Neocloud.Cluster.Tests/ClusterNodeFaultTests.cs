using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Net.Http.Json;
using Xunit.Abstractions;
using static Neocloud.Cluster.Tests.ClusterChaosTests;

namespace Neocloud.Cluster.Tests;

/// <summary>
/// Three real cluster nodes under load: one is killed (-9) and started again, another frozen (SIGSTOP) until the
/// cluster declares it dead and then thawed. The nodes nobody touched, and the restarted one once it listens, stay
/// alive and healthy, and no commit fails on them.
/// </summary>
/// <remarks>
/// What a client of a live node may see, and what this test holds the nodes to: every order is answered <c>201</c>
/// (or <c>422</c>, a rule refused it), or <c>503</c> with <c>Retry-After</c> while the shard it goes to moves, and
/// then the same request under the same <c>Idempotency-Key</c>, sent to the same node, lands. A dropped connection,
/// a timeout or any other status from a live node fails the test, and so does an acknowledged order that is not there
/// afterwards, or there twice.
/// </remarks>
public sealed class ClusterNodeFaultTests(ClusterNodeFaultTests.ThreeNodes cluster, ITestOutputHelper output) : IClassFixture<ClusterNodeFaultTests.ThreeNodes>
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Healthy_nodes_stay_up_and_commit_while_one_node_restarts_and_another_is_paused_past_its_death()
    {
        var started = Stopwatch.StartNew();
        var (steady, killed, frozen) = await RolesAsync();
        var live = new ConcurrentDictionary<Node, bool>(new[] { KeyValuePair.Create(steady, true) });
        var load = new Load(live, cluster.Tokens, cluster.Pools);
        using var health = new HealthWatch(live);
        var running = load.RunAsync(workers: 3);
        await load.WaitForAcceptedAsync(20, s_deadline);

        // kill -9, and a supervisor starts it again: it joins a cluster whose other nodes keep committing.
        killed.Server.Kill();
        var restartedAt = Stopwatch.GetTimestamp();
        var restarted = await cluster.Nodes.StartNodeAsync(killed.Folder);
        output.WriteLine($"restarted node listening after {Stopwatch.GetElapsedTime(restartedAt).TotalSeconds:0.0} s");
        live[restarted] = true;
        await load.WaitForAcceptedAsync(load.Accepted.Count + 20, s_deadline);
        await WaitForAsync("the restarted node taking orders", () => Task.FromResult(load.Accepted.Any(a => a.Node == restarted)));

        // Frozen past the time it takes the cluster to declare it dead (as in a long GC pause or a frozen VM), then thawed.
        frozen.Server.Pause();
        var pausedAt = Stopwatch.GetTimestamp();
        bool declaredDead;
        try
        {
            // On a loaded two-core machine (CI runs every test project at once) the votes that declare a node dead can take
            // longer than the test may wait; what this test is about — the other nodes stay up and every commit on them
            // lands — holds either way, so a pause that ends before the declaration is logged, not failed.
            declaredDead = await WaitUntilAsync(async () =>
                (await ClusterAsync(steady, cluster.Admin))["nodes"]!.AsArray().Any(n => (string?)n!["url"] == frozen.Url && (string?)n["status"] == "dead"),
                TimeSpan.FromSeconds(120));
            output.WriteLine(declaredDead
                ? $"frozen node declared dead after {Stopwatch.GetElapsedTime(pausedAt).TotalSeconds:0.0} s"
                : $"frozen node not declared dead within {Stopwatch.GetElapsedTime(pausedAt).TotalSeconds:0} s; thawed as it is");
            if (!declaredDead) output.WriteLine($"frozen: {frozen.Url}\n{cluster.Nodes.MembershipLog()}");
            await load.WaitForAcceptedAsync(load.Accepted.Count + 20, s_deadline);
        }
        finally
        {
            frozen.Server.Resume();
        }
        if (declaredDead)
        {
            // It learns it was declared dead and ends its own process (Orleans); a supervisor would start it again.
            await WaitForAsync("the thawed node ending itself", () => Task.FromResult(frozen.Server.HasExited));
            output.WriteLine($"thawed node ended {Stopwatch.GetElapsedTime(pausedAt).TotalSeconds:0.0} s after the pause");
        }

        await load.WaitForAcceptedAsync(load.Accepted.Count + 20, s_deadline);
        await load.StopAsync();
        await running;
        health.Stop();

        output.WriteLine($"{load.Accepted.Count} orders acknowledged, {load.Unavailable} answered 503 first (all landed on retry), " +
            $"{health.Checks} health checks; {started.Elapsed.TotalSeconds:0} s");
        Assert.Empty(load.Failures);
        Assert.Empty(health.Failures);
        Assert.False(steady.Server.HasExited, "the node nobody touched ended");
        Assert.False(restarted.Server.HasExited, "the restarted node ended");
        foreach (var node in new[] { steady, restarted, frozen })
            Assert.DoesNotContain(node.Server.Output, line => line.Contains("BackgroundService", StringComparison.Ordinal));
        await AssertAcknowledgedOrdersLandedOnceAsync(steady, load);
    }

    [Fact]
    public async Task One_buyer_bidding_in_two_market_groups_through_two_nodes_never_exceeds_its_limit_and_headroom_moves_between_them()
    {
        const long limit = 1_000_000; // $10,000.00: the clients below bid about twice that
        var nodes = await ActiveNodesAsync();
        var (home, other) = (nodes[0], nodes[^1]);
        var token = await TokenAsync(home, cluster.Admin, "openai");
        await SendAsync(home, cluster.Admin, HttpMethod.Put, "api/v1/admin/organizations/openai/credit", """{"limitUsd":"10000.00"}""");
        var hosts = (await ClusterAsync(home, cluster.Admin))["shards"]!.AsArray().ToDictionary(s => (string)s!["group"]!, s => (string)s!["node"]!);
        output.WriteLine($"rack-blackwell on {hosts["rack-blackwell"]}, hopper on {hosts["hopper"]}; bids through {home.Url} (GB200) and {other.Url} (H100)");

        // One bid in each group first (the H100 one takes a slice from the home shard), then twelve clients bid GB200 (the
        // home shard's group) through one node and twelve H100 through another, at once.
        var accepted = new ConcurrentDictionary<string, int>();
        foreach (var (node, pool) in new[] { (home, cluster.Pools[0]), (other, cluster.Pools[1]) })
        {
            await SendAsync(node, token, HttpMethod.Post, "api/v1/orders/bids", $$"""{"sku":"{{pool.Sku}}","gpus":1,"start":{{pool.Start}},"end":{{pool.Start + 24}},"limit":"0.5000"}""");
            accepted[pool.Sku] = 1;
        }
        var refused = 0;
        await Task.WhenAll(Enumerable.Range(0, 24).Select(async client =>
        {
            var (node, pool) = client % 2 == 0 ? (home, cluster.Pools[0]) : (other, cluster.Pools[1]);
            var random = new Random(client);
            for (var i = 0; i < 10; i++)
            {
                var start = pool.Start + 24 * random.Next(4);
                var price = (random.Next(50, 100) / 100m).ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture);
                var body = $$"""{"sku":"{{pool.Sku}}","gpus":{{random.Next(1, 5)}},"start":{{start}},"end":{{start + 24 * random.Next(1, 4)}},"limit":"{{price}}"}""";
                var (code, text) = await SendAsync(node, token, HttpMethod.Post, "api/v1/orders/bids", body, expect: null);
                if (code == HttpStatusCode.Created) accepted.AddOrUpdate(pool.Sku, 1, (_, n) => n + 1);
                else
                {
                    Assert.True(code == HttpStatusCode.UnprocessableEntity && text.Contains("\"credit\"", StringComparison.Ordinal), $"{(int)code}: {text}");
                    Interlocked.Increment(ref refused);
                }
            }
        }));
        output.WriteLine($"accepted {string.Join(", ", accepted.Select(a => $"{a.Key} {a.Value}"))}; refused {refused}");
        Assert.True(accepted.Count == 2 && refused > 0, "both groups must take bids and the limit must refuse some");
        var (committed, bought) = await ExposureAsync(home, token);
        Assert.True(committed + bought <= limit, $"committed {committed} + bought {bought} > limit {limit}");
        var account = await GetAsync(other, token, "api/v1/account");
        Assert.Equal((committed, -bought), (Cents(account["committedUsd"]!), Cents(account["balanceUsd"]!)));

        // Headroom moves: with every bid cancelled, one H100 bid for nearly all that is available is accepted (the home
        // shard grants hopper the slice); cancelled, one GB200 bid for nearly all of it is accepted too (hopper gives
        // its slice back to the home shard).
        await CancelAllAsync(home, token, cluster.Pools[0].Sku);
        await CancelAllAsync(other, token, cluster.Pools[1].Sku);
        foreach (var (node, pool) in new[] { (other, cluster.Pools[1]), (home, cluster.Pools[0]) })
        {
            var available = Cents((await GetAsync(node, token, "api/v1/account"))["availableUsd"]!);
            Assert.True(available > limit / 2, $"available {available}: the bids' fills used more than half the limit");
            var gpus = (available - 100) / (24 * 100); // at 1.0000 for 24 hours: 24 × 100 cents a GPU
            var big = $$"""{"sku":"{{pool.Sku}}","gpus":{{gpus}},"start":{{pool.Start}},"end":{{pool.Start + 24}},"limit":"1.0000"}""";
            var placed = await SendAsync(node, token, HttpMethod.Post, "api/v1/orders/bids", big);
            if (pool == cluster.Pools[1]) await CancelAllAsync(other, token, pool.Sku);
            Assert.Contains("\"status\":\"open\"", placed.Text, StringComparison.Ordinal);
        }
        (committed, bought) = await ExposureAsync(home, token);
        Assert.True(committed + bought <= limit, $"committed {committed} + bought {bought} > limit {limit}");
    }

    /// <summary>The nodes the cluster lists as active, in the order they were started.</summary>
    private async Task<List<Node>> ActiveNodesAsync()
    {
        List<Node> started;
        lock (cluster.Nodes.Nodes) started = [.. cluster.Nodes.Nodes.Where(n => !n.Server.HasExited)];
        var view = await ClusterAsync(started[0], cluster.Admin);
        var active = view["nodes"]!.AsArray().Where(n => (string?)n!["status"] == "active").Select(n => ((string)n!["url"]!).TrimEnd('/')).ToHashSet();
        return [.. started.Where(n => active.Contains(n.Url))];
    }

    /// <summary>The buyer's resting bids' maximum cost and its bought notional, in cents, from its orders and trades.</summary>
    private static async Task<(long Committed, long Bought)> ExposureAsync(Node node, string token)
    {
        long committed = 0, bought = 0;
        foreach (var order in (await AllAsync(node, token, "api/v1/orders")).Where(o => (string?)o["status"] == "open" && (string?)o["side"] == "bid"))
            committed += (long)decimal.Ceiling((long)order["gpus"]! * ((long)order["end"]! - (long)order["start"]!) * decimal.Parse((string)order["price"]!, System.Globalization.CultureInfo.InvariantCulture) * 100m);
        foreach (var trade in (await AllAsync(node, token, "api/v1/trades")).Where(t => (string?)t["side"] == "buy"))
            bought += (long)decimal.Round((long)trade["gpus"]! * ((long)trade["end"]! - (long)trade["start"]!) * decimal.Parse((string)trade["price"]!, System.Globalization.CultureInfo.InvariantCulture) * 100m, 0, MidpointRounding.ToEven);
        return (committed, bought);
    }

    private static async Task CancelAllAsync(Node node, string token, string sku)
    {
        foreach (var order in (await AllAsync(node, token, "api/v1/orders")).Where(o => (string?)o["status"] == "open" && (string?)o["sku"] == sku))
            await SendAsync(node, token, HttpMethod.Delete, $"api/v1/orders/{(string)order["id"]!}", null, HttpStatusCode.OK);
    }

    private static async Task<(HttpStatusCode Code, string Text)> SendAsync(Node node, string token, HttpMethod method, string path, string? body,
        HttpStatusCode? expect = HttpStatusCode.Created)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await node.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (expect is { } expected && method != HttpMethod.Put) Assert.True(response.StatusCode == expected, $"{method} {path} on {node.Url}: {(int)response.StatusCode} {text}");
        if (method == HttpMethod.Put) Assert.True(response.StatusCode == HttpStatusCode.OK, $"PUT {path}: {(int)response.StatusCode} {text}");
        return (response.StatusCode, text);
    }

    private static long Cents(JsonNode money) => (long)(decimal.Parse((string)money!, System.Globalization.CultureInfo.InvariantCulture) * 100m);

    /// <summary>True once <paramref name="condition"/> holds, false when <paramref name="patience"/> runs out first (a node between lives is asked again).</summary>
    private static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan patience)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < patience)
        {
            try
            {
                if (await condition()) return true;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
            {
                // Ask again.
            }
            await Task.Delay(200);
        }
        return false;
    }

    /// <summary>
    /// Which node to kill (the host of the GB200 shard), which to freeze (the host of the H100 shard) and which to leave
    /// alone, so the load on the steady node goes to shards that move; when one node hosts both, any two others.
    /// </summary>
    private async Task<(Node Steady, Node Killed, Node Frozen)> RolesAsync()
    {
        var nodes = cluster.Nodes.Nodes.ToList();
        var hosts = new Dictionary<string, Node>();
        await WaitForAsync("both traded shards placed", async () =>
        {
            var state = await ClusterAsync(nodes[0], cluster.Admin);
            foreach (var group in new[] { "rack-blackwell", "hopper" })
            {
                var silo = (string?)state["shards"]!.AsArray().FirstOrDefault(s => (string?)s!["group"] == group)?["node"];
                var url = (string?)state["nodes"]!.AsArray().FirstOrDefault(n => (string?)n!["id"] == silo)?["url"];
                if (nodes.FirstOrDefault(n => n.Url == url) is { } host) hosts[group] = host;
            }
            return hosts.Count == 2;
        });
        var killed = hosts["rack-blackwell"];
        var frozen = hosts["hopper"] != killed ? hosts["hopper"] : nodes.First(n => n != killed);
        var steady = nodes.First(n => n != killed && n != frozen);
        output.WriteLine($"GB200 shard on the node to kill, H100 shard on {(hosts["hopper"] == frozen ? "the node to freeze" : "the same node")}");
        return (steady, killed, frozen);
    }

    /// <summary>Every acknowledged order is in the book's records once, with what was sent.</summary>
    private async Task AssertAcknowledgedOrdersLandedOnceAsync(Node node, Load load)
    {
        var orders = new Dictionary<string, JsonNode>();
        foreach (var token in cluster.Tokens.Values)
        {
            foreach (var order in await AllAsync(node, token, "api/v1/orders")) orders[(string)order["id"]!] = order;
        }
        foreach (var accepted in load.Accepted)
        {
            Assert.True(orders.TryGetValue(accepted.OrderId, out var order), $"acknowledged order {accepted.OrderId} is missing");
            Assert.Equal(accepted.Gpus, (long)order!["gpus"]!);
        }
        Assert.Equal(load.Accepted.Count, load.Accepted.Select(a => a.OrderId).Distinct().Count());
    }

    /// <summary>Three nodes on a fresh database, an admin token, three organizations' trading tokens and two pools: started once for the class.</summary>
    public sealed class ThreeNodes : IAsyncLifetime
    {
        /// <summary>The nodes, the first of which created the database.</summary>
        public ClusterNodes Nodes { get; } = new("faults");

        /// <summary>The admin token the first node printed.</summary>
        public string Admin { get; private set; } = "";

        /// <summary>Trading tokens by organization.</summary>
        public Dictionary<string, string> Tokens { get; } = [];

        /// <summary>The pools the load trades in (one GB200, one H100: two market groups).</summary>
        internal Pool[] Pools { get; private set; } = [];

        public async Task InitializeAsync()
        {
            var first = await Nodes.StartNodeAsync();
            Admin = first.Server.AdminToken ?? throw new InvalidOperationException("the first node printed no admin token");
            await Task.WhenAll(Nodes.StartNodeAsync(), Nodes.StartNodeAsync());
            await WaitForAsync("three active nodes", async () => (await ClusterAsync(first, Admin))["nodes"]!.AsArray().Count(n => (string?)n!["status"] == "active") == 3);
            foreach (var organization in new[] { "crusoe", "coreweave", "microsoft" }) Tokens[organization] = await TokenAsync(first, Admin, organization);
            Pools =
            [
                await PoolAsync(first, Tokens["microsoft"], "crusoe-us-tx-gb200", "crusoe"),
                await PoolAsync(first, Tokens["microsoft"], "coreweave-us-nj-h100", "coreweave"),
            ];
        }

        public Task DisposeAsync()
        {
            Nodes.Dispose();
            return Task.CompletedTask;
        }
    }

    /// <summary>An acknowledged order and the node that acknowledged it.</summary>
    private sealed record Placed(string OrderId, long Gpus, Node Node);

    /// <summary>Clients placing asks and bids on the live nodes, each order under its own key, a 503 retried on the same node until it lands.</summary>
    private sealed class Load(ConcurrentDictionary<Node, bool> live, Dictionary<string, string> tokens, Pool[] pools)
    {
        private static readonly TimeSpan s_landWithin = TimeSpan.FromSeconds(60);
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentQueue<Placed> _accepted = new();
        private readonly ConcurrentQueue<string> _failures = new();
        private int _unavailable;
        private int _next;

        public IReadOnlyCollection<Placed> Accepted => _accepted;

        /// <summary>What a live node answered that it must not have.</summary>
        public IReadOnlyCollection<string> Failures => _failures;

        /// <summary>Orders first answered 503 (each then landed on a retry, or it is in <see cref="Failures"/>).</summary>
        public int Unavailable => _unavailable;

        public Task RunAsync(int workers) => Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkAsync(w))));

        public async Task StopAsync() => await _stop.CancelAsync();

        public async Task WaitForAcceptedAsync(int count, TimeSpan deadline)
        {
            var until = Stopwatch.GetTimestamp() + (long)(deadline.TotalSeconds * Stopwatch.Frequency);
            while (_accepted.Count < count)
            {
                if (!_failures.IsEmpty) throw new InvalidOperationException($"a live node failed a commit: {_failures.First()}");
                if (Stopwatch.GetTimestamp() > until) throw new TimeoutException($"the load did not get to {count} orders in {deadline.TotalSeconds} s ({_accepted.Count})");
                await Task.Delay(100);
            }
        }

        private async Task WorkAsync(int worker)
        {
            var random = new Random(worker);
            while (!_stop.IsCancellationRequested)
            {
                var nodes = live.Keys.ToArray();
                var node = nodes[Interlocked.Increment(ref _next) % nodes.Length];
                var pool = pools[random.Next(pools.Length)];
                var order = random.Next(2) == 0 ? Traders.Ask(pool, random) : Traders.Bid(pool, random);
                await PlaceAsync(node, order, Guid.NewGuid().ToString("N"));
            }
        }

        /// <summary>Sends the order to the node until it is answered for good; what a live node must not answer goes to <see cref="Failures"/>.</summary>
        private async Task PlaceAsync(Node node, Traders.Order order, string key)
        {
            var since = Stopwatch.GetTimestamp();
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    using var response = await SendAsync(node, order, key);
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        var placed = await response.Content.ReadFromJsonAsync<JsonObject>();
                        _accepted.Enqueue(new Placed((string)placed!["order"]!["id"]!, order.Gpus, node));
                        return;
                    }
                    if (response.StatusCode == HttpStatusCode.UnprocessableEntity) return;
                    if (response.StatusCode != HttpStatusCode.ServiceUnavailable || response.Headers.RetryAfter is null)
                    {
                        _failures.Enqueue($"{order.Path} on {node.Url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                        return;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    _failures.Enqueue($"{order.Path} on {node.Url}: {e.GetType().Name} {e.Message}");
                    return;
                }
                if (attempt == 1) Interlocked.Increment(ref _unavailable);
                if (Stopwatch.GetElapsedTime(since) > s_landWithin)
                {
                    _failures.Enqueue($"{order.Path} under key {key} on {node.Url}: still 503 after {s_landWithin.TotalSeconds} s");
                    return;
                }
                // The node said when to retry (Retry-After: 1); a little sooner keeps the test short and is still a retry.
                await Task.Delay(250);
            }
        }

        private async Task<HttpResponseMessage> SendAsync(Node node, Traders.Order order, string key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, order.Path) { Content = new StringContent(order.Body, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[order.Organization]);
            request.Headers.Add("Idempotency-Key", key);
            return await node.Http.SendAsync(request);
        }
    }

    /// <summary>Asks every live node's <c>/healthz</c> four times a second, and keeps what did not answer 200.</summary>
    private sealed class HealthWatch : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentQueue<string> _failures = new();
        private readonly Task _watching;
        private int _checks;

        public HealthWatch(ConcurrentDictionary<Node, bool> live) => _watching = Task.Run(() => WatchAsync(live));

        public IReadOnlyCollection<string> Failures => _failures;

        public int Checks => _checks;

        public void Stop()
        {
            _stop.Cancel();
            _watching.Wait();
        }

        private async Task WatchAsync(ConcurrentDictionary<Node, bool> live)
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
            while (!_stop.IsCancellationRequested)
            {
                foreach (var node in live.Keys)
                {
                    try
                    {
                        using var response = await node.Http.GetAsync("healthz");
                        if (response.StatusCode != HttpStatusCode.OK) _failures.Enqueue($"{node.Url}/healthz: {(int)response.StatusCode}");
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        _failures.Enqueue($"{node.Url}/healthz: {e.GetType().Name} {e.Message} (exited: {node.Server.HasExited})");
                    }
                    Interlocked.Increment(ref _checks);
                }
                try
                {
                    await timer.WaitForNextTickAsync(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        public void Dispose()
        {
            if (!_stop.IsCancellationRequested) Stop();
            _stop.Dispose();
        }
    }
}
