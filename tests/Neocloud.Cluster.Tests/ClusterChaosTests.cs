using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Neocloud.Testing;
using Xunit.Abstractions;

namespace Neocloud.Cluster.Tests;

/// <summary>
/// Three real <c>neocloud serve --cluster</c> processes on 127.0.0.1 sharing one real PostgreSQL. Clients trade
/// through every node, retrying a 503 or a dropped connection on the next node with the same Idempotency-Key. The
/// node hosting a busy shard is killed with SIGKILL; another is frozen with SIGSTOP until the cluster declares it
/// dead, then thawed. Afterwards: every acknowledged order is there once, no pool hour is sold or offered past its
/// capacity, every node shows the same trades, and a restart of the whole cluster rebuilds the same state.
/// </summary>
public sealed class ClusterChaosTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(90);

    private readonly ClusterNodes _cluster = new("chaos");
    private string _database => _cluster.Database;
    private List<Node> _nodes => _cluster.Nodes;

    [Fact]
    public async Task Three_nodes_trade_through_a_kill_and_a_pause_and_lose_nothing()
    {
        // The first node finds the database empty: it creates it, seeds the market and prints the admin token.
        var first = await StartNodeAsync();
        var admin = first.Server.AdminToken ?? throw new InvalidOperationException("the first node printed no admin token");
        await Task.WhenAll(StartNodeAsync(), StartNodeAsync());
        await WaitForAsync("three active nodes", async () => (await ClusterAsync(first, admin))["nodes"]!.AsArray().Count(n => (string?)n!["status"] == "active") == 3);

        var tokens = new Dictionary<string, string>
        {
            ["crusoe"] = await TokenAsync(first, admin, "crusoe"),
            ["coreweave"] = await TokenAsync(first, admin, "coreweave"),
            ["microsoft"] = await TokenAsync(first, admin, "microsoft"),
        };
        var pools = new[]
        {
            await PoolAsync(first, tokens["microsoft"], "crusoe-us-tx-gb200", "crusoe"),
            await PoolAsync(first, tokens["microsoft"], "coreweave-us-nj-h100", "coreweave"),
        };

        var seeded = await OrderIdsAsync(first, tokens);
        var traders = new Traders(_nodes, tokens, pools);
        var trading = traders.RunAsync(workers: 4);

        await traders.WaitForAcceptedAsync(40, s_deadline);
        // Kill -9 the node hosting the GB200 shard (rack-blackwell), while the clients keep trading.
        var hosting = await HostOfAsync("rack-blackwell", admin);
        var acceptedAtKill = traders.Accepted.Count;
        var journalAtKill = (long)(await ClusterAsync(hosting, admin))["shards"]!.AsArray().First(s => (string?)s!["group"] == "rack-blackwell")!["sequence"]!;
        var killedAt = Stopwatch.GetTimestamp();
        hosting.Server.Kill();
        await traders.WaitForAsync(a => a.Sku == "GB200" && a.SentAt > killedAt, s_deadline);
        var failover = Stopwatch.GetElapsedTime(killedAt, traders.Accepted.Where(a => a.Sku == "GB200" && a.SentAt > killedAt).Min(a => a.At));
        output.WriteLine($"kill -9 of the node hosting rack-blackwell (journal at {journalAtKill}): first GB200 command sent after the kill and accepted, answered after {failover.TotalSeconds:0.00} s");

        // A supervisor restarts the killed node; it rejoins as a new silo.
        lock (_nodes) _nodes.Remove(hosting);
        await StartNodeAsync(hosting.Folder);
        await traders.WaitForAcceptedAsync(acceptedAtKill + 40, s_deadline);

        // Freeze another node past its membership timeout, keep trading, then thaw it: its stale activations must not write.
        var frozen = await HostOfAsync("hopper", admin);
        var watcher = _nodes.First(n => n != frozen);
        var epochsBefore = await EpochsAsync(watcher, admin);
        frozen.Server.Pause();
        var pausedAt = Stopwatch.GetTimestamp();
        try
        {
            try
            {
                await WaitForAsync("the frozen node declared dead", async () =>
                    (await ClusterAsync(watcher, admin))["nodes"]!.AsArray().Any(n => (string?)n!["url"] == frozen.Url && (string?)n["status"] == "dead"));
            }
            catch (TimeoutException)
            {
                output.WriteLine($"frozen: {frozen.Url}\n{_cluster.MembershipLog()}");
                throw;
            }
            output.WriteLine($"the frozen node was declared dead after {Stopwatch.GetElapsedTime(pausedAt).TotalSeconds:0.0} s");
            await traders.WaitForAsync(a => a.Sku == "H100" && a.SentAt > pausedAt, s_deadline);
        }
        finally
        {
            frozen.Server.Resume();
        }
        // Straight after the thaw, send it commands for the shard it hosted: they must not land through its old activation.
        var thawed = await traders.SendDirectAsync(frozen, "coreweave", 5);
        output.WriteLine($"after SIGCONT the frozen node answered: {string.Join(", ", thawed)}; " +
            $"fenced in its log: {frozen.Server.Output.Any(l => l.Contains("was fenced", StringComparison.Ordinal))}");
        var epochsAfter = await EpochsAsync(watcher, admin);
        Assert.True(epochsAfter["hopper"] > epochsBefore["hopper"], "the hopper shard moved to a new epoch while its node was frozen");

        await traders.WaitForAcceptedAsync(traders.Accepted.Count + 20, s_deadline);
        await traders.StopAsync();
        await trading;
        output.WriteLine($"{traders.Accepted.Count} orders acknowledged, {traders.Retries} retries");

        // The thawed node learns it was declared dead and ends its own process (DESIGN.md), at a moment of its choosing:
        // the checks ask the nodes that stay.
        var live = _nodes.Where(n => n != frozen && !n.Server.HasExited).ToList();
        await AssertConsistentAsync(live, tokens, traders, pools, seeded);
        var before = await StateAsync(live[0], tokens);

        // Restart the whole cluster: the state is rebuilt from the shards' snapshots and journals.
        foreach (var node in _nodes.Where(n => !n.Server.HasExited)) node.Server.Kill();
        var folders = _nodes.Select(n => n.Folder).ToList();
        _nodes.Clear();
        await Task.WhenAll(StartNodeAsync(folders[0]), StartNodeAsync(folders[1]));
        var after = await StateAsync(_nodes[0], tokens);
        Assert.Equal(before, after);
        await AssertConsistentAsync(_nodes, tokens, traders, pools, seeded);
        await AssertLongPollWakesAcrossNodesAsync(_nodes[0], _nodes[1], tokens["microsoft"], pools.First(p => p.Sku == "H100"));
    }

    public void Dispose() => _cluster.Dispose();

    private Task<Node> StartNodeAsync(TempDirectory? folder = null) => _cluster.StartNodeAsync(folder);

    private async Task<Node> HostOfAsync(string group, string admin)
    {
        Node? host = null;
        await WaitForAsync($"a live node hosting {group}", async () =>
        {
            var cluster = await ClusterAsync(_nodes.First(n => !n.Server.HasExited), admin);
            var silo = (string?)cluster["shards"]!.AsArray().First(s => (string?)s!["group"] == group)!["node"];
            var url = (string?)cluster["nodes"]!.AsArray().FirstOrDefault(n => (string?)n!["id"] == silo)?["url"];
            host = _nodes.FirstOrDefault(n => n.Url == url && !n.Server.HasExited);
            return host is not null;
        });
        return host!;
    }

    private static async Task<Dictionary<string, long>> EpochsAsync(Node node, string admin) =>
        (await ClusterAsync(node, admin))["shards"]!.AsArray().ToDictionary(s => (string)s!["group"]!, s => (long)s!["epoch"]!);

    internal static async Task<JsonObject> ClusterAsync(Node node, string admin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/cluster");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        using var response = await node.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    internal static async Task<string> TokenAsync(Node node, string admin, string organization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/admin/organizations/{organization}/tokens")
        {
            Content = JsonContent.Create(new { label = "chaos", scopes = new[] { "market:read", "market:trade" } }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        using var response = await node.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["token"]!;
    }

    internal static async Task<Pool> PoolAsync(Node node, string token, string id, string seller)
    {
        var pool = await GetAsync(node, token, $"api/v1/pools/{id}");
        var step = pool["capacity"]!.AsArray()[0]!;
        return new Pool(id, seller, (string)pool["sku"]!, (long)step["start"]!, (long)step["end"]!);
    }

    internal static async Task<JsonObject> GetAsync(Node node, string token, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await node.Http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"GET {path} on {node.Url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>Every page of a list.</summary>
    internal static async Task<List<JsonNode>> AllAsync(Node node, string token, string path)
    {
        var items = new List<JsonNode>();
        string? after = null;
        do
        {
            var page = await GetAsync(node, token, $"{path}?limit=500{(after is null ? "" : "&after=" + Uri.EscapeDataString(after))}");
            items.AddRange(page["items"]!.AsArray().Select(i => i!.DeepClone()));
            after = (string?)page["next"];
        }
        while (after is not null);
        return items;
    }

    /// <summary>Orders and trades of every party, the books and the pools' usage, as text to compare.</summary>
    private static async Task<string> StateAsync(Node node, Dictionary<string, string> tokens)
    {
        var state = new JsonObject();
        foreach (var (organization, token) in tokens.OrderBy(t => t.Key))
        {
            state[organization + ".orders"] = new JsonArray([.. (await AllAsync(node, token, "api/v1/orders")).OrderBy(o => (string)o["id"]!)]);
            state[organization + ".trades"] = new JsonArray([.. (await AllAsync(node, token, "api/v1/trades")).OrderBy(t => (long)t["id"]!)]);
        }
        foreach (var sku in new[] { "GB200", "H100" })
            state[sku + ".book"] = await GetAsync(node, tokens["microsoft"], $"api/v1/market/{sku}/book");
        return state.ToJsonString();
    }

    private static async Task<HashSet<string>> OrderIdsAsync(Node node, Dictionary<string, string> tokens)
    {
        var ids = new HashSet<string>();
        foreach (var token in tokens.Values)
        {
            foreach (var order in await AllAsync(node, token, "api/v1/orders")) ids.Add((string)order["id"]!);
        }
        return ids;
    }

    private async Task AssertConsistentAsync(List<Node> live, Dictionary<string, string> tokens, Traders traders, Pool[] pools, HashSet<string> seeded)
    {
        // Every acknowledged order is there, once: each Idempotency-Key landed one order whatever the retries.
        var node = live[0];
        var orders = new Dictionary<string, JsonNode>();
        foreach (var token in tokens.Values)
        {
            foreach (var order in await AllAsync(node, token, "api/v1/orders"))
            {
                if (!seeded.Contains((string)order["id"]!)) orders[(string)order["id"]!] = order;
            }
        }
        foreach (var accepted in traders.Accepted)
        {
            Assert.True(orders.TryGetValue(accepted.OrderId, out var order), $"acknowledged order {accepted.OrderId} is missing");
            Assert.Equal(accepted.Gpus, (long)order!["gpus"]!);
        }
        Assert.Equal(traders.Accepted.Count, orders.Count);
        Assert.Equal(traders.Accepted.Count, traders.Accepted.Select(a => a.OrderId).Distinct().Count());

        // Two activations never both wrote: each shard's journal runs 1, 2, 3, … with epochs that never go back.
        await using (var database = new Npgsql.NpgsqlConnection(_database))
        {
            await database.OpenAsync();
            await using var read = new Npgsql.NpgsqlCommand("SELECT shard, sequence, epoch FROM shard_journal ORDER BY shard, sequence", database);
            await using var rows = await read.ExecuteReaderAsync();
            var last = new Dictionary<string, (long Sequence, long Epoch)>();
            while (await rows.ReadAsync())
            {
                var (shard, sequence, epoch) = (rows.GetString(0), rows.GetInt64(1), rows.GetInt64(2));
                var (previous, previousEpoch) = last.GetValueOrDefault(shard, (0, 0));
                Assert.Equal(previous + 1, sequence);
                Assert.True(epoch >= previousEpoch, $"{shard} sequence {sequence} was written at epoch {epoch} after epoch {previousEpoch}");
                last[shard] = (sequence, epoch);
            }
            Assert.True(last["rack-blackwell"].Epoch > 1, "the killed node's shard was written by a later activation");
        }

        // Every commit wrote its events: each organization's numbered 1..n without a gap (two shards on two nodes took
        // turns on its counter), every order heard of by its owner, both parties told of every trade.
        await using (var database = new Npgsql.NpgsqlConnection(_database))
        {
            await database.OpenAsync();
            async Task<long> Count(string sql)
            {
                await using var command = new Npgsql.NpgsqlCommand(sql, database);
                return (long)(await command.ExecuteScalarAsync())!;
            }
            Assert.Equal(0, await Count("SELECT COUNT(*) FROM (SELECT organization_id FROM events GROUP BY organization_id HAVING MAX(seq) <> COUNT(*) OR MIN(seq) <> 1) AS gaps"));
            Assert.Equal(0, await Count("SELECT COUNT(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.organization_id = o.organization_id AND e.data LIKE '%' || o.id || '%')"));
            Assert.Equal(2 * await Count("SELECT COUNT(*) FROM trades"), await Count("SELECT COUNT(*) FROM events WHERE type = 'trade.executed'"));
        }
        var feeds = new List<string>();
        foreach (var each in live)
        {
            var page = await GetAsync(each, tokens["microsoft"], "api/v1/events?limit=1000");
            feeds.Add(page["events"]!.ToJsonString());
        }
        Assert.All(feeds, f => Assert.Equal(feeds[0], f));

        // No pool hour sold or offered past its capacity.
        foreach (var pool in pools)
        {
            var detail = await GetAsync(node, tokens["microsoft"], $"api/v1/pools/{pool.Id}?from={pool.Start}&to={pool.End}");
            foreach (var step in detail["usage"]!.AsArray())
                Assert.True((int)step!["sold"]! + (int)step["offered"]! <= (int)step["capacity"]!, $"{pool.Id} over capacity: {step.ToJsonString()}");
        }

        // The same trades on every node's API.
        var trades = new List<string>();
        foreach (var each in live)
            trades.Add(string.Join("\n", (await AllAsync(each, tokens["microsoft"], "api/v1/trades")).Select(t => t.ToJsonString()).Order()));
        Assert.All(trades, t => Assert.Equal(trades[0], t));
        Assert.NotEqual("", trades[0]);
        output.WriteLine($"{orders.Count} orders and {trades[0].Split('\n').Length} trades of microsoft's, the same on {live.Count} nodes");
    }

    /// <summary>A long-poll on one node answers when another node's shard commits the organization's next event (PostgreSQL NOTIFY).</summary>
    private static async Task AssertLongPollWakesAcrossNodesAsync(Node reader, Node writer, string token, Pool pool)
    {
        long after = 0;
        while (await GetAsync(reader, token, $"api/v1/events?after={after}&limit=1000") is var page && page["events"]!.AsArray().Count > 0)
            after = (long)page["last"]!;
        // Shorter than the client's 15 s timeout: a wake-up that never comes fails on the empty page, not on the timeout.
        var waiting = GetAsync(reader, token, $"api/v1/events?after={after}&wait=10");
        using var bid = new HttpRequestMessage(HttpMethod.Post, "api/v1/orders/bids")
        {
            Content = JsonContent.Create(new { sku = pool.Sku, gpus = 1, start = pool.Start, end = pool.Start + 1, limit = "0.0101" }),
        };
        bid.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var placed = await writer.Http.SendAsync(bid);
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var events = (await waiting)["events"]!.AsArray();
        Assert.Equal(after + 1, (long)events[0]!["seq"]!);
        Assert.Equal("order.rested", (string?)events[0]!["type"]);
    }

    internal static async Task WaitForAsync(string what, Func<Task<bool>> condition)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(s_deadline.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            try
            {
                if (await condition()) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
            {
                // A node between lives: ask again.
            }
            if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException($"waited {s_deadline.TotalSeconds} s for {what}");
            await Task.Delay(200);
        }
    }

    internal sealed record Pool(string Id, string Seller, string Sku, long Start, long End);

    /// <summary>An acknowledged order: when the attempt that landed it was sent, and when its answer came.</summary>
    internal sealed record Acceptance(string OrderId, string Sku, long Gpus, long SentAt, long At);

    /// <summary>Clients placing asks and bids through every node, each under its own Idempotency-Key, retried until answered.</summary>
    internal sealed class Traders(List<Node> nodes, Dictionary<string, string> tokens, Pool[] pools)
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentQueue<Acceptance> _accepted = new();
        private int _retries;
        private int _next;

        public IReadOnlyCollection<Acceptance> Accepted => _accepted;

        public int Retries => _retries;

        public Task RunAsync(int workers) => Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkAsync(w))));

        public async Task StopAsync() => await _stop.CancelAsync();

        public Task WaitForAcceptedAsync(int count, TimeSpan deadline) => UntilAsync(() => _accepted.Count >= count, deadline);

        public Task WaitForAsync(Func<Acceptance, bool> what, TimeSpan deadline) => UntilAsync(() => _accepted.Any(what), deadline);

        /// <summary>Sends bids straight to one node, once each (no retry elsewhere): what that node answers.</summary>
        public async Task<List<string>> SendDirectAsync(Node node, string seller, int count)
        {
            var pool = pools.First(p => p.Seller == seller);
            var answers = new List<string>();
            for (var i = 0; i < count; i++)
            {
                var order = Bid(pool, new Random(i));
                try
                {
                    var sent = Stopwatch.GetTimestamp();
                    using var response = await SendAsync(node, order, Guid.NewGuid().ToString("N"));
                    answers.Add(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    if (response.StatusCode == HttpStatusCode.Created) Record(order, sent, await response.Content.ReadFromJsonAsync<JsonObject>());
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    answers.Add(e.GetType().Name);
                }
            }
            return answers;
        }

        private async Task UntilAsync(Func<bool> condition, TimeSpan deadline)
        {
            var until = Stopwatch.GetTimestamp() + (long)(deadline.TotalSeconds * Stopwatch.Frequency);
            while (!condition())
            {
                if (Stopwatch.GetTimestamp() > until) throw new TimeoutException($"the traders did not get there in {deadline.TotalSeconds} s ({_accepted.Count} accepted)");
                await Task.Delay(100);
            }
        }

        private async Task WorkAsync(int worker)
        {
            var random = new Random(worker);
            while (!_stop.IsCancellationRequested)
            {
                var pool = pools[random.Next(pools.Length)];
                var order = random.Next(2) == 0 ? Ask(pool, random) : Bid(pool, random);
                var key = Guid.NewGuid().ToString("N");
                // Until the order is answered for sure: a 503 or a dropped connection is retried on the next node, same key.
                for (var attempt = 0; !_stop.IsCancellationRequested || attempt > 0; attempt++)
                {
                    Node node;
                    lock (nodes) node = nodes.Where(n => !n.Server.HasExited).ElementAt(Interlocked.Increment(ref _next) % nodes.Count(n => !n.Server.HasExited));
                    try
                    {
                        var sent = Stopwatch.GetTimestamp();
                        using var response = await SendAsync(node, order, key);
                        if (response.StatusCode == HttpStatusCode.Created)
                        {
                            Record(order, sent, await response.Content.ReadFromJsonAsync<JsonObject>());
                            break;
                        }
                        if (response.StatusCode == HttpStatusCode.UnprocessableEntity) break;
                        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable,
                            $"{order.Path} on {node.Url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                        Assert.True(response.Headers.RetryAfter is not null, "a 503 says when to retry");
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        // The node died or froze under the request: the same key elsewhere.
                    }
                    Interlocked.Increment(ref _retries);
                    if (attempt > 200) throw new TimeoutException($"{order.Path} under key {key} was never answered");
                    await Task.Delay(100);
                }
            }
        }

        private void Record(Order order, long sentAt, JsonObject? placed)
        {
            var id = (string)placed!["order"]!["id"]!;
            _accepted.Enqueue(new Acceptance(id, order.Sku, order.Gpus, sentAt, Stopwatch.GetTimestamp()));
        }

        private async Task<HttpResponseMessage> SendAsync(Node node, Order order, string key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, order.Path) { Content = new StringContent(order.Body, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[order.Organization]);
            request.Headers.Add("Idempotency-Key", key);
            return await node.Http.SendAsync(request);
        }

        internal static Order Ask(Pool pool, Random random)
        {
            var (start, gpus) = Window(pool, random);
            var price = 2.00m + random.Next(200) / 100m;
            return new Order(pool.Seller, "api/v1/orders/asks", pool.Sku, gpus, JsonSerializer.Serialize(new
            {
                pool = pool.Id, gpus, start, end = start + 24, price = price.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture),
            }));
        }

        internal static Order Bid(Pool pool, Random random)
        {
            var (start, gpus) = Window(pool, random);
            var limit = 2.00m + random.Next(200) / 100m;
            return new Order("microsoft", "api/v1/orders/bids", pool.Sku, gpus, JsonSerializer.Serialize(new
            {
                sku = pool.Sku, gpus, start, end = start + 24, limit = limit.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture),
            }));
        }

        // A few windows only, so bids meet asks and asks compete for the same hours.
        private static (long Start, int Gpus) Window(Pool pool, Random random) => (pool.Start + 24 * random.Next(4), 8 * (1 + random.Next(16)));

        internal sealed record Order(string Organization, string Path, string Sku, long Gpus, string Body);
    }
}
