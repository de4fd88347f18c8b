using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Neocloud.Exchange.Shard;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>What an operator watches: /metrics after a known workload, /readyz around recovery, traces, JSON logs.</summary>
public partial class OperationsTests
{
    private const string PoolBody = """{"id":"ops","sku":"GB300","region":"us-tx","capacity":[{"start":490000,"end":490500,"gpus":100}]}""";

    [Fact]
    public async Task Metrics_after_a_known_workload_count_commands_by_kind_and_outcome_and_rejections_by_reason()
    {
        // The real binary: the meter is the process's, so no other test's server adds to these counts.
        using var data = new TempDirectory("neocloud-metrics-");
        using var server = await ServerProcess.StartAsync(data.Path);
        using var http = new HttpClient { BaseAddress = server.Address };
        var provider = await TokenAsync(http, server.AdminToken!, "iren", "market:read", "market:trade", "pools:write");
        var buyer = await TokenAsync(http, server.AdminToken!, "microsoft", "market:read", "market:trade");
        var before = await ScrapeAsync(http);

        Assert.Equal(HttpStatusCode.Created, await PostAsync(http, provider, "api/v1/pools", PoolBody));
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Created, await PostAsync(http, provider, "api/v1/orders/asks",
                $$"""{"pool":"ops","gpus":20,"start":490000,"end":490100,"price":"2.{{10 + i}}"}"""));
        for (var i = 0; i < 4; i++)
            Assert.Equal(HttpStatusCode.Created, await PostAsync(http, buyer, "api/v1/orders/bids",
                """{"sku":"GB300","gpus":5,"start":490010,"end":490020,"limit":"3.0000"}"""));
        // 60 GPUs are offered of 100: two asks for 50 more exceed the pool's capacity.
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.UnprocessableEntity, await PostAsync(http, provider, "api/v1/orders/asks",
                """{"pool":"ops","gpus":50,"start":490000,"end":490100,"price":"2.5000"}"""));

        var sequence = await ShardSequenceAsync(http, server.AdminToken!);
        var after = await Eventually.UntilAsync(() => ScrapeAsync(http),
            scraped => scraped.Value("neocloud_journal_sequence", ("shard", "all")) == sequence, "the journal sequence gauge to reach " + sequence);

        double Delta(string name, params (string, string)[] labels) => after.Value(name, labels) - before.Value(name, labels);
        Assert.Equal(1, Delta("neocloud_commands_total", ("kind", "pool"), ("outcome", "accepted")));
        Assert.Equal(3, Delta("neocloud_commands_total", ("kind", "ask"), ("outcome", "accepted")));
        Assert.Equal(4, Delta("neocloud_commands_total", ("kind", "bid"), ("outcome", "accepted")));
        Assert.Equal(2, Delta("neocloud_commands_total", ("kind", "ask"), ("outcome", "rejected")));
        Assert.Equal(0, Delta("neocloud_commands_total", ("kind", "bid"), ("outcome", "rejected")));
        Assert.Equal(2, Delta("neocloud_rejections_total", ("reason", "over_capacity")));
        Assert.Equal(2, after.Sum("neocloud_rejections_total") - before.Sum("neocloud_rejections_total"));
        // Eight commands and the two refusals' facts (each carrying its order.rejected event).
        Assert.Equal(10, after.Value("neocloud_journal_sequence", ("shard", "all")) - before.Value("neocloud_journal_sequence", ("shard", "all")));
        // Ten commands, each in some group commit: the batch-size histogram's sum grew by exactly that many.
        Assert.Equal(10, after.Value("neocloud_commit_batch_size_sum", ("shard", "all")) - before.Value("neocloud_commit_batch_size_sum", ("shard", "all")));
        Assert.True(after.Value("neocloud_commit_duration_seconds_count", ("shard", "all")) > before.Value("neocloud_commit_duration_seconds_count", ("shard", "all")));
        Assert.Contains(after.Samples, s => s.Name == "neocloud_queue_depth" && s.Labels.GetValueOrDefault("shard") == "all");
        Assert.Equal(0, after.Value("neocloud_queue_depth", ("shard", "all")));
        Assert.True(after.Sum("http_server_request_duration_seconds_count") > 0, "ASP.NET Core's request metrics are exported too");
    }

    [Fact]
    public async Task Readyz_is_503_while_the_market_recovers_and_200_after_and_the_api_answers_503_meanwhile()
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync(options => options with { HoldRecovery = hold.Task });
        using var anonymous = server.Client();
        using var admin = server.Admin();

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await anonymous.GetAsync("/readyz")).StatusCode);
        using var early = await admin.PostJsonAsync("/api/v1/orders/bids", """{"sku":"GB300","gpus":5,"start":490010,"end":490020,"limit":"3.0000"}""");
        await early.ProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(TimeSpan.FromSeconds(1), early.Headers.RetryAfter?.Delta);
        (await (await admin.GetAsync("/api/v1/me")).ProblemAsync(HttpStatusCode.ServiceUnavailable)).GetProperty("detail").GetString();

        hold.SetResult();

        await Eventually.UntilAsync(async () => (await anonymous.GetAsync("/readyz")).StatusCode, status => status == HttpStatusCode.OK, "/readyz to answer 200");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task The_spans_of_one_bid_form_one_trace_from_the_http_request_to_the_commit()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or ExchangeTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        await using var server = await TestServer.StartAsync();
        var trader = await server.NewOrganizationAsync("microsoft", "market:read", "market:trade");
        using var client = server.Client(trader);
        var trace = ActivityTraceId.CreateRandom();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders/bids")
        {
            Content = new StringContent("""{"sku":"GB300","gpus":5,"start":490010,"end":490020,"limit":"3.0000"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var ours = await Eventually.UntilAsync(() => Task.FromResult(spans.Where(s => s.TraceId == trace).ToList()),
            found => found.Count >= 3, "the HTTP, command and commit spans of the bid");
        var http = Assert.Single(ours, s => s.Source.Name == "Microsoft.AspNetCore");
        var command = Assert.Single(ours, s => s.OperationName == ExchangeTelemetry.CommandSpan);
        var commit = Assert.Single(ours, s => s.OperationName == ExchangeTelemetry.CommitSpan);
        Assert.Equal(http.SpanId, command.ParentSpanId);
        Assert.Equal(command.SpanId, commit.ParentSpanId);
        Assert.Equal("bid", command.GetTagItem("neocloud.kind"));
        Assert.Equal("accepted", command.GetTagItem("neocloud.outcome"));
        Assert.True(command.StartTimeUtc <= commit.StartTimeUtc && commit.StartTimeUtc + commit.Duration <= command.StartTimeUtc + command.Duration,
            "the commit happens inside the command's span");
    }

    [Fact]
    public async Task With_log_format_json_the_server_logs_its_start_as_json_lines()
    {
        using var data = new TempDirectory("neocloud-jsonlog-");
        using var server = await ServerProcess.StartAsync(data.Path, "--log-format", "json");

        var ready = await Eventually.UntilAsync(() => Task.FromResult(server.Output.FirstOrDefault(line => line.Contains("the exchange is ready", StringComparison.Ordinal))),
            line => line is not null, "the ready line in the log");
        var entry = JsonDocument.Parse(ready!).RootElement;
        Assert.Equal("Information", entry.GetProperty("LogLevel").GetString());
        Assert.Equal("Neocloud.Server.Hosting.ExchangeHost", entry.GetProperty("Category").GetString());
        Assert.True(entry.TryGetProperty("Timestamp", out _));
        Assert.True(entry.GetProperty("State").TryGetProperty("Sequence", out _), "the message's fields are kept as fields");
    }

    private static async Task<string> TokenAsync(HttpClient http, string admin, string organization, params string[] scopes)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/admin/organizations/{organization}/tokens")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { label = "ops", scopes }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("token").GetString()!;
    }

    private static async Task<HttpStatusCode> PostAsync(HttpClient http, string token, string path, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<double> ShardSequenceAsync(HttpClient http, string admin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/cluster");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        using var response = await http.SendAsync(request);
        var cluster = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return cluster.GetProperty("shards")[0].GetProperty("sequence").GetInt64();
    }

    private static async Task<Scrape> ScrapeAsync(HttpClient http)
    {
        using var response = await http.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return Scrape.Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>A Prometheus text exposition: every sample with its name, labels and value.</summary>
    private sealed partial record Scrape(IReadOnlyList<(string Name, Dictionary<string, string> Labels, double Value)> Samples)
    {
        public static Scrape Parse(string text)
        {
            var samples = new List<(string, Dictionary<string, string>, double)>();
            foreach (var line in text.Split('\n'))
            {
                if (line.Length == 0 || line[0] == '#') continue;
                var match = SampleLine().Match(line);
                Assert.True(match.Success, $"not a Prometheus sample line: {line}");
                var labels = Label().Matches(match.Groups["labels"].Value).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
                samples.Add((match.Groups["name"].Value, labels, double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture)));
            }
            return new Scrape(samples);
        }

        /// <summary>The one sample of a name whose labels include these, or 0 when there is none yet (a counter never added to).</summary>
        public double Value(string name, params (string Label, string Value)[] labels)
        {
            var found = Samples.Where(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Label) == l.Value)).ToList();
            Assert.True(found.Count <= 1, $"{found.Count} samples of {name} match");
            return found.Count == 0 ? 0 : found[0].Value;
        }

        /// <summary>The sum over every sample of a name.</summary>
        public double Sum(string name) => Samples.Where(s => s.Name == name).Sum(s => s.Value);

        public override string ToString() => string.Join("; ", Samples.Where(s => s.Name.StartsWith("neocloud_", StringComparison.Ordinal))
            .Select(s => $"{s.Name}{{{string.Join(",", s.Labels.Select(l => $"{l.Key}={l.Value}"))}}} {s.Value}"));

        [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+\S+)?$""")]
        private static partial Regex SampleLine();

        [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
        private static partial Regex Label();
    }
}
