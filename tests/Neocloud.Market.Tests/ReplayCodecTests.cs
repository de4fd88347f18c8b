using System.Text.Json;
using Neocloud.Domain.Money;
using Neocloud.Domain.Time;
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
        new AskCommand("a1", "iren", "p1", 64, HourWindow.Of(490_000, 490_720), Price.FromTicks(3_2500)),
        new BidCommand("b1", "msft", "GB300", null, 8, HourWindow.Of(490_010, 490_050), Price.FromTicks(3_5000), ImmediateOrCancel: true),
        new BidCommand("b2", "msft", "GB300", "us-tx", 8, HourWindow.Of(490_010, 490_050), Price.FromTicks(3_5000), ImmediateOrCancel: false),
        new CancelCommand("a1"),
        new ReserveCommand("r1", "msft", "p1", 128, HourWindow.Of(490_000, 533_800)),
        new ReleaseCommand("r1", new Hour(500_000)),
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

    [Theory]
    [InlineData("""{"op":"ask","id":"a1","account":"iren","pool":"p1","gpus":8,"start":-1,"end":5,"price":"2.0000"}""", "start", "ask a1: start must be >= 0, got -1")]
    [InlineData("""{"op":"bid","id":"b1","account":"m","sku":"GB300","region":null,"gpus":8,"start":10,"end":9,"limit":"2.0000","tif":"GTC"}""", "end", "bid b1: end must be after start, got [10, 9)")]
    [InlineData("""{"op":"reserve","id":"r1","account":"m","pool":"p1","gpus":8,"start":-3,"end":-5}""", "start", "reserve r1: start must be >= 0, got -3")]
    public void A_line_whose_hours_are_not_a_window_is_rejected_by_the_codec_with_the_rules_reason(string line, string field, string reason)
    {
        var parsed = ReplayCodec.Parse(line);
        Assert.Null(parsed.Command);
        Assert.Equal(reason, parsed.Rejection?.Reason);
        Assert.Equal(reason, parsed.Errors?.For(field));
        Assert.Equal(JsonDocument.Parse(line).RootElement.GetProperty("id").GetString(), parsed.Rejection?.Id);
    }

    [Theory]
    [InlineData("""{"op":"bid","id":"b1","account":"m","sku":"GB300","gpus":"8","start":10,"end":20,"limit":"2.0000","tif":"GTC"}""", "gpus", "gpus must be a whole number")]
    [InlineData("""{"op":"bid","id":"b1","account":"m","sku":"GB300","gpus":8,"start":10,"end":20,"limit":"2.0000","tif":"FOK"}""", "tif", "tif must be GTC or IOC, got \"FOK\"")]
    [InlineData("""{"op":"swap","id":"x1"}""", "op", "unknown op \"swap\"")]
    [InlineData("""[1, 2]""", "$", "a command must be a JSON object")]
    public void A_line_that_is_json_but_no_command_names_its_field(string line, string field, string reason)
    {
        var parsed = ReplayCodec.Parse(line);
        Assert.Null(parsed.Command);
        Assert.Null(parsed.NotJson);
        Assert.Equal(reason, parsed.Errors?.For(field));
        Assert.Equal(reason, parsed.Rejection?.Reason);
    }

    [Fact]
    public void A_bad_gpu_count_is_named_before_a_bad_window_as_the_engine_names_it() =>
        Assert.Equal("bid b1: gpus must be > 0, got 0", ReplayCodec.Parse(
            """{"op":"bid","id":"b1","account":"m","sku":"GB300","region":null,"gpus":0,"start":10,"end":10,"limit":"2.0000","tif":"GTC"}""").Rejection?.Reason);
}
