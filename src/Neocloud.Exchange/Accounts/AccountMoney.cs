using System.Globalization;

namespace Neocloud.Exchange.Accounts;

/// <summary>Accounts' money as text: cents shown as dollars with two decimals, and dollars read back to cents.</summary>
public static class AccountMoney
{
    /// <summary>Cents as dollars with two decimals, invariant (<c>-1234.50</c>).</summary>
    public static string Usd(long cents) => (cents / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>Cents as dollars, or null.</summary>
    public static string? Usd(long? cents) => cents is { } c ? Usd(c) : null;

    /// <summary>
    /// Dollars as text (<c>"250000.00"</c>; at most two decimals) to cents, or null with why not. The largest amount is
    /// a trillion dollars.
    /// </summary>
    public static (long Cents, string? Problem) ParseUsd(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return (0, "is required (dollars as a string, e.g. \"250000.00\")");
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var dollars))
            return (0, $"'{text}' is not an amount of dollars (e.g. \"250000.00\")");
        if (decimal.Round(dollars, 2) != dollars) return (0, "has more than two decimals");
        if (Math.Abs(dollars) > 1_000_000_000_000m) return (0, "is more than a trillion dollars");
        return ((long)(dollars * 100m), null);
    }
}
