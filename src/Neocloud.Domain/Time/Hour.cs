namespace Neocloud.Domain.Time;

/// <summary>A whole UTC hour, counted as <c>unix_seconds / 3600</c>: the market's unit of time.</summary>
public readonly record struct Hour(int Value) : IComparable<Hour>
{
    /// <summary>The largest window length an order may span: ten years of hours.</summary>
    public const int MaxWindowHours = 87_600;

    /// <summary>The hour that contains the given instant (floored, so instants before 1970 are not hours).</summary>
    public static Hour FromUtc(DateTimeOffset instant)
    {
        var seconds = instant.ToUnixTimeSeconds();
        ArgumentOutOfRangeException.ThrowIfNegative(seconds, nameof(instant));
        return new Hour(checked((int)(seconds / 3600)));
    }

    /// <summary>The instant this hour starts, in UTC.</summary>
    public DateTimeOffset StartUtc => DateTimeOffset.FromUnixTimeSeconds(Value * 3600L);

    public int CompareTo(Hour other) => Value.CompareTo(other.Value);

    public static bool operator <(Hour left, Hour right) => left.Value < right.Value;
    public static bool operator >(Hour left, Hour right) => left.Value > right.Value;
    public static bool operator <=(Hour left, Hour right) => left.Value <= right.Value;
    public static bool operator >=(Hour left, Hour right) => left.Value >= right.Value;

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
