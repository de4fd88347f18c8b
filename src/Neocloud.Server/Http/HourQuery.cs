using Neocloud.Domain.Input;
using Neocloud.Domain.Time;

namespace Neocloud.Server.Http;

/// <summary>
/// An hour in a query string (<c>?start=…</c>), as written: an integer hour or an RFC 3339 UTC time on a whole hour.
/// Binding keeps the text, so that a bad one becomes a validation problem naming the parameter, not a bare 400; the
/// OpenAPI document describes it as it describes every hour field.
/// </summary>
public readonly record struct HourQuery(string Text)
{
    /// <summary>How minimal APIs bind the parameter: always, keeping the text for <see cref="Read"/>.</summary>
    public static bool TryParse(string? text, IFormatProvider? provider, out HourQuery value)
    {
        value = new HourQuery(text ?? "");
        return text is not null;
    }

    /// <summary>The hour, or null with the error recorded under <paramref name="field"/>.</summary>
    public Hour? Read(string field, FieldErrors errors)
    {
        if (HourText.TryParseHourOrTime(Text.Length > 40 ? Text[..40] + "…" : Text, out var hour, out var error)) return hour;
        errors.Add(field, error!);
        return null;
    }
}
