using CsCheck;
using Neocloud.Domain.Time;

namespace Neocloud.Domain.Tests.Time;

/// <summary>Hours written for people: RFC 3339 UTC times on a whole hour, read and written.</summary>
public sealed class HourTextTests
{
    [Theory]
    [InlineData("2027-01-01T00:00:00Z")]
    [InlineData("2027-01-01T00:00Z")]
    [InlineData("2027-01-01T00:00:00+00:00")]
    [InlineData("2027-01-01T00:00:00.000Z")]
    [InlineData("2027-01-01t00:00:00z")]
    public void Rfc3339_forms_of_one_whole_hour_read_as_that_hour(string text)
    {
        Assert.True(HourText.TryParse(text, out var hour, out var error), error);
        Assert.Equal(Hour.FromUtc(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero)), hour);
    }

    [Theory]
    [InlineData("2027-01-01T00:30:00Z", "must be a whole hour (minutes and seconds 00), got \"2027-01-01T00:30:00Z\"")]
    [InlineData("2027-01-01T00:00:01Z", "must be a whole hour")]
    [InlineData("2027-01-01T00:00:00.5Z", "must be a whole hour")]
    [InlineData("2027-01-01T02:00:00+02:00", "must be a UTC time (ending in Z), got \"2027-01-01T02:00:00+02:00\"")]
    [InlineData("2027-01-01T00:00:00-00:00", "must be a UTC time")]
    [InlineData("2027-02-30T00:00:00Z", "is not a valid date and time")]
    [InlineData("2027-01-01T24:00:00Z", "is not a valid date and time")]
    [InlineData("1969-12-31T23:00:00Z", "must be at or after 1970-01-01T00:00:00Z")]
    [InlineData("2027-01-01T00:00:00", "must be an integer hour")]
    [InlineData("2027-01-01", "must be an integer hour")]
    [InlineData("tomorrow", "must be an integer hour")]
    [InlineData("490000", "must be an integer hour")]
    public void Times_off_the_hour_outside_utc_or_not_times_are_refused_with_the_reason(string text, string reason)
    {
        Assert.False(HourText.TryParse(text, out _, out var error));
        Assert.StartsWith(reason, error);
    }

    [Fact]
    public void A_query_string_hour_may_also_be_the_integer()
    {
        Assert.True(HourText.TryParseHourOrTime("490000", out var hour, out _));
        Assert.Equal(new Hour(490_000), hour);
        Assert.False(HourText.TryParseHourOrTime("99999999999", out _, out var error));
        Assert.Equal("must be <= 2147483647, got 99999999999", error);
    }

    [Fact]
    public void Writing_an_hour_and_reading_it_back_gives_the_same_hour() =>
        Gen.Int[0, 2_000_000].Sample(value =>
        {
            var text = HourText.Of(new Hour(value));
            return text == HourText.Of((long)value) && text.EndsWith(":00:00Z", StringComparison.Ordinal)
                && HourText.TryParse(text, out var back, out _) && back.Value == value;
        });

    [Fact]
    public void The_text_of_an_hour_is_its_utc_start()
    {
        Assert.Equal("1970-01-01T00:00:00Z", HourText.Of(new Hour(0)));
        Assert.Equal("2025-11-24T16:00:00Z", HourText.Of(490_000L));
    }

    [Theory]
    [InlineData("start", "startsAt")]
    [InlineData("end", "endsAt")]
    [InlineData("firstHour", "firstHourAt")]
    [InlineData("from", "fromAt")]
    public void An_hour_fields_text_sibling_is_named_by_one_rule(string field, string sibling) =>
        Assert.Equal(sibling, HourText.SiblingOf(field));
}
