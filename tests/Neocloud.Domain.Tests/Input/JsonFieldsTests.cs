using System.Text.Json;
using Neocloud.Domain.Input;
using Neocloud.Domain.Time;

namespace Neocloud.Domain.Tests.Input;

/// <summary>The one way input is read: strict fields, each error named by its path, a window checked once.</summary>
public sealed class JsonFieldsTests
{
    private static JsonFields Read(string json) => JsonFields.Of(JsonDocument.Parse(json).RootElement);

    [Fact]
    public void A_forward_window_within_the_limit_is_read()
    {
        var fields = Read("""{"start": 490000, "end": 490168}""");

        Assert.Equal(HourWindow.Of(490_000, 490_168), fields.Window());
        Assert.True(fields.IsValid);
    }

    [Theory]
    [InlineData("""{"start": 10, "end": 10}""", "end", "must be after start (10), got 10")]
    [InlineData("""{"start": 0, "end": 87601}""", "end", "the window may span at most 87600 hours, got 87601")]
    [InlineData("""{"start": -1, "end": 5}""", "start", "must be >= 0, got -1")]
    [InlineData("""{"start": "10", "end": 20}""", "start", "must be a whole number, got a string")]
    public void A_window_that_is_not_one_names_the_field(string json, string field, string message)
    {
        var fields = Read(json);

        Assert.Null(fields.Window());
        Assert.Equal(message, fields.Errors.For(field));
    }

    [Fact]
    public void Nested_fields_and_unknown_ones_are_named_by_their_path()
    {
        var fields = Read("""{"capacity": [{"start": 1, "end": 2, "gpus": -5, "extra": true}], "colour": "red"}""");

        fields.Array("capacity", f => (f.Window(), f.Integer("gpus", 0, 100)), 10);
        fields.RejectUnknown();

        Assert.Equal(["capacity[0].extra", "capacity[0].gpus", "colour"], fields.Errors.Keys.Order());
        Assert.Equal("capacity[0].gpus: must be >= 0, got -5", fields.Errors.Summary);
    }

    [Fact]
    public void A_parse_result_holds_a_value_or_its_errors()
    {
        var ok = ParseResult<int>.Ok(5);
        ParseResult<int> failed = FieldErrors.Of("gpus", "must be >= 1, got 0");

        Assert.Equal((true, 5), (ok.Success, ok.ValueOrThrow()));
        Assert.False(failed.Success);
        Assert.Equal("gpus: must be >= 1, got 0", Assert.Throws<InvalidDataException>(() => failed.ValueOrThrow()).Message);
    }
}
