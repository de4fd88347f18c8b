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

    /// <summary>
    /// A required window from two query hours (<c>start</c>/<c>end</c>, <c>from</c>/<c>to</c>): both present and hours,
    /// the end after the start and at most <see cref="Hour.MaxWindowHours"/> later; else null, the errors recorded.
    /// </summary>
    public static HourWindow? Window(HourQuery? start, HourQuery? end, string startName, string endName, FieldErrors errors)
    {
        var first = start is { } s ? s.Read(startName, errors) : Missing(startName, errors);
        var last = end is { } e ? e.Read(endName, errors) : Missing(endName, errors);
        if (first is not { } f || last is not { } l) return null;
        if (l <= f) errors.Add(endName, $"must be an hour after {startName}, got [{f}, {l})");
        else if (l.Value - f.Value > Hour.MaxWindowHours) errors.Add(endName, $"the window may span at most {Hour.MaxWindowHours} hours");
        else return HourWindow.Of(f.Value, l.Value);
        return null;
    }

    private static Hour? Missing(string field, FieldErrors errors)
    {
        errors.Add(field, $"is required: {HourText.Expected}");
        return null;
    }

    /// <summary>The hour, or null with the error recorded under <paramref name="field"/>.</summary>
    public Hour? Read(string field, FieldErrors errors)
    {
        if (HourText.TryParseHourOrTime(Text.Length > 40 ? Text[..40] + "…" : Text, out var hour, out var error)) return hour;
        errors.Add(field, error!);
        return null;
    }
}
