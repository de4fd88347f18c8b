using CsCheck;
using Neocloud.Domain.Time;

namespace Neocloud.Domain.Tests.Time;

public class HourWindowTests
{
    [Theory]
    [InlineData(-1, 5, "start must be >= 0")]
    [InlineData(5, 5, "end must be after start")]
    [InlineData(7, 5, "end must be after start")]
    public void Rejects_negative_empty_and_backwards_windows(long start, long end, string reason)
    {
        Assert.False(HourWindow.TryCreate(start, end, out _, out var error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void Containment_and_overlap_follow_half_open_ranges()
    {
        var outer = HourWindow.Of(10, 20);
        Assert.True(outer.Contains(HourWindow.Of(10, 20)));
        Assert.True(outer.Contains(HourWindow.Of(12, 13)));
        Assert.False(outer.Contains(HourWindow.Of(9, 12)));
        Assert.False(outer.Overlaps(HourWindow.Of(20, 25)));
        Assert.True(outer.Overlaps(HourWindow.Of(19, 25)));
    }

    [Fact]
    public void Overlap_is_the_same_as_sharing_an_hour() =>
        Gen.Select(Gen.Int[0, 30], Gen.Int[1, 10], Gen.Int[0, 30], Gen.Int[1, 10]).Sample((s1, l1, s2, l2) =>
        {
            var a = HourWindow.Of(s1, s1 + l1);
            var b = HourWindow.Of(s2, s2 + l2);
            var shared = Enumerable.Range(s1, l1).Intersect(Enumerable.Range(s2, l2)).Any();
            return a.Overlaps(b) == shared && b.Overlaps(a) == shared;
        });

    [Fact]
    public void Hour_counts_whole_utc_hours_since_the_epoch()
    {
        var instant = new DateTimeOffset(2026, 11, 24, 13, 59, 59, TimeSpan.Zero);
        var hour = Hour.FromUtc(instant);
        Assert.Equal((int)(instant.ToUnixTimeSeconds() / 3600), hour.Value);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 13, 0, 0, TimeSpan.Zero), hour.StartUtc);
    }
}
