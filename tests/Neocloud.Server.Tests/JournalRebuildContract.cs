using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Events;
using Neocloud.Exchange.Shard;
using Neocloud.Server.Hosting;
using Neocloud.Storage;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>
/// <c>neocloud journal rebuild</c> end to end: a server runs the demo traders while RFQs are opened, offered on,
/// awarded and withdrawn, tranches delivered (one late), an SLA reported, an assignment proposed and accepted by both,
/// a contract terminated, an order refused and an index uploaded, and the clock crosses several month ends; the store is
/// rebuilt from its journal with the real binary, and a server on the rebuilt store answers every GET endpoint of the
/// API (taken from openapi.json, so none is forgotten) for every organization byte for byte as the original does, at
/// the same frozen time. What is inherently not compared is named in <see cref="s_notCompared"/>, each with its reason.
/// </summary>
public abstract class JournalRebuildContract
{
    /// <summary>GET endpoints not compared, and why.</summary>
    private static readonly Dictionary<string, string> s_notCompared = new()
    {
        ["/api/v1/cluster"] = "describes the running nodes, not the store",
        ["/api/v1/events/stream"] = "a server-sent stream of the rows /api/v1/events pages, which is compared",
        ["/api/v1/webhooks/{id}/deliveries"] = "delivery attempts are use, not ledger: carried over from the source, not rebuilt from the journal",
    };

    private readonly FrozenClock _clock = new(DateTimeOffset.UtcNow);

    /// <summary>Chooses the store.</summary>
    protected abstract ServerOptions Configure(ServerOptions options);

    /// <summary>The arguments of <c>journal rebuild</c> from the original's store to a new one; returns the rebuilt server's options.</summary>
    protected abstract (string[] Arguments, Func<ServerOptions, ServerOptions> Rebuilt) RebuildArguments(TestServer original, TempDirectory rebuilt);

    private CalendarMonth Now => CalendarMonth.Of(_clock.GetUtcNow());

    private ServerOptions Options(ServerOptions options) => Configure(options) with
    {
        Clock = _clock, Demo = true, EventSweepInterval = TimeSpan.FromMilliseconds(200),
        // The clock stands still while the comparison runs: buckets that refill with time would not.
        RateLimitBurst = 1_000_000, RateLimitPerSecond = 1_000_000, AddressRateLimitBurst = 1_000_000, AddressRateLimitPerSecond = 1_000_000,
    };

    [Fact]
    public async Task A_store_rebuilt_from_its_journal_answers_every_get_endpoint_byte_for_byte_as_the_original()
    {
        var original = await TestServer.StartAsync(Options);
        var rebuiltData = new TempDirectory("neocloud-rebuilt-");
        TestServer? again = null, rebuilt = null;
        try
        {
            var tokens = await RunTheExchangeAsync(original);
            await original.StopAsync();

            var (arguments, rebuiltOptions) = RebuildArguments(original, rebuiltData);
            var rebuild = await ServerProcess.RunToEndAsync(["journal", "rebuild", .. arguments]);
            Assert.True(rebuild.ExitCode == 0, rebuild.Output + rebuild.Error);
            Assert.Matches(@"^rebuilt 1 journal\(s\), \d+ lines, \d+ rows into .+; verified", rebuild.Output.Trim());

            // The demo traders stay off: both servers must stand still while they are compared.
            again = await original.StartAgainAsync(options => options with { Demo = false });
            rebuilt = await TestServer.StartOnAsync(rebuiltOptions(again.Options), rebuiltData, original.AdminToken);

            var compared = await CompareAsync(again, rebuilt, tokens);

            var spec = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "src", "Neocloud.Client", "openapi.json")));
            var gets = spec.RootElement.GetProperty("paths").EnumerateObject().Where(p => p.Value.TryGetProperty("get", out _)).Select(p => p.Name).ToList();
            var neverAnswered = gets.Where(path => !s_notCompared.ContainsKey(path) && !compared.Contains(path)).ToList();
            Assert.True(neverAnswered.Count == 0, $"never answered 200, so not compared: {string.Join(", ", neverAnswered)}");
        }
        finally
        {
            if (rebuilt is not null) await rebuilt.DisposeAsync();
            else rebuiltData.Dispose();
            await (again ?? original).DisposeAsync();
        }
    }

    /// <summary>The exchange's life before the rebuild; returns a token of every organization (and the admin's).</summary>
    private async Task<Dictionary<string, string>> RunTheExchangeAsync(TestServer server)
    {
        var store = server.Services.GetRequiredService<ExchangeStore>();
        using var iren = server.Client(await server.NewOrganizationAsync("iren", Scopes.MarketRead, Scopes.MarketTrade, Scopes.PoolsWrite));
        using var crusoe = server.Client(await server.NewOrganizationAsync("crusoe", Scopes.MarketRead, Scopes.MarketTrade, Scopes.PoolsWrite));
        using var microsoft = server.Client(await server.NewOrganizationAsync("microsoft", Scopes.MarketRead, Scopes.MarketTrade));
        using var openai = server.Client(await server.NewOrganizationAsync("openai", Scopes.MarketRead, Scopes.MarketTrade));
        using var lab = server.Client(await server.NewOrganizationAsync("lab", Scopes.MarketRead, Scopes.MarketTrade));
        using var admin = server.Client(await server.NewOrganizationAsync("ops", Scopes.Admin, Scopes.MarketRead));
        // The awards below are not about credit: the demo limits its buyers (and marks their contracts to a curve its own
        // trades move), so Microsoft and OpenAI get limits no margin of the demo's reaches.
        foreach (var buyer in new[] { "microsoft", "openai" })
            (await admin.PutAsJsonAsync($"/api/v1/admin/organizations/{buyer}/credit", new { limitUsd = "1000000000000.00" })).EnsureSuccessStatusCode();
        var from = Now.AddMonths(-6);
        foreach (var (client, pool, site) in new[] { (iren, "iren-rebuild", "iren-childress"), (crusoe, "crusoe-rebuild", null) })
        {
            await Market.Created(await client.PostAsJsonAsync("/api/v1/pools", new
            {
                id = pool, site, sku = "GB300", region = "us-tx",
                capacity = new[] { new { start = from.FirstHour.Value, end = from.AddMonths(60).FirstHour.Value, gpus = 2000 } },
            }));
        }

        // An RFQ with two offers: IREN's awarded, Crusoe's not; tranche 1 delivered on time, tranche 2 a month late.
        var rfq = await RfqAsync(microsoft, Now.AddMonths(-3));
        var offer = await OfferAsync(iren, rfq, "iren-rebuild", (300, Now.AddMonths(-3)), (200, Now.AddMonths(-2)));
        await OfferAsync(crusoe, rfq, "crusoe-rebuild", (500, Now.AddMonths(-1)));
        var withdrawn = await RfqAsync(microsoft, Now);
        (await microsoft.DeleteAsync($"/api/v1/rfqs/{withdrawn}")).EnsureSuccessStatusCode();
        // OpenAI's contract, whose only tranche is never delivered: late past its grace, it is terminated.
        var late = await RfqAsync(openai, Now.AddMonths(-5));
        var lateOffer = await OfferAsync(iren, late, "iren-rebuild", (100, Now.AddMonths(-5)));
        _clock.Advance(TimeSpan.FromMinutes(6));
        var contract = (await Market.Created(await microsoft.PostAsJsonAsync($"/api/v1/rfqs/{rfq}/award", new { awards = new[] { new { offer } } })))[0]
            .GetProperty("id").GetString()!;
        var terminated = (await Market.Created(await openai.PostAsJsonAsync($"/api/v1/rfqs/{late}/award", new { awards = new[] { new { offer = lateOffer } } })))[0]
            .GetProperty("id").GetString()!;
        await Market.Created(await iren.PostAsJsonAsync($"/api/v1/offtakes/{contract}/deliveries", new { tranche = 1, month = Now.AddMonths(-3).ToString() }));
        await Market.Created(await iren.PostAsJsonAsync($"/api/v1/offtakes/{contract}/deliveries", new { tranche = 2, month = Now.AddMonths(-1).ToString() }));
        await Market.Created(await iren.PostAsJsonAsync($"/api/v1/offtakes/{contract}/sla", new { month = Now.AddMonths(-3).ToString(), availabilityPercent = 98.5 }));
        (await openai.PostAsync($"/api/v1/offtakes/{terminated}/terminate", null)).EnsureSuccessStatusCode();

        // An assignment of tranche 1 to the lab, accepted by the seller and then the assignee.
        var assignment = (await Market.Created(await microsoft.PostAsJsonAsync($"/api/v1/offtakes/{contract}/assignments",
            new { to = "lab", tranches = new[] { 1 }, fromMonth = Now.AddMonths(1).ToString() }))).GetProperty("id").GetString()!;
        (await iren.PostAsync($"/api/v1/offtakes/{contract}/assignments/{assignment}/accept", null)).EnsureSuccessStatusCode();
        (await lab.PostAsync($"/api/v1/offtakes/{contract}/assignments/{assignment}/accept", null)).EnsureSuccessStatusCode();

        // A refused ask (its order.rejected event is the organization's), an index upload.
        await (await iren.PostAsJsonAsync("/api/v1/orders/asks", new
        {
            pool = "iren-rebuild", gpus = 5000, start = Now.AddMonths(1).FirstHour.Value, end = Now.AddMonths(2).FirstHour.Value, price = "3.0000",
        })).ProblemAsync(HttpStatusCode.UnprocessableEntity);
        (await admin.PostAsJsonAsync("/api/v1/indices/cpi-rebuild", new { values = new[] { new { month = Now.AddMonths(-2).ToString(), value = 100 } } }))
            .EnsureSuccessStatusCode();

        // A portfolio bought from IREN's ask, and a standing procurement that buys its blocks and is stopped.
        var hour = Hour.FromUtc(_clock.GetUtcNow()).Value;
        await Market.Created(await iren.PostAsJsonAsync("/api/v1/orders/asks", new { pool = "iren-rebuild", gpus = 200, start = hour - 24, end = hour + 5000, price = "2.4500" }));
        await Market.Created(await microsoft.PostJsonAsync("/api/v1/orders/portfolios", $$"""
            {"legs":[{"sku":"GB300","limit":"3.1000","region":"us-tx","gpus":8,"start":{{hour + 48}},"end":{{hour + 72}}},
                     {"sku":"GB300","limit":"3.1000","pool":"iren-rebuild","gpus":8,"start":{{hour + 96}},"end":{{hour + 120}}}]}
            """));
        var procurement = (await Market.Created(await openai.PostJsonAsync("/api/v1/procurements",
            """{"sku":"GB300","gpus":8,"horizonHours":336,"blockHours":168,"maxPrice":"3.10"}"""))).GetProperty("id").GetString()!;
        await Eventually.UntilAsync(async () => (await (await openai.GetAsync($"/api/v1/procurements/{procurement}")).JsonAsync()).GetProperty("covered").GetBoolean(),
            covered => covered, "the procurement's blocks bought");
        (await openai.DeleteAsync($"/api/v1/procurements/{procurement}")).EnsureSuccessStatusCode();

        // Four eyes: Microsoft's threshold; a bid held and approved by a person (the command runs), one rejected, one left pending.
        using var microsoftAdmin = server.Client(await server.NewOrganizationAsync("microsoft", Scopes.Admin, Scopes.MarketRead, Scopes.MarketTrade));
        (await microsoftAdmin.PutAsJsonAsync("/api/v1/organization/approvals", new { thresholdUsd = "1000.00" })).EnsureSuccessStatusCode();
        var held = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await microsoftAdmin.PostAsJsonAsync("/api/v1/orders/bids", new { sku = "GB300", gpus = 8, start = hour + 200 + i, end = hour + 300, limit = "2.9000" });
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            held.Add((await response.JsonAsync()).GetProperty("approval").GetString()!);
        }
        var approvals = server.Services.GetRequiredService<Neocloud.Exchange.Approvals.ApprovalDesk>();
        var checker = new JournalActor(JournalActor.PersonKind, "sub-checker", "Checker of microsoft");
        // Run as of the approval: it buys, or (the demo's buyers trade against limits) is refused for credit; either is journaled.
        var approved = await approvals.ApproveAsync("microsoft", checker, held[0]);
        var ran = (await approvals.GetAsync("microsoft", held[0])).Value!;
        Assert.True(ran.Status is "executed" or "failed", $"{ran.Status}: {approved.Failure}");
        var rejected = await approvals.RejectAsync("microsoft", checker, held[1]);
        Assert.True(rejected.IsAccepted, rejected.Failure?.ToString());

        // The demo traders trade for a while, then through several month ends, each month's invoices falling due.
        await GrownAsync(store, 60);
        for (var month = 0; month < 3; month++)
        {
            _clock.Advance(TimeSpan.FromDays(31));
            await GrownAsync(store, 20);
        }
        await Eventually.UntilAsync(async () => (await (await microsoft.GetAsync("/api/v1/events?types=invoice.issued&limit=1000")).JsonAsync())
            .GetProperty("events").GetArrayLength(), count => count > 0, "the month ends' invoices");
        // Every tick due at this (frozen) time journaled: a sweep of our own finds nothing left, so neither server journals one later.
        var sweep = new TimedEvents(store, server.Services.GetRequiredService<IMarket>(), _clock);
        await Eventually.UntilAsync(async () =>
        {
            var before = await store.ClockTicksAsync();
            await sweep.SweepAsync(CancellationToken.None);
            var after = await store.ClockTicksAsync();
            return (before.ClosedRfqs.Count, before.ClosedMonths.Count, before.Issued.Count) == (after.ClosedRfqs.Count, after.ClosedMonths.Count, after.Issued.Count);
        }, quiet => quiet, "every tick due journaled");

        // A token of every organization, to read what each of them sees.
        using var root = server.Admin();
        var tokens = new Dictionary<string, string> { ["admin"] = server.AdminToken };
        var organizations = (await (await root.GetAsync("/api/v1/admin/organizations?limit=1000")).JsonAsync()).GetProperty("items").EnumerateArray()
            .Select(o => o.GetProperty("id").GetString()!).Where(id => id != Bootstrap.AdminOrganization);
        foreach (var organization in organizations)
        {
            var scopes = organization == "ops" ? new[] { Scopes.Admin, Scopes.MarketRead } : new[] { Scopes.MarketRead, Scopes.MarketTrade, Scopes.PoolsWrite };
            tokens[organization] = await server.NewOrganizationAsync(organization, scopes);
        }
        return tokens;
    }

    private static async Task GrownAsync(ExchangeStore store, long lines)
    {
        var start = await store.LastSequenceAsync();
        await Eventually.UntilAsync(() => store.LastSequenceAsync(), last => last >= start + lines, $"{lines} more journal lines from the demo traders");
    }

    private async Task<string> RfqAsync(HttpClient buyer, CalendarMonth earliest) =>
        (await Market.Created(await buyer.PostAsJsonAsync("/api/v1/rfqs", new
        {
            skus = new[] { "GB300" }, gpus = 500, regions = new[] { "us-tx" }, earliestStart = earliest.ToString(), latestStart = Now.AddMonths(1).ToString(),
            termMonths = 24, maxPricePerGpuHour = "4.00", prepaymentFraction = 0.2, closesAt = _clock.GetUtcNow().AddMinutes(5).ToString("O"),
        }))).GetProperty("id").GetString()!;

    private static async Task<string> OfferAsync(HttpClient seller, string rfq, string pool, params (int Gpus, CalendarMonth Start)[] tranches) =>
        (await Market.Created(await seller.PostAsJsonAsync($"/api/v1/rfqs/{rfq}/offers", new
        {
            sku = "GB300", pricePerGpuHour = "3.00", prepaymentFraction = 0.2, availabilityPercent = 99.5,
            tranches = tranches.Select(t => new { pool, gpus = t.Gpus, start = t.Start.ToString(), termMonths = 24 }),
        }))).GetProperty("id").GetString()!;

    /// <summary>GETs every endpoint as every organization from both servers and compares the answers; returns the paths that answered 200 somewhere.</summary>
    private async Task<HashSet<string>> CompareAsync(TestServer original, TestServer rebuilt, Dictionary<string, string> tokens)
    {
        var spec = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "src", "Neocloud.Client", "openapi.json")));
        var gets = spec.RootElement.GetProperty("paths").EnumerateObject().Where(p => p.Value.TryGetProperty("get", out _))
            .Select(p => (Path: p.Name, Query: p.Value.GetProperty("get").TryGetProperty("parameters", out var ps)
                ? ps.EnumerateArray().Where(q => q.GetProperty("in").GetString() == "query").Select(q => q.GetProperty("name").GetString()!).ToHashSet() : []))
            .Where(p => !s_notCompared.ContainsKey(p.Path)).ToList();
        var answered = new HashSet<string>(StringComparer.Ordinal);
        var differences = new List<string>();
        foreach (var (organization, token) in tokens)
        {
            using var a = original.Client(token);
            using var b = rebuilt.Client(token);
            var lists = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            async Task<List<string>> Ids(string list, string key)
            {
                if (lists.TryGetValue(list, out var known)) return known;
                using var response = await a.GetAsync($"{list}?limit=1000");
                var ids = response.IsSuccessStatusCode ? Items(JsonNode.Parse(await response.Content.ReadAsStringAsync())!).Select(i => i?[key]?.GetValue<string>())
                    .OfType<string>().Take(25).ToList() : [];
                return lists[list] = ids;
            }
            foreach (var (path, query) in gets)
            {
                var urls = new List<string> { path };
                if (path.Contains("{sku}", StringComparison.Ordinal)) urls = [.. (await Ids("/api/v1/catalog/skus", "id")).Select(s => path.Replace("{sku}", s))];
                if (path.Contains("{name}", StringComparison.Ordinal)) urls = [.. (await Ids("/api/v1/indices", "name")).Select(n => path.Replace("{name}", n))];
                if (path.Contains("{id}", StringComparison.Ordinal))
                {
                    var list = path[..path.IndexOf("/{id}", StringComparison.Ordinal)];
                    // An approval's id is its "approval" (as the 202 that holds a command names it), an alert's its "alert".
                    var field = list switch { "/api/v1/approvals" => "approval", "/api/v1/alerts" => "alert", _ => "id" };
                    urls = [.. (await Ids(list, field)).Select(id => path.Replace("{id}", Uri.EscapeDataString(id)))];
                }
                foreach (var url in urls)
                {
                    var full = url + Query(path, query);
                    using var left = await a.GetAsync(full);
                    using var right = await b.GetAsync(full);
                    var (leftBody, rightBody) = (Comparable(path, await left.Content.ReadAsStringAsync()), Comparable(path, await right.Content.ReadAsStringAsync()));
                    if (left.StatusCode != right.StatusCode || leftBody != rightBody)
                        differences.Add($"{organization} GET {full}: {(int)left.StatusCode} {Cut(leftBody)} | rebuilt {(int)right.StatusCode} {Cut(rightBody)}");
                    if (left.StatusCode == HttpStatusCode.OK) answered.Add(path);
                }
            }
        }
        Assert.True(differences.Count == 0, $"{differences.Count} answers differ:\n{string.Join("\n", differences.Take(20))}");
        return answered;
    }

    /// <summary>The query an endpoint needs to answer (a quote's size and hours), and the largest page where it pages.</summary>
    private string Query(string path, HashSet<string> parameters)
    {
        var hour = Hour.FromUtc(_clock.GetUtcNow()).Value;
        var query = new List<string>();
        if (parameters.Contains("limit")) query.Add(path.EndsWith("/trades", StringComparison.Ordinal) && path.Contains("{sku}", StringComparison.Ordinal) ? "limit=100" : "limit=1000");
        if (path.EndsWith("/quote", StringComparison.Ordinal)) query.Add($"gpus=8&start={hour + 24}&end={hour + 48}");
        if (path.EndsWith("/offers", StringComparison.Ordinal) && path.Contains("{sku}", StringComparison.Ordinal)) query.Add($"gpus=8&from={hour + 24}&to={hour + 48}");
        return query.Count == 0 ? "" : "?" + string.Join('&', query);
    }

    /// <summary>An answer as compared: as it is, but for a problem's trace id and the signed head's signature.</summary>
    private static string Comparable(string path, string body)
    {
        if (body.Length == 0 || body[0] is not ('{' or '[')) return body;
        if (JsonNode.Parse(body) is JsonObject problem && problem.ContainsKey("traceId") && problem.ContainsKey("status"))
        {
            // A problem document names the request's own trace.
            problem.Remove("traceId");
            return problem.ToJsonString();
        }
        if (path == "/api/v1/admin/journal/head")
        {
            // ECDSA signs with a fresh random number each time: the same head under the same key gets another signature.
            var head = JsonNode.Parse(body)!;
            foreach (var signed in Items(head).OfType<JsonObject>()) signed.Remove("signature");
            if (head is JsonObject single) single.Remove("signature");
            return head.ToJsonString();
        }
        return body;
    }

    /// <summary>The items of a list answer: the array itself, or the first array property of a page.</summary>
    private static IEnumerable<JsonNode?> Items(JsonNode node) => node switch
    {
        JsonArray array => array,
        JsonObject page => page.Select(p => p.Value).OfType<JsonArray>().FirstOrDefault() ?? [],
        _ => [],
    };

    private static string Cut(string body) => body.Length > 300 ? body[..300] + "…" : body;

    /// <summary>A clock that moves only when told: both servers answer at one instant.</summary>
    private sealed class FrozenClock(DateTimeOffset start) : TimeProvider
    {
        private long _ticks = start.UtcTicks;

        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}

public sealed class SqliteJournalRebuildTests : JournalRebuildContract
{
    protected override ServerOptions Configure(ServerOptions options) => options;

    protected override (string[] Arguments, Func<ServerOptions, ServerOptions> Rebuilt) RebuildArguments(TestServer original, TempDirectory rebuilt) =>
        (["--data", original.DataDirectory, "--to", rebuilt.Path], options => options);
}

public sealed class PostgresJournalRebuildTests : JournalRebuildContract
{
    protected override ServerOptions Configure(ServerOptions options) => options with { PostgresConnectionString = PostgresServer.CreateDatabase("rebuild") };

    protected override (string[] Arguments, Func<ServerOptions, ServerOptions> Rebuilt) RebuildArguments(TestServer original, TempDirectory rebuilt)
    {
        var target = PostgresServer.CreateDatabase("rebuilt");
        // With --db the admin token and the journal signing key are in the data directory, not the database: the
        // rebuilt exchange's node gets the same key (its heads are then signed as the original's).
        foreach (var file in new[] { JournalSigningKey.PrivateKeyFile, JournalSigningKey.PublicKeyFile })
            File.Copy(Path.Combine(original.DataDirectory, file), Path.Combine(rebuilt.Path, file));
        return (["--db", original.Options.PostgresConnectionString!, "--to-db", target], options => options with { PostgresConnectionString = target });
    }
}
