using CsCheck;
using Neocloud.Domain.Time;

namespace Neocloud.Domain.Tests;

public class CalendarMonthTests
{
    [Theory]
    [InlineData("2026-03", 2026, 3)]
    [InlineData("1970-01", 1970, 1)]
    [InlineData("2199-12", 2199, 12)]
    public void Parses_yyyy_mm(string text, int year, int month)
    {
        Assert.Equal(new CalendarMonth(year, month), CalendarMonth.Parse(text));
        Assert.Equal(text, CalendarMonth.Parse(text).ToString());
    }

    [Theory]
    [InlineData("2026-13")]
    [InlineData("2026-3")]
    [InlineData("1969-12")]
    [InlineData("26-03-01")]
    [InlineData("")]
    public void Rejects_anything_else_with_the_reason(string text)
    {
        Assert.False(CalendarMonth.TryParse(text, out _, out var error));
        Assert.Contains("yyyy-MM", error);
    }

    [Fact]
    public void A_month_starts_at_midnight_utc_on_the_first_and_its_window_ends_where_the_next_begins()
    {
        var march = CalendarMonth.Parse("2026-03");
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), march.FirstHour.StartUtc);
        Assert.Equal(31 * 24, march.Window(1).Length);
        Assert.Equal(CalendarMonth.Parse("2027-02"), march.AddMonths(11));
        Assert.Equal(-14, CalendarMonth.Parse("2025-01").MonthsSince(march));
    }

    [Fact]
    public void Adding_months_agrees_with_the_calendar() =>
        Gen.Select(Gen.Int[0, 2000], Gen.Int[-500, 500]).Sample((index, months) =>
        {
            var month = CalendarMonth.FromIndex(index);
            var expected = new DateTime(month.Year, month.Month, 1).AddMonths(months);
            var moved = month.AddMonths(months);
            return index + months < 0 || (moved.Year == expected.Year && moved.Month == expected.Month && moved.MonthsSince(month) == months);
        });
}
