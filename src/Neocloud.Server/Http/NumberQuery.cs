using System.Globalization;
using Neocloud.Domain.Input;

namespace Neocloud.Server.Http;

/// <summary>
/// A decimal number in a query string (<c>?gap=0.05</c>), as written. Like <see cref="WholeQuery"/>, binding keeps the
/// text, so that a bad one becomes a validation problem naming the parameter, not a bare 400; the OpenAPI document
/// says it is a number.
/// </summary>
public readonly record struct NumberQuery(string Text)
{
    /// <summary>How minimal APIs bind the parameter: always, keeping the text for <see cref="Read(string, FieldErrors)"/>.</summary>
    public static bool TryParse(string? text, IFormatProvider? provider, out NumberQuery value)
    {
        value = new NumberQuery(text ?? "");
        return text is not null;
    }

    /// <summary>The number, or null with the error recorded under <paramref name="field"/>.</summary>
    public decimal? Read(string field, FieldErrors errors)
    {
        if (decimal.TryParse(Text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)) return value;
        errors.Add(field, $"must be a number, got '{(Text.Length > 40 ? Text[..40] + "…" : Text)}'");
        return null;
    }
}
