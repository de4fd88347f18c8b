namespace Neocloud.Economics.Rates;

/// <summary>Discounting in decimal: monthly rates from annual ones, discount factors, net present value.</summary>
public static class Discounting
{
    /// <summary>The monthly rate equivalent to an annual one: <c>(1 + annual)^(1/12) − 1</c>, to decimal precision.</summary>
    public static decimal MonthlyFromAnnual(decimal annual)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(annual, -1m);
        var a = 1m + annual;
        // Newton's method for x^12 = a, started from the double estimate; converges in a few steps at decimal precision.
        var x = (decimal)Math.Pow((double)a, 1.0 / 12.0);
        for (var step = 0; step < 8; step++)
        {
            var x11 = Power(x, 11);
            var next = x - (x11 * x - a) / (12m * x11);
            if (next == x) break;
            x = next;
        }
        return x - 1m;
    }

    /// <summary>The annual rate equivalent to a monthly one: <c>(1 + monthly)^12 − 1</c>.</summary>
    public static decimal AnnualFromMonthly(decimal monthly) => Power(1m + monthly, 12) - 1m;

    /// <summary>Discount factors <c>1 / (1 + monthly)^m</c> for months 0 to <paramref name="months"/> − 1.</summary>
    public static decimal[] DiscountFactors(decimal monthly, int months)
    {
        var factors = new decimal[months];
        var factor = 1m;
        for (var m = 0; m < months; m++)
        {
            factors[m] = factor;
            factor /= 1m + monthly;
        }
        return factors;
    }

    /// <summary>Net present value of monthly cash flows (month 0 undiscounted) at a monthly rate.</summary>
    public static decimal Npv(IReadOnlyList<decimal> cash, decimal monthly)
    {
        var total = 0m;
        var factor = 1m;
        for (var m = 0; m < cash.Count; m++)
        {
            total += cash[m] * factor;
            factor /= 1m + monthly;
        }
        return total;
    }

    /// <summary><paramref name="value"/> to a whole, non-negative <paramref name="exponent"/>.</summary>
    public static decimal Power(decimal value, int exponent)
    {
        var result = 1m;
        for (var i = 0; i < exponent; i++) result *= value;
        return result;
    }
}
