namespace Neocloud.Domain.Capacity;

/// <summary>A non-negative number of GPUs.</summary>
public readonly record struct GpuCount : IComparable<GpuCount>
{
    /// <summary>The number of GPUs.</summary>
    public int Value { get; }

    private GpuCount(int value) => Value = value;

    /// <summary>Zero GPUs.</summary>
    public static GpuCount Zero => default;

    /// <summary>Validates a count: an integer from 0 up.</summary>
    public static bool TryCreate(long value, out GpuCount count, out string? error)
    {
        count = default;
        if (value < 0) { error = $"must be >= 0, got {value}"; return false; }
        if (value > int.MaxValue) { error = $"must be at most {int.MaxValue}, got {value}"; return false; }
        count = new GpuCount((int)value);
        error = null;
        return true;
    }

    /// <summary>A count the caller has already checked; a negative one here is a bug.</summary>
    public static GpuCount Of(int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        return new GpuCount(value);
    }

    public int CompareTo(GpuCount other) => Value.CompareTo(other.Value);

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
