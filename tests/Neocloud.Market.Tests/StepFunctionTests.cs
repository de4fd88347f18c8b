using CsCheck;
using Neocloud.Market.Indexed;

namespace Neocloud.Market.Tests;

/// <summary>The indexed engine's step function against a plain array of hours, on random additions and queries.</summary>
public class StepFunctionTests
{
    private const int Hours = 400;

    [Fact]
    public void Queries_agree_with_an_array_of_hours() =>
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var (function, hours) = RandomFunction(random);
            for (var q = 0; q < 20; q++)
            {
                var (start, end) = RandomWindow(random);
                var window = hours[start..end];
                Assert.Equal(window.Min(), function.Min(start, end));
                Assert.Equal(window.Max(), function.Max(start, end));
                Assert.Equal(hours[start], function.At(start));
                var next = Enumerable.Range(start + 1, end - start - 1).FirstOrDefault(h => hours[h] != hours[h - 1], end);
                Assert.Equal(next, function.NextBreak(start, end));
            }
        }, iter: 500);

    [Fact]
    public void First_hour_above_a_limit_agrees_with_an_array_of_hours() =>
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var (used, usedHours) = RandomFunction(random);
            var (limit, limitHours) = RandomFunction(random);
            for (var q = 0; q < 20; q++)
            {
                var (start, end) = RandomWindow(random);
                var extra = random.Next(0, 30);
                var expected = Enumerable.Range(start, end - start).FirstOrDefault(h => usedHours[h] + extra > limitHours[h], -1);
                Assert.Equal(expected, used.FirstHourAbove(limit, extra, start, end));
            }
        }, iter: 500);

    [Fact]
    public void The_first_step_below_a_limit_is_the_whole_step_at_the_first_such_hour() =>
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var (function, hours) = RandomFunction(random);
            for (var q = 0; q < 20; q++)
            {
                var (start, end) = RandomWindow(random);
                var limit = random.Next(-5, 40);
                var first = Enumerable.Range(start, end - start).FirstOrDefault(h => hours[h] < limit, -1);
                var step = function.FirstStepBelow(limit, start, end);
                if (first < 0)
                {
                    Assert.Null(step);
                    continue;
                }
                var (from, until, value) = Assert.NotNull(step);
                Assert.Equal(hours[first], value);
                Assert.True(from <= first && first < until);
                // The step is whole: every hour of it has the value, and the hours just outside it do not.
                for (var h = Math.Max(0, from); h < Math.Min(Hours, until); h++) Assert.Equal(value, hours[h]);
                if (from > 0) Assert.NotEqual(value, hours[from - 1]);
                if (until < Hours) Assert.NotEqual(value, hours[until]);
            }
        }, iter: 500);

    [Fact]
    public void Slot_maxima_are_each_slots_largest_value_capped_at_a_byte() =>
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var (function, hours) = RandomFunction(random, scale: random.Next(2) == 0 ? 1 : 40);
            for (var q = 0; q < 20; q++)
            {
                var width = random.Next(1, Hours / 8 + 1);
                var origin = random.Next(Hours - 8 * width + 1);
                var start = origin + random.Next(8 * width);
                var end = start + random.Next(1, origin + 8 * width - start + 1);
                var slots = function.SlotMaxima(start, end, origin, width);
                for (var slot = 0; slot < 8; slot++)
                {
                    var from = Math.Max(start, origin + slot * width);
                    var to = Math.Min(end, origin + (slot + 1) * width);
                    var expected = from < to ? Math.Clamp(hours[from..to].Max(), 0, 255) : 0;
                    Assert.Equal((ulong)expected, (slots >> (8 * slot)) & 0xFF);
                }
            }
        }, iter: 500);

    /// <summary>A random non-empty window of hours inside the tested range.</summary>
    private static (int Start, int End) RandomWindow(Random random)
    {
        var start = random.Next(Hours);
        return (start, start + random.Next(1, Hours - start + 1));
    }

    /// <summary>A function built from random additions (some negative), and the same values hour by hour.</summary>
    private static (StepFunction Function, int[] Hours) RandomFunction(Random random, int scale = 1)
    {
        var function = new StepFunction();
        var hours = new int[Hours];
        for (var i = random.Next(0, 30); i > 0; i--)
        {
            var start = random.Next(Hours);
            var end = start + random.Next(1, Math.Min(120, Hours - start) + 1);
            var delta = scale * random.Next(-5, 20);
            function.Add(start, end, delta);
            for (var h = start; h < end; h++) hours[h] += delta;
        }
        return (function, hours);
    }
}
