using System.Text.Json;
using Neocloud.Testing;

namespace Neocloud.Cli.Tests.Market;

public sealed class MarketCommandTests : IDisposable
{
    private readonly TempDirectory _folder = new("neocloud-market-cli-");

    public void Dispose() => _folder.Dispose();

    private const string Stream = """
        {"op":"pool","id":"p1","provider":"iren","region":"us-tx","sku":"GB300","capacity":[{"start":490000,"end":533800,"gpus":576}]}
        {"op":"ask","id":"a1","account":"iren","pool":"p1","gpus":72,"start":490000,"end":498760,"price":"2.4500"}
        {"op":"bid","id":"b1","account":"msft","sku":"GB300","region":"us-tx","gpus":64,"start":490100,"end":490268,"limit":"3.1000","tif":"GTC"}
        {"op":"bid","id":"b2","account":"msft","sku":"GB300","region":null,"gpus":-1,"start":490100,"end":490268,"limit":"3.1000","tif":"GTC"}
        {"op":"cancel","id":"b1"}
        """;

    [Theory]
    [InlineData("indexed")]
    [InlineData("compact")]
    [InlineData("reference")]
    public void Replay_prints_the_events_of_design_md(string engine)
    {
        var run = CliRun.WithInput(Stream, "market", "replay", "-", "--engine", engine);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal([
            """{"event":"rested","id":"a1"}""",
            """{"event":"trade","bid":"b1","ask":"a1","pool":"p1","gpus":64,"start":490100,"end":490268,"price":"2.4500"}""",
            """{"event":"rejected","id":"b2","reason":"bid b2: gpus must be > 0, got -1"}""",
            """{"event":"rejected","id":"b1","reason":"cancel b1: not a resting bid or an open ask"}""",
        ], run.Output.TrimEnd().Split('\n'));
    }

    [Fact]
    public void A_line_that_is_not_json_stops_the_replay_naming_the_line()
    {
        var run = CliRun.WithInput(Stream.Split('\n')[0] + "\n{\"op\": oops\n" + Stream.Split('\n')[1], "market", "replay", "-");
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: line 2: not JSON", run.Error);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public void A_missing_file_is_exit_2()
    {
        var run = CliRun.Of("market", "replay", "nowhere.jsonl");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: file 'nowhere.jsonl' not found", run.Error.Trim());
    }

    [Fact]
    public void Gen_is_reproducible_and_replays_identically_on_every_engine()
    {
        var first = CliRun.Of("market", "gen", "--pools", "5", "--commands", "300", "--seed", "9");
        var again = CliRun.Of("market", "gen", "--pools", "5", "--commands", "300", "--seed", "9");
        Assert.Equal(first.Output, again.Output);
        Assert.Equal(305, first.Output.TrimEnd().Split('\n').Length);

        var path = _folder.File("stream.jsonl");
        File.WriteAllText(path, first.Output);
        var indexed = CliRun.Of("market", "replay", path, "--engine", "indexed");
        var compact = CliRun.Of("market", "replay", path, "--engine", "compact");
        var reference = CliRun.Of("market", "replay", path, "--engine", "reference");
        Assert.Equal(reference.Output, indexed.Output);
        Assert.Equal(reference.Output, compact.Output);
        Assert.Contains("\"event\":\"trade\"", indexed.Output);
    }

    [Fact]
    public void Bench_with_both_engines_checks_the_events_agree()
    {
        var run = CliRun.Of("market", "bench", "--pools", "10", "--commands", "400", "--seed", "2", "--engine", "both", "--json");
        Assert.Equal(0, run.ExitCode);
        var json = JsonDocument.Parse(run.Output).RootElement;
        Assert.True(json.GetProperty("identicalEvents").GetBoolean());
        Assert.True(json.GetProperty("speedRatio").GetDouble() > 0);
        Assert.Equal(2, json.GetProperty("results").GetArrayLength());
        Assert.Equal(2, CliRun.Of("market", "bench", "--pools", "0", "--commands", "5").ExitCode);
    }

    [Fact]
    public void Bench_runs_a_list_of_engines_in_order_and_times_their_recovery()
    {
        var run = CliRun.Of("market", "bench", "--pools", "10", "--commands", "400", "--seed", "2", "--engine", "compact,indexed", "--recovery", "--streamed", "--json");
        Assert.Equal(0, run.ExitCode);
        var json = JsonDocument.Parse(run.Output).RootElement;
        Assert.True(json.GetProperty("identicalEvents").GetBoolean());
        var results = json.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["compact", "indexed"], results.Select(r => r.GetProperty("engine").GetString()));
        Assert.All(results, r => Assert.Equal(r.GetProperty("resting").GetInt32(), r.GetProperty("recovery").GetProperty("restingOrders").GetInt32()));
        // The engine's heap is the whole heap after a full collection less the heap before: in this test process other tests
        // allocate and free meanwhile, far more than a 10-pool engine holds, so only its presence is checked here.
        Assert.All(results, r => Assert.Equal(JsonValueKind.Number, r.GetProperty("engineHeapBytes").ValueKind));
        Assert.Equal(3, CliRun.Of("market", "bench", "--pools", "10", "--commands", "40", "--engine", "all", "--json").Output.Split("\"engine\"").Length - 1);
        Assert.Equal(2, CliRun.Of("market", "bench", "--pools", "10", "--commands", "40", "--engine", "compact,fast").ExitCode);
    }

    [Fact]
    public void Bench_by_kind_accounts_for_every_command_and_the_whole_time()
    {
        var run = CliRun.Of("market", "bench", "--pools", "20", "--commands", "1000", "--seed", "3", "--by-kind", "--json");
        Assert.Equal(0, run.ExitCode);
        var kinds = JsonDocument.Parse(run.Output).RootElement.GetProperty("results")[0].GetProperty("kinds").EnumerateArray().ToList();
        var counts = kinds.ToDictionary(k => k.GetProperty("kind").GetString()!, k => k.GetProperty("commands").GetInt64());
        // The generated stream: 20 pools, then 1,000 orders and cancels.
        Assert.Equal(20, counts["pool"]);
        Assert.Equal(1000, counts["ask"] + counts["bid"] + counts["cancel"]);
        Assert.Equal(1.0, kinds.Sum(k => k.GetProperty("shareOfTime").GetDouble()), 6);
        Assert.All(kinds, k => Assert.True(k.GetProperty("microsecondsEach").GetDouble() > 0));
        // Pools all come first, so none is in the last tenth of the run.
        Assert.Equal(0, kinds.Single(k => k.GetProperty("kind").GetString() == "pool").GetProperty("lastTenthMicroseconds").GetDouble());

        var text = CliRun.Of("market", "bench", "--pools", "20", "--commands", "1000", "--seed", "3", "--by-kind");
        Assert.Matches(@"(?m)^  bid +[\d,]+ commands +[\d.]+ µs each", text.Output);
        Assert.DoesNotContain("µs each", CliRun.Of("market", "bench", "--pools", "20", "--commands", "1000").Output);
    }
}
