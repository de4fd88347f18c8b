using System.Globalization;

namespace Neocloud.Domain.Time;

/// <summary>A UTC calendar month, written <c>2026-03</c>: the unit of offtake contracts, tranches and invoices.</summary>
public readonly record struct CalendarMonth(int Year, int Month) : IComparable<CalendarMonth>
{
    /// <summary>Reads <c>yyyy-MM</c> (years 1970–2199); false with a reason otherwise.</summary>
    public static bool TryParse(string? text, out CalendarMonth month, out string? error)
    {
        month = default;
        error = null;
        if (text is { Length: 7 } && text[4] == '-'
            && int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            && int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            && year is >= 1970 and < 2200 && number is >= 1 and <= 12)
        {
            month = new CalendarMonth(year, number);
            return true;
        }
        error = $"must be a month written yyyy-MM between 1970-01 and 2199-12, got \"{text}\"";
        return false;
    }

    /// <summary>Reads <c>yyyy-MM</c> or throws <see cref="FormatException"/>.</summary>
    public static CalendarMonth Parse(string text) => TryParse(text, out var month, out var error) ? month : throw new FormatException(error);

    /// <summary>The month that contains the instant (UTC).</summary>
    public static CalendarMonth Of(DateTimeOffset instant)
    {
        var utc = instant.UtcDateTime;
        return new CalendarMonth(utc.Year, utc.Month);
    }

    /// <summary>Months since January 1970: a number to count and compare with.</summary>
    public int Index => (Year - 1970) * 12 + Month - 1;

    /// <summary>The month <paramref name="index"/> months after January 1970.</summary>
    public static CalendarMonth FromIndex(int index) => new(1970 + index / 12, index % 12 + 1);

    /// <summary>This month moved by <paramref name="months"/> (negative moves back).</summary>
    public CalendarMonth AddMonths(int months) => FromIndex(Index + months);

    /// <summary>Whole months from <paramref name="earlier"/> to this month.</summary>
    public int MonthsSince(CalendarMonth earlier) => Index - earlier.Index;

    /// <summary>The market hour this month starts with (00:00 UTC on the 1st).</summary>
    public Hour FirstHour => Hour.FromUtc(new DateTimeOffset(Year, Month, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>The hours of this month and the <paramref name="months"/> − 1 after it, as a window.</summary>
    public HourWindow Window(int months) => HourWindow.Of(FirstHour.Value, AddMonths(months).FirstHour.Value);

    public int CompareTo(CalendarMonth other) => Index.CompareTo(other.Index);

    public static bool operator <(CalendarMonth left, CalendarMonth right) => left.Index < right.Index;
    public static bool operator >(CalendarMonth left, CalendarMonth right) => left.Index > right.Index;
    public static bool operator <=(CalendarMonth left, CalendarMonth right) => left.Index <= right.Index;
    public static bool operator >=(CalendarMonth left, CalendarMonth right) => left.Index >= right.Index;

    public override string ToString() => $"{Year:D4}-{Month:D2}";
}
