namespace Neocloud.Cli.Tests.Market;

public sealed class MarketCliTests
{
    private const string Commands = """
        {"op":"pool","id":"p1","provider":"iren","region":"us-tx","sku":"GB300","capacity":[{"start":490000,"end":533800,"gpus":576}]}
        {"op":"ask","id":"a1","account":"iren","pool":"p1","gpus":72,"start":490000,"end":498760,"price":"2.45"}
        {"op":"bid","id":"b1","account":"msft","sku":"GB300","region":"us-tx","gpus":64,"start":490100,"end":490268,"limit":"3.1000","tif":"GTC"}
        {"op":"cancel","id":"b1"}
        {"op":"bid","id":"b2","account":"msft","sku":"GB300","region":null,"gpus":-1,"start":490100,"end":490268,"limit":"3.1000","tif":"GTC"}
        """;

    [Theory]
    [InlineData("indexed")]
    [InlineData("reference")]
    public void Replay_prints_events_as_json_lines(string engine)
    {
        var run = CliRun.WithInput(Commands, "market", "replay", "-", "--engine", engine);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            """
            {"event":"rested","id":"a1"}
            {"event":"trade","bid":"b1","ask":"a1","pool":"p1","gpus":64,"start":490100,"end":490268,"price":"2.4500"}
            {"event":"rejected","id":"b1","reason":"cancel b1: no resting bid or open ask with that id"}
            {"event":"rejected","id":"b2","reason":"bid b2: gpus must be > 0, got -1"}

            """.ReplaceLineEndings("\n"),
            run.Output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Replay_stops_at_a_line_that_is_not_json()
    {
        var run = CliRun.WithInput("{\"op\":\"cancel\",\"id\":\"x\"}\nnot json\n", "market", "replay", "-");
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: line 2: ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Gen_is_reproducible_and_replays_cleanly()
    {
        var first = CliRun.Of("market", "gen", "--pools", "5", "--commands", "300", "--seed", "7");
        var second = CliRun.Of("market", "gen", "--pools", "5", "--commands", "300", "--seed", "7");
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(first.Output, second.Output);
        var replay = CliRun.WithInput(first.Output, "market", "replay", "-");
        Assert.Equal(0, replay.ExitCode);
        Assert.Contains("\"event\":\"trade\"", replay.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Bench_with_both_engines_reports_identical_events()
    {
        var run = CliRun.Of("market", "bench", "--pools", "5", "--commands", "200", "--seed", "3", "--engine", "both", "--json", "--horizon-hours", "2000");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("\"identical\":true", run.Output, StringComparison.Ordinal);
    }
}
