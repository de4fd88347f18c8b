using System.Globalization;
using System.Text.RegularExpressions;

namespace Neocloud.Domain.Time;

/// <summary>
/// An <see cref="Hour"/> written for people: an RFC 3339 UTC time on a whole hour, <c>2027-01-01T00:00:00Z</c>. The API
/// reads it beside the integer hour and answers with both; an hour field <c>x</c> gets the text sibling
/// <see cref="SiblingOf">xAt</see>.
/// </summary>
public static partial class HourText
{
    /// <summary>The format of an hour's text: RFC 3339 in UTC, seconds shown, no fraction.</summary>
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    /// <summary>What an hour field accepts, for error messages and API documentation.</summary>
    public const string Expected = "an integer hour (hours since 1970-01-01T00:00Z) or an RFC 3339 UTC time on a whole hour such as \"2027-01-01T00:00:00Z\"";

    /// <summary>The hour as <c>2027-01-01T00:00:00Z</c>.</summary>
    public static string Of(Hour hour) => hour.StartUtc.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>The hour numbered <paramref name="hour"/> as <c>2027-01-01T00:00:00Z</c> (views hold hours as numbers).</summary>
    public static string Of(long hour) => DateTimeOffset.FromUnixTimeSeconds(hour * 3600).UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>
    /// The name of the text sibling of the hour field <paramref name="field"/> in an answer: <c>start</c> → <c>startsAt</c>,
    /// <c>end</c> → <c>endsAt</c>, any other <c>x</c> → <c>xAt</c> (<c>firstHour</c> → <c>firstHourAt</c>, <c>from</c> → <c>fromAt</c>).
    /// </summary>
    public static string SiblingOf(string field) => field switch
    {
        "start" => "startsAt",
        "end" => "endsAt",
        _ => field + "At",
    };

    /// <summary>
    /// Reads an RFC 3339 time (<c>2027-01-01T00:00:00Z</c>, <c>2027-01-01T00:00Z</c>, <c>+00:00</c> for <c>Z</c>, a zero fraction
    /// allowed) that lies on a whole UTC hour, or says why <paramref name="text"/> is not one.
    /// </summary>
    public static bool TryParse(string text, out Hour hour, out string? error)
    {
        hour = default;
        var match = Rfc3339().Match(text);
        if (!match.Success)
        {
            error = $"must be {Expected}, got \"{text}\"";
            return false;
        }
        var offset = match.Groups["offset"].Value;
        if (offset is not ("Z" or "z" or "+00:00"))
        {
            error = $"must be a UTC time (ending in Z), got \"{text}\"";
            return false;
        }
        int Part(string name) => match.Groups[name].Success ? int.Parse(match.Groups[name].ValueSpan, CultureInfo.InvariantCulture) : 0;
        var (year, month, day, hours, minutes, seconds) = (Part("year"), Part("month"), Part("day"), Part("hour"), Part("minute"), Part("second"));
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(1, year), month) || hours > 23 || minutes > 59 || seconds > 59)
        {
            error = $"is not a valid date and time, got \"{text}\"";
            return false;
        }
        if (minutes != 0 || seconds != 0 || match.Groups["fraction"].Value.Trim('.', '0').Length > 0)
        {
            error = $"must be a whole hour (minutes and seconds 00), got \"{text}\"";
            return false;
        }
        if (year < 1970)
        {
            error = $"must be at or after 1970-01-01T00:00:00Z, got \"{text}\"";
            return false;
        }
        hour = Hour.FromUtc(new DateTimeOffset(year, month, day, hours, 0, 0, TimeSpan.Zero));
        error = null;
        return true;
    }

    /// <summary>
    /// Reads text that is either an integer hour (<c>490000</c>, as in a query string) or an RFC 3339 time as in
    /// <see cref="TryParse"/>, or says why it is neither.
    /// </summary>
    public static bool TryParseHourOrTime(string text, out Hour hour, out string? error)
    {
        if (text.Length > 0 && text.All(char.IsAsciiDigit))
        {
            if (text.Length <= 10 && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number <= int.MaxValue)
            {
                hour = new Hour((int)number);
                error = null;
                return true;
            }
            hour = default;
            error = $"must be <= {int.MaxValue.ToString(CultureInfo.InvariantCulture)}, got {text}";
            return false;
        }
        return TryParse(text, out hour, out error);
    }

    [GeneratedRegex(@"^(?<year>\d{4})-(?<month>\d{2})-(?<day>\d{2})[Tt](?<hour>\d{2}):(?<minute>\d{2})(:(?<second>\d{2})(?<fraction>\.\d{1,9})?)?(?<offset>[Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();
}
