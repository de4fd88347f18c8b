using System.Runtime.CompilerServices;
using Neocloud.Market.Commands;

namespace Neocloud.Market.Compact;

/// <summary>An hour where a step function's value changes, and the value from there on.</summary>
internal struct Breakpoint(int hour, int value)
{
    public int Hour = hour;
    public int Value = value;
}

/// <summary>The first few breakpoints of an ask's GPUs left, held inline.</summary>
[InlineArray(AskSteps.InlineBreakpoints)]
internal struct InlineBreakpoints
{
    private Breakpoint _first;
}

/// <summary>
/// What a bid's search reads of an ask once the ask's bucket entry has passed it, in one 64-byte block addressed by the
/// ask's handle: the GPUs it has left by hour (up to five breakpoints inline, more in an overflow array), its seller,
/// and the step a bid last found short. The block's place follows from the handle alone, so reading it does not wait
/// on any other load.
/// </summary>
internal struct AskSteps
{
    /// <summary>Breakpoints held inline; an ask filled in pieces more often than that keeps them in an overflow array.</summary>
    public const int InlineBreakpoints = 5;

    public InlineBreakpoints Inline;

    /// <summary>Breakpoints held: inline up to <see cref="InlineBreakpoints"/>, else in overflow array <see cref="Overflow"/>.</summary>
    public int Count;

    public int Overflow;

    /// <summary>The seller's name handle.</summary>
    public int Account;

    /// <summary>Hours <c>[ShortFrom, ShortUntil)</c> had only <see cref="ShortOf"/> GPUs left when a bid last found the ask short (empty at first).</summary>
    public int ShortFrom, ShortUntil, ShortOf;
}

/// <summary>
/// The step functions of <see cref="Indexed.StepFunction"/> over a span of breakpoints: value[i] holds on
/// <c>[hour[i], hour[i + 1])</c>, 0 before the first breakpoint and after the last; equal neighbours merged. Breakpoints
/// are few (an ask has two, plus two per fill), so searches are linear.
/// </summary>
internal static class Steps
{
    /// <summary>The last breakpoint at or before <paramref name="hour"/>, or -1.</summary>
    public static int IndexAtOrBefore(ReadOnlySpan<Breakpoint> steps, int hour)
    {
        var i = 0;
        while (i < steps.Length && steps[i].Hour <= hour) i++;
        return i - 1;
    }

    /// <summary>The smallest value over <c>[start, end)</c>.</summary>
    public static int Min(ReadOnlySpan<Breakpoint> steps, int start, int end)
    {
        var index = IndexAtOrBefore(steps, start);
        var min = index < 0 ? 0 : steps[index].Value;
        for (var i = index + 1; i < steps.Length && steps[i].Hour < end; i++)
        {
            if (steps[i].Value < min) min = steps[i].Value;
        }
        return min;
    }

    /// <summary>The largest value over <c>[start, end)</c>.</summary>
    public static int Max(ReadOnlySpan<Breakpoint> steps, int start, int end)
    {
        var index = IndexAtOrBefore(steps, start);
        var max = index < 0 ? 0 : steps[index].Value;
        for (var i = index + 1; i < steps.Length && steps[i].Hour < end; i++)
        {
            if (steps[i].Value > max) max = steps[i].Value;
        }
        return max;
    }

    /// <summary>The first step meeting <c>[start, end)</c> whose value is below <paramref name="limit"/> (its whole extent and value), or false.</summary>
    public static bool FirstStepBelow(ReadOnlySpan<Breakpoint> steps, int limit, int start, int end, out int from, out int until, out int value)
    {
        var index = IndexAtOrBefore(steps, start);
        for (var i = index; i < steps.Length && (i < 0 || steps[i].Hour < end); i++)
        {
            value = i < 0 ? 0 : steps[i].Value;
            if (value < limit)
            {
                from = i < 0 ? int.MinValue : steps[i].Hour;
                until = i + 1 < steps.Length ? steps[i + 1].Hour : int.MaxValue;
                return true;
            }
        }
        (from, until, value) = (0, 0, 0);
        return false;
    }

    /// <summary>The largest value of each <paramref name="width"/>-hour slot from <paramref name="origin"/> over <c>[start, end)</c>, a byte per slot capped at 255.</summary>
    public static ulong SlotMaxima(ReadOnlySpan<Breakpoint> steps, int start, int end, int origin, int width)
    {
        var slots = 0UL;
        var index = IndexAtOrBefore(steps, start);
        for (var hour = start; hour < end; index++)
        {
            var next = index + 1 < steps.Length ? Math.Min(steps[index + 1].Hour, end) : end;
            var value = (ulong)Math.Clamp(index < 0 ? 0 : steps[index].Value, 0, 255);
            for (var slot = (hour - origin) / width; slot <= (next - 1 - origin) / width; slot++)
            {
                var shift = 8 * slot;
                if (value > ((slots >> shift) & 0xFF)) slots = (slots & ~(0xFFUL << shift)) | (value << shift);
            }
            hour = next;
        }
        return slots;
    }

    /// <summary>The sum of value × hours over the non-zero steps.</summary>
    public static long Area(ReadOnlySpan<Breakpoint> steps)
    {
        var total = 0L;
        for (var i = 0; i + 1 < steps.Length; i++) total += (long)steps[i].Value * (steps[i + 1].Hour - steps[i].Hour);
        return total;
    }

    /// <summary>The non-zero steps, in order.</summary>
    public static List<Segment> Segments(ReadOnlySpan<Breakpoint> steps)
    {
        var segments = new List<Segment>();
        for (var i = 0; i + 1 < steps.Length; i++)
        {
            if (steps[i].Value != 0) segments.Add(new Segment(steps[i].Hour, steps[i + 1].Hour, steps[i].Value));
        }
        return segments;
    }

    /// <summary>
    /// Adds <paramref name="delta"/> to every hour of <c>[start, end)</c> of the <paramref name="count"/> breakpoints at the
    /// front of <paramref name="steps"/> (which has room for two more) and returns the new count.
    /// </summary>
    public static int Add(Span<Breakpoint> steps, int count, int start, int end, int delta)
    {
        if (delta == 0 || end <= start) return count;
        var first = Split(steps, ref count, start);
        var last = Split(steps, ref count, end);
        for (var i = first; i < last; i++) steps[i].Value += delta;
        Merge(steps, ref count, last);
        Merge(steps, ref count, first);
        return count;
    }

    private static int Split(Span<Breakpoint> steps, ref int count, int hour)
    {
        var index = 0;
        while (index < count && steps[index].Hour < hour) index++;
        if (index < count && steps[index].Hour == hour) return index;
        var value = index == 0 ? 0 : steps[index - 1].Value;
        steps[index..count].CopyTo(steps[(index + 1)..]);
        steps[index] = new Breakpoint(hour, value);
        count++;
        return index;
    }

    private static void Merge(Span<Breakpoint> steps, ref int count, int index)
    {
        if (index < 0 || index >= count) return;
        var before = index == 0 ? 0 : steps[index - 1].Value;
        if (steps[index].Value != before) return;
        steps[(index + 1)..count].CopyTo(steps[index..]);
        count--;
    }
}
