using System.Text.Json;
using Neocloud.Market.Commands;
using Neocloud.Market.Replay;

namespace Neocloud.Market.Tests;

/// <summary>The replay format the exchange's journal is written in: every kind of command reads back as it was written.</summary>
public class ReplayCodecTests
{
    public static TheoryData<MarketCommand> OneOfEachKind =>
    [
        new PoolCommand("p1", "iren", "us-tx", "GB300", [new Segment(490_000, 490_100, 576), new Segment(490_100, 533_800, 1152)]),
        new CapacityCommand("p1", new Segment(533_800, 540_000, 72)),
        new AskCommand("a1", "iren", "p1", 64, 490_000, 490_720, 3_2500),
        new BidCommand("b1", "msft", "GB300", null, 8, 490_010, 490_050, 3_5000, ImmediateOrCancel: true),
        new BidCommand("b2", "msft", "GB300", "us-tx", 8, 490_010, 490_050, 3_5000, ImmediateOrCancel: false),
        new CancelCommand("a1"),
        new ReserveCommand("r1", "msft", "p1", 128, 490_000, 533_800),
        new ReleaseCommand("r1", 500_000),
    ];

    [Theory]
    [MemberData(nameof(OneOfEachKind))]
    public void A_formatted_command_parses_back_to_the_same_command_under_its_op(MarketCommand command)
    {
        var line = ReplayCodec.Format(command);
        Assert.Equal(command.Op, JsonDocument.Parse(line).RootElement.GetProperty("op").GetString());
        var parsed = ReplayCodec.Parse(line);
        Assert.Null(parsed.Rejection);
        var back = Assert.IsAssignableFrom<MarketCommand>(parsed.Command);
        Assert.Equal(command.GetType(), back.GetType());
        // Records compare lists by reference, so compare what each writes instead.
        Assert.Equal(line, ReplayCodec.Format(back));
        if (command is not PoolCommand) Assert.Equal(command, back);
    }

    [Fact]
    public void The_kinds_have_distinct_ops() =>
        Assert.Equal(7, OneOfEachKind.Cast<object[]>().Select(row => ((MarketCommand)row[0]).Op).Distinct().Count());
}
