namespace Neocloud.Domain.Time;

/// <summary>A half-open range of hours <c>[Start, End)</c> with <c>0 ≤ Start &lt; End</c>.</summary>
public readonly record struct HourWindow
{
    /// <summary>The first hour in the window.</summary>
    public Hour Start { get; }

    /// <summary>The first hour after the window.</summary>
    public Hour End { get; }

    private HourWindow(Hour start, Hour end)
    {
        Start = start;
        End = end;
    }

    /// <summary>Number of hours in the window.</summary>
    public int Length => End.Value - Start.Value;

    /// <summary>Builds a window, or says why the bounds are not one.</summary>
    public static bool TryCreate(long start, long end, out HourWindow window, out string? error)
    {
        window = default;
        if (start < 0) { error = $"start must be >= 0, got {start}"; return false; }
        if (end <= start) { error = $"end must be after start, got [{start}, {end})"; return false; }
        if (end > int.MaxValue) { error = $"end is beyond the last representable hour, got {end}"; return false; }
        window = new HourWindow(new Hour((int)start), new Hour((int)end));
        error = null;
        return true;
    }

    /// <summary>Builds a window from bounds the caller has already checked; a bad window here is a bug.</summary>
    public static HourWindow Of(long start, long end) =>
        TryCreate(start, end, out var window, out var error) ? window : throw new ArgumentException(error);

    /// <summary>True when <paramref name="other"/> lies entirely inside this window.</summary>
    public bool Contains(HourWindow other) => Start <= other.Start && other.End <= End;

    /// <summary>True when the two windows share at least one hour.</summary>
    public bool Overlaps(HourWindow other) => Start < other.End && other.Start < End;

    public override string ToString() => $"[{Start}, {End})";
}
