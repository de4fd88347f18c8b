using Neocloud.Market.Commands;

namespace Neocloud.Market.Indexed;

/// <summary>
/// An integer-valued step function of the hour, stored as its breakpoints only: <c>value[i]</c> holds on
/// <c>[hours[i], hours[i + 1])</c>, and the function is 0 before the first breakpoint and after the last. Memory is
/// proportional to the breakpoints, not to the hours covered. Equal neighbours are merged as they appear.
/// </summary>
public sealed class StepFunction
{
    // Breakpoint i holds _steps[i].Value on [_steps[i].Hour, _steps[i + 1].Hour); used up to _count. Hour and value
    // sit side by side, so a lookup reads one array.
    private Breakpoint[] _steps = new Breakpoint[4];
    private int _count;

    /// <summary>Number of breakpoints held.</summary>
    public int Breakpoints => _count;

    /// <summary>Adds <paramref name="delta"/> to every hour of <c>[start, end)</c>.</summary>
    public void Add(int start, int end, int delta)
    {
        if (delta == 0 || end <= start) return;
        var first = Split(start);
        var last = Split(end);
        for (var i = first; i < last; i++) _steps[i].Value += delta;
        Merge(last);
        Merge(first);
    }

    /// <summary>The value at one hour.</summary>
    public int At(int hour)
    {
        var index = IndexAtOrBefore(hour);
        return index < 0 ? 0 : _steps[index].Value;
    }

    /// <summary>The smallest value over <c>[start, end)</c>.</summary>
    public int Min(int start, int end)
    {
        var index = IndexAtOrBefore(start);
        var steps = _steps.AsSpan(0, _count);
        var min = index < 0 ? 0 : steps[index].Value;
        for (var i = index + 1; i < steps.Length && steps[i].Hour < end; i++)
        {
            if (steps[i].Value < min) min = steps[i].Value;
        }
        return min;
    }

    /// <summary>
    /// The first step meeting <c>[start, end)</c> whose value is below <paramref name="limit"/>: its whole extent (the
    /// hours before the first breakpoint or from the last one run to the ends of int) and its value; null when none is.
    /// </summary>
    public (int Start, int End, int Value)? FirstStepBelow(int limit, int start, int end)
    {
        var index = IndexAtOrBefore(start);
        var steps = _steps.AsSpan(0, _count);
        for (var i = index; i < steps.Length && (i < 0 || steps[i].Hour < end); i++)
        {
            var value = i < 0 ? 0 : steps[i].Value;
            if (value < limit) return (i < 0 ? int.MinValue : steps[i].Hour, i + 1 < steps.Length ? steps[i + 1].Hour : int.MaxValue, value);
        }
        return null;
    }

    /// <summary>The largest value over <c>[start, end)</c>.</summary>
    public int Max(int start, int end)
    {
        var index = IndexAtOrBefore(start);
        var steps = _steps.AsSpan(0, _count);
        var max = index < 0 ? 0 : steps[index].Value;
        for (var i = index + 1; i < steps.Length && steps[i].Hour < end; i++)
        {
            if (steps[i].Value > max) max = steps[i].Value;
        }
        return max;
    }

    /// <summary>
    /// The largest value of each <paramref name="width"/>-hour slot counted from <paramref name="origin"/>, over the
    /// part of the slot inside <c>[start, end)</c>, one byte per slot (slot 0 lowest, at most 8), capped at 255; a slot
    /// outside the range holds 0. One walk over the breakpoints inside the range.
    /// </summary>
    public ulong SlotMaxima(int start, int end, int origin, int width)
    {
        var slots = 0UL;
        var index = IndexAtOrBefore(start);
        for (var hour = start; hour < end; index++)
        {
            var next = index + 1 < _count ? Math.Min(_steps[index + 1].Hour, end) : end;
            var value = (ulong)Math.Clamp(index < 0 ? 0 : _steps[index].Value, 0, 255);
            for (var slot = (hour - origin) / width; slot <= (next - 1 - origin) / width; slot++)
            {
                var shift = 8 * slot;
                if (value > ((slots >> shift) & 0xFF)) slots = (slots & ~(0xFFUL << shift)) | (value << shift);
            }
            hour = next;
        }
        return slots;
    }

    /// <summary>The next breakpoint after <paramref name="hour"/>, or <paramref name="limit"/> when there is none before it.</summary>
    public int NextBreak(int hour, int limit)
    {
        var index = IndexAtOrBefore(hour) + 1;
        return index < _count && _steps[index].Hour < limit ? _steps[index].Hour : limit;
    }

    /// <summary>
    /// The first hour of <c>[start, end)</c> where this function plus <paramref name="extra"/> exceeds
    /// <paramref name="limit"/>, or -1: one walk over the breakpoints of both functions inside the window.
    /// </summary>
    public int FirstHourAbove(StepFunction limit, int extra, int start, int end)
    {
        var mine = IndexAtOrBefore(start);
        var theirs = limit.IndexAtOrBefore(start);
        for (var hour = start; hour < end;)
        {
            var value = mine < 0 ? 0 : _steps[mine].Value;
            var bound = theirs < 0 ? 0 : limit._steps[theirs].Value;
            if ((long)value + extra > bound) return hour;
            var myNext = mine + 1 < _count ? _steps[mine + 1].Hour : int.MaxValue;
            var theirNext = theirs + 1 < limit._count ? limit._steps[theirs + 1].Hour : int.MaxValue;
            hour = Math.Min(myNext, theirNext);
            if (myNext == hour) mine++;
            if (theirNext == hour) theirs++;
        }
        return -1;
    }

    /// <summary>The non-zero steps, in order.</summary>
    public IEnumerable<Segment> Segments()
    {
        for (var i = 0; i + 1 < _count; i++)
        {
            if (_steps[i].Value != 0) yield return new Segment(_steps[i].Hour, _steps[i + 1].Hour, _steps[i].Value);
        }
    }

    /// <summary>A step function holding the given segments.</summary>
    public static StepFunction Of(IEnumerable<Segment> segments)
    {
        var function = new StepFunction();
        foreach (var s in segments) function.Add(s.Start, s.End, s.Gpus);
        return function;
    }

    /// <summary>The last breakpoint at or before <paramref name="hour"/>, or -1.</summary>
    private int IndexAtOrBefore(int hour)
    {
        var index = Search(hour);
        return index >= 0 ? index : ~index - 1;
    }

    /// <summary>The breakpoint's index, or the complement of where it would go.</summary>
    private int Search(int hour) => _steps.AsSpan(0, _count).BinarySearch(new HourOf(hour));

    /// <summary>Makes <paramref name="hour"/> a breakpoint and returns its index.</summary>
    private int Split(int hour)
    {
        var index = Search(hour);
        if (index >= 0) return index;
        index = ~index;
        var value = index == 0 ? 0 : _steps[index - 1].Value;
        if (_count == _steps.Length) Array.Resize(ref _steps, _count * 2);
        Array.Copy(_steps, index, _steps, index + 1, _count - index);
        _steps[index] = new Breakpoint(hour, value);
        _count++;
        return index;
    }

    /// <summary>Removes breakpoint <paramref name="index"/> when it no longer changes the value.</summary>
    private void Merge(int index)
    {
        if (index < 0 || index >= _count) return;
        var before = index == 0 ? 0 : _steps[index - 1].Value;
        if (_steps[index].Value != before) return;
        Array.Copy(_steps, index + 1, _steps, index, _count - index - 1);
        _count--;
    }

    /// <summary>An hour where the value changes, and the value from there on.</summary>
    private struct Breakpoint(int hour, int value)
    {
        public readonly int Hour = hour;
        public int Value = value;
    }

    /// <summary>Compares a breakpoint with an hour, for <see cref="MemoryExtensions.BinarySearch{T, TComparable}(ReadOnlySpan{T}, TComparable)"/>.</summary>
    private readonly struct HourOf(int hour) : IComparable<Breakpoint>
    {
        public int CompareTo(Breakpoint other) => hour.CompareTo(other.Hour);
    }
}
