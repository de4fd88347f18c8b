using System.Globalization;
using System.Reflection;
using System.Text.Json.Serialization;

namespace Neocloud.Cli.Client;

/// <summary>
/// How a table shows an answer's values: hours as UTC times (<c>2027-01-01 06:00Z</c>) or, with <c>--hours</c>, as numbers;
/// everything else as the exchange writes it in JSON (instants, numbers, enum names, flags).
/// </summary>
public sealed class Cells(bool hourNumbers)
{
    /// <summary>An hour: its UTC time, or its number with <c>--hours</c>.</summary>
    public string Hour(long hour) => hourNumbers ? hour.ToString(CultureInfo.InvariantCulture) : Hours.Show(hour);

    /// <summary>An instant as the exchange's JSON writes it: <c>2026-12-07T14:46:52.123+00:00</c>.</summary>
    public static string Instant(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);

    /// <summary>An instant that may be missing.</summary>
    public static string? Instant(DateTimeOffset? at) => at is { } value ? Instant(value) : null;

    /// <summary>A number with the digits the exchange sent (a decimal keeps its scale).</summary>
    public static string Number<TNumber>(TNumber value) where TNumber : struct, IFormattable => value.ToString(null, CultureInfo.InvariantCulture);

    /// <summary>A number that may be missing.</summary>
    public static string? Number<TNumber>(TNumber? value) where TNumber : struct, IFormattable => value?.ToString(null, CultureInfo.InvariantCulture);

    /// <summary>A flag as JSON writes it: <c>true</c> or <c>false</c>.</summary>
    public static string Flag(bool value) => value ? "true" : "false";

    /// <summary>An enum value by its name in the API (<c>not-awarded</c>, not <c>NotAwarded</c>).</summary>
    public static string Name<TEnum>(TEnum value) where TEnum : struct, Enum =>
        typeof(TEnum).GetField(value.ToString())?.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? value.ToString();

    /// <summary>An enum value that may be missing.</summary>
    public static string? Name<TEnum>(TEnum? value) where TEnum : struct, Enum => value is { } v ? Name(v) : null;

    /// <summary>A list of names as the exchange writes it: <c>["order.filled","trade.executed"]</c>.</summary>
    public static string List(IEnumerable<string> names) => $"[{string.Join(",", names.Select(n => $"\"{n}\""))}]";
}
