using System.Globalization;
using Neocloud.Domain.Input;

namespace Neocloud.Server.Http;

/// <summary>
/// A whole number in a query string (<c>?after=120</c>), as written. Like <see cref="HourQuery"/>, binding keeps the
/// text, so that a bad one becomes a validation problem naming the parameter, not a bare 400; the OpenAPI document
/// says it is an integer.
/// </summary>
public readonly record struct WholeQuery(string Text)
{
    /// <summary>How minimal APIs bind the parameter: always, keeping the text for <see cref="Read(string, FieldErrors)"/>.</summary>
    public static bool TryParse(string? text, IFormatProvider? provider, out WholeQuery value)
    {
        value = new WholeQuery(text ?? "");
        return text is not null;
    }

    /// <summary>The number, or null with the error recorded under <paramref name="field"/>.</summary>
    public long? Read(string field, FieldErrors errors)
    {
        if (long.TryParse(Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)) return value;
        errors.Add(field, $"must be a whole number, got '{(Text.Length > 40 ? Text[..40] + "…" : Text)}'");
        return null;
    }

    /// <summary>The parameter's number, <paramref name="missing"/> when it was not given, or 0 with the error recorded.</summary>
    public static long Read(WholeQuery? query, string field, long missing, FieldErrors errors) =>
        query is { } given ? given.Read(field, errors) ?? 0 : missing;
}
