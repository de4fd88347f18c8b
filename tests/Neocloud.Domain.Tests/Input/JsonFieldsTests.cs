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

    [Fact]
    public void A_window_may_be_written_as_rfc3339_times_and_equals_the_integer_form()
    {
        var fields = Read("""{"start": "2025-11-24T16:00:00Z", "end": "2025-12-01T16:00Z"}""");

        Assert.Equal(HourWindow.Of(490_000, 490_168), fields.Window());
        Assert.True(fields.IsValid);
    }

    [Theory]
    [InlineData("""{"start": 10, "end": 10}""", "end", "must be after start (10), got 10")]
    [InlineData("""{"start": 0, "end": 87601}""", "end", "the window may span at most 87600 hours, got 87601")]
    [InlineData("""{"start": -1, "end": 5}""", "start", "must be >= 0, got -1")]
    [InlineData("""{"start": "10", "end": 20}""", "start", "must be an integer hour (hours since 1970-01-01T00:00Z) or an RFC 3339 UTC time on a whole hour such as \"2027-01-01T00:00:00Z\", got \"10\"")]
    [InlineData("""{"start": "2027-01-01T00:30:00Z", "end": 20}""", "start", "must be a whole hour (minutes and seconds 00), got \"2027-01-01T00:30:00Z\"")]
    [InlineData("""{"start": 490000, "end": "2027-01-01T00:00:00+01:00"}""", "end", "must be a UTC time (ending in Z), got \"2027-01-01T00:00:00+01:00\"")]
    [InlineData("""{"start": true, "end": 20}""", "start", "must be an integer hour (hours since 1970-01-01T00:00Z) or an RFC 3339 UTC time on a whole hour such as \"2027-01-01T00:00:00Z\", got a boolean")]
    [InlineData("""{"start": "2025-11-24T16:00:00Z", "end": "2025-11-24T16:00Z"}""", "end", "must be after start (490000), got 490000")]
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
