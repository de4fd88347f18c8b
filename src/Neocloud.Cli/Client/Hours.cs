using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Neocloud.Domain.Time;

namespace Neocloud.Cli.Client;

/// <summary>
/// Hours as people write and read them: options that take a date, a UTC time, a time from now or a raw hour, and
/// answers whose hours are shown as UTC times (<c>2027-01-01 06:00Z</c>) unless <c>--hours</c> asks for the numbers.
/// </summary>
public static partial class Hours
{
    /// <summary>What an hour option accepts, for help and errors.</summary>
    public const string Forms = "a date (2027-01-01, midnight UTC), a UTC time (2027-01-01T06:00Z), a time from now (+12h, +7d, +2w) or an hour number (hours since 1970)";

    /// <summary>A required option that takes an hour.</summary>
    public static Option<string> Option(string name, string description) =>
        new(name) { Required = true, Description = $"{description}: {Forms}." };

    /// <summary>The <c>--hours</c> flag: print hours as numbers instead of times.</summary>
    public static Option<bool> NumbersFlag() =>
        new("--hours") { Description = "Print hours as numbers (hours since 1970-01-01T00:00Z) instead of UTC times." };

    /// <summary>The hour given to <paramref name="option"/>, counting relative times from <paramref name="now"/>.</summary>
    /// <exception cref="UsageException">The value is not an hour; the message names the option.</exception>
    public static int Read(ParseResult parsed, Option<string> option, DateTimeOffset now) =>
        TryParse(parsed.GetValue(option) ?? "", now, out var hour, out var error) ? hour.Value : throw new UsageException($"{option.Name}: {error}");

    /// <summary>
    /// Reads <c>2027-01-01</c> (midnight UTC), <c>2027-01-01T06:00Z</c> or <c>2027-01-01T06:00:00Z</c>, <c>+12h</c>,
    /// <c>+7d</c> or <c>+2w</c> (from the start of the current hour), or a raw hour number.
    /// </summary>
    public static bool TryParse(string text, DateTimeOffset now, out Hour hour, out string? error)
    {
        hour = default;
        error = null;
        if (Relative().Match(text) is { Success: true } relative)
        {
            var count = long.Parse(relative.Groups["count"].ValueSpan, CultureInfo.InvariantCulture);
            var perUnit = relative.Groups["unit"].Value switch { "h" => 1L, "d" => 24L, _ => 168L };
            var value = Hour.FromUtc(now).Value + count * perUnit;
            if (value > int.MaxValue) { error = $"is too far ahead, got \"{text}\""; return false; }
            hour = new Hour((int)value);
            return true;
        }
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            if (day.Year < 1970) { error = $"must be on or after 1970-01-01, got \"{text}\""; return false; }
            hour = Hour.FromUtc(new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
            return true;
        }
        if (text.Length > 0 && text.All(char.IsAsciiDigit)) return HourText.TryParseHourOrTime(text, out hour, out error);
        if (HourText.TryParse(text, out hour, out error)) return true;
        // A time of the right shape keeps the reader's reason (not on the hour, not UTC); anything else lists the forms.
        if (error == $"must be {HourText.Expected}, got \"{text}\"") error = $"must be {Forms}, got \"{text}\"";
        return false;
    }

    /// <summary>An hour as a person reads it: <c>2027-01-01 06:00Z</c>.</summary>
    public static string Show(long hour) =>
        DateTimeOffset.FromUnixTimeSeconds(hour * 3600).UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\+(?<count>\d{1,7})(?<unit>[hdw])$", RegexOptions.CultureInvariant)]
    private static partial Regex Relative();
}
