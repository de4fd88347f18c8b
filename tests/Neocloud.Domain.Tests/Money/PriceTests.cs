using CsCheck;
using Neocloud.Domain.Money;

namespace Neocloud.Domain.Tests.Money;

public class PriceTests
{
    [Theory]
    [InlineData("2.45", 24_500L)]
    [InlineData("2.4500", 24_500L)]
    [InlineData("0.0001", 1L)]
    [InlineData("3100", 31_000_000L)]
    public void Parses_decimal_text_into_exact_ticks(string text, long ticks)
    {
        Assert.True(Price.TryParse(text, out var price, out _));
        Assert.Equal(ticks, price.Ticks);
    }

    [Theory]
    [InlineData("2.45001", "at most 4 decimals")]
    [InlineData("0", "positive")]
    [InlineData("-1.5", "positive")]
    [InlineData("abc", "decimal number")]
    [InlineData("", "decimal number")]
    [InlineData("1e3", "decimal number")]
    [InlineData("2000000", "at most")]
    public void Rejects_text_that_is_not_a_positive_four_decimal_price(string text, string reason)
    {
        Assert.False(Price.TryParse(text, out _, out var error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void Prints_exactly_four_decimals()
    {
        Assert.True(Price.TryParse("2.45", out var price, out _));
        Assert.Equal("2.4500", price.ToString());
    }

    [Fact]
    public void Text_round_trips_for_any_valid_tick_count() =>
        Gen.Long[1, (long)(Price.MaxDollars * Price.TicksPerDollar)].Sample(ticks =>
        {
            var price = Price.FromTicks(ticks);
            return Price.TryParse(price.ToString(), out var back, out _) && back == price;
        });

    [Fact]
    public void Orders_by_ticks() =>
        Gen.Select(Gen.Long[1, 1_000_000], Gen.Long[1, 1_000_000]).Sample((a, b) =>
            (Price.FromTicks(a) < Price.FromTicks(b)) == (a < b) && Price.FromTicks(a).CompareTo(Price.FromTicks(b)) == a.CompareTo(b));
}
