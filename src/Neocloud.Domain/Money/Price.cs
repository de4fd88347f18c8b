using System.Globalization;

namespace Neocloud.Domain.Money;

/// <summary>
/// A positive price in USD per GPU-hour, held as integer ticks of $0.0001 so that it is exact.
/// </summary>
public readonly record struct Price : IComparable<Price>
{
    /// <summary>Ticks in one dollar.</summary>
    public const long TicksPerDollar = 10_000;

    /// <summary>The largest accepted price: $1,000,000 per GPU-hour, far above any real one.</summary>
    public const decimal MaxDollars = 1_000_000m;

    /// <summary>The price in ticks of $0.0001.</summary>
    public long Ticks { get; }

    private Price(long ticks) => Ticks = ticks;

    /// <summary>The price in dollars, exact.</summary>
    public decimal Dollars => Ticks / (decimal)TicksPerDollar;

    /// <summary>A price from ticks the caller has already validated (positive).</summary>
    public static Price FromTicks(long ticks)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ticks);
        return new Price(ticks);
    }

    /// <summary>Validates a dollar amount: positive, at most 4 decimals, not absurdly large.</summary>
    public static bool TryFromDollars(decimal dollars, out Price price, out string? error)
    {
        price = default;
        if (dollars <= 0m) { error = $"must be positive, got {dollars.ToString(CultureInfo.InvariantCulture)}"; return false; }
        if (dollars > MaxDollars) { error = $"must be at most {MaxDollars.ToString(CultureInfo.InvariantCulture)}"; return false; }
        var ticks = dollars * TicksPerDollar;
        if (ticks != decimal.Truncate(ticks))
        {
            error = $"must have at most 4 decimals, got {dollars.ToString(CultureInfo.InvariantCulture)}";
            return false;
        }
        price = new Price((long)ticks);
        error = null;
        return true;
    }

    /// <summary>Parses a price written as a plain decimal number such as <c>"2.4500"</c>.</summary>
    public static bool TryParse(string? text, out Price price, out string? error)
    {
        price = default;
        if (string.IsNullOrWhiteSpace(text)) { error = "must be a decimal number such as \"2.4500\""; return false; }
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var dollars))
        {
            error = $"must be a decimal number such as \"2.4500\", got \"{text}\"";
            return false;
        }
        return TryFromDollars(dollars, out price, out error);
    }

    public int CompareTo(Price other) => Ticks.CompareTo(other.Ticks);

    public static bool operator <(Price left, Price right) => left.Ticks < right.Ticks;
    public static bool operator >(Price left, Price right) => left.Ticks > right.Ticks;
    public static bool operator <=(Price left, Price right) => left.Ticks <= right.Ticks;
    public static bool operator >=(Price left, Price right) => left.Ticks >= right.Ticks;

    /// <summary>The price with exactly four decimals, e.g. <c>2.4500</c>.</summary>
    public override string ToString() => Dollars.ToString("0.0000", CultureInfo.InvariantCulture);
}
