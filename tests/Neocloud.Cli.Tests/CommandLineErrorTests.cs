namespace Neocloud.Cli.Tests;

/// <summary>A command line that does not parse is one line <c>error: …</c> naming what is wrong, and exit 2, like every other mistake.</summary>
public class CommandLineErrorTests
{
    [Theory]
    [InlineData(new[] { "order", "bid", "--sku", "GB300", "--gpus", "abc" }, "Cannot parse argument 'abc' for option '--gpus'", "neocloud order bid --help")]
    [InlineData(new[] { "rfq", "list", "--status", "bogus" }, "Unrecognized command or argument '--status'", "neocloud rfq list --help")]
    [InlineData(new[] { "catalog", "skus", "--colour" }, "Unrecognized command or argument '--colour'", "neocloud catalog skus --help")]
    [InlineData(new[] { "bogus" }, "Unrecognized command or argument 'bogus'", "neocloud --help")]
    public void A_line_that_does_not_parse_is_one_line_naming_it_and_exit_2(string[] args, string names, string help)
    {
        var run = CliRun.Of(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Output);
        var line = Assert.Single(run.Error.TrimEnd().Split('\n'));
        Assert.StartsWith("error: ", line);
        Assert.Contains(names, line);
        Assert.EndsWith($"(see '{help}')", line);
    }

    [Fact]
    public void No_arguments_print_the_help()
    {
        var run = CliRun.Of();

        Assert.Contains("neocloud", run.Output + run.Error);
        Assert.Contains("serve", run.Output + run.Error);
    }
}
