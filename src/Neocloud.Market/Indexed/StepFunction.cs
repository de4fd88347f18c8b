using Neocloud.Market.Commands;

namespace Neocloud.Market.Indexed;

/// <summary>
/// An integer-valued step function of the hour, stored as its breakpoints only: <c>value[i]</c> holds on
/// <c>[hours[i], hours[i + 1])</c>, and the function is 0 before the first breakpoint and after the last. Memory is
/// proportional to the breakpoints, not to the hours covered. Equal neighbours are merged as they appear.
/// </summary>
public sealed class StepFunction
{
    private readonly List<int> _hours = [];
    private readonly List<int> _values = [];

    /// <summary>Number of breakpoints held.</summary>
    public int Breakpoints => _hours.Count;

    /// <summary>Adds <paramref name="delta"/> to every hour of <c>[start, end)</c>.</summary>
    public void Add(int start, int end, int delta)
    {
        if (delta == 0 || end <= start) return;
        var first = Split(start);
        var last = Split(end);
        for (var i = first; i < last; i++) _values[i] += delta;
        Merge(last);
        Merge(first);
    }

    /// <summary>The value at one hour.</summary>
    public int At(int hour)
    {
        var index = IndexAtOrBefore(hour);
        return index < 0 ? 0 : _values[index];
    }

    /// <summary>The smallest value over <c>[start, end)</c>.</summary>
    public int Min(int start, int end)
    {
        var index = IndexAtOrBefore(start);
        var min = index < 0 ? 0 : _values[index];
        for (var i = index + 1; i < _hours.Count && _hours[i] < end; i++)
        {
            if (_values[i] < min) min = _values[i];
        }
        return min;
    }

    /// <summary>The largest value over <c>[start, end)</c>.</summary>
    public int Max(int start, int end)
    {
        var index = IndexAtOrBefore(start);
        var max = index < 0 ? 0 : _values[index];
        for (var i = index + 1; i < _hours.Count && _hours[i] < end; i++)
        {
            if (_values[i] > max) max = _values[i];
        }
        return max;
    }

    /// <summary>The next breakpoint after <paramref name="hour"/>, or <paramref name="limit"/> when there is none before it.</summary>
    public int NextBreak(int hour, int limit)
    {
        var index = IndexAtOrBefore(hour) + 1;
        return index < _hours.Count && _hours[index] < limit ? _hours[index] : limit;
    }

    /// <summary>The non-zero steps, in order.</summary>
    public IEnumerable<Segment> Segments()
    {
        for (var i = 0; i + 1 < _hours.Count; i++)
        {
            if (_values[i] != 0) yield return new Segment(_hours[i], _hours[i + 1], _values[i]);
        }
    }

    /// <summary>A step function holding the given segments.</summary>
    public static StepFunction Of(IEnumerable<Segment> segments)
    {
        var function = new StepFunction();
        foreach (var s in segments) function.Add(s.Start, s.End, s.Gpus);
        return function;
    }

    private int IndexAtOrBefore(int hour)
    {
        var index = _hours.BinarySearch(hour);
        return index >= 0 ? index : ~index - 1;
    }

    /// <summary>Makes <paramref name="hour"/> a breakpoint and returns its index.</summary>
    private int Split(int hour)
    {
        var index = _hours.BinarySearch(hour);
        if (index >= 0) return index;
        index = ~index;
        var value = index == 0 ? 0 : _values[index - 1];
        _hours.Insert(index, hour);
        _values.Insert(index, value);
        return index;
    }

    /// <summary>Removes breakpoint <paramref name="index"/> when it no longer changes the value.</summary>
    private void Merge(int index)
    {
        if (index < 0 || index >= _hours.Count) return;
        var before = index == 0 ? 0 : _values[index - 1];
        if (_values[index] != before) return;
        _hours.RemoveAt(index);
        _values.RemoveAt(index);
    }
}
