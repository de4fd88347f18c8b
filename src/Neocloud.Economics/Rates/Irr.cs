namespace Neocloud.Economics.Rates;

/// <summary>
/// Internal rate of return by bracketing: scan the monthly rate over (−99 %, +1000 %] on a grid dense near zero for
/// sign changes of the NPV, then bisect each bracket to machine precision. No sign change in the cash flows means no
/// IRR (null); with several roots, the one nearest the given monthly rate wins. Root finding runs on doubles (a rate
/// is not money); the cash flows stay decimal everywhere else.
/// </summary>
public static class Irr
{
    private const int GridPoints = 20_000;
    private static readonly double[] s_grid = BuildGrid();

    /// <summary>The monthly IRR nearest <paramref name="nearMonthly"/>, or null where none exists.</summary>
    public static decimal? Monthly(IReadOnlyList<decimal> cash, decimal nearMonthly)
    {
        if (!ChangesSign(cash)) return null;
        var flows = new double[cash.Count];
        for (var m = 0; m < flows.Length; m++) flows[m] = (double)cash[m];

        double? best = null;
        var target = (double)nearMonthly;
        var previousRate = s_grid[0];
        var previousValue = Npv(flows, previousRate);
        for (var k = 1; k < s_grid.Length; k++)
        {
            var rate = s_grid[k];
            var value = Npv(flows, rate);
            double? root = previousValue == 0 ? previousRate
                : value == 0 ? rate
                : Math.Sign(value) != Math.Sign(previousValue) ? Bisect(flows, previousRate, rate, previousValue)
                : null;
            if (root is { } r && (best is null || Math.Abs(r - target) < Math.Abs(best.Value - target))) best = r;
            previousRate = rate;
            previousValue = value;
        }
        return best is { } found ? (decimal)found : null;
    }

    /// <summary>The IRR annualized as <c>(1 + monthly)^12 − 1</c>, or null.</summary>
    public static decimal? Annual(IReadOnlyList<decimal> cash, decimal nearMonthly) =>
        Monthly(cash, nearMonthly) is { } monthly ? Discounting.AnnualFromMonthly(monthly) : null;

    /// <summary>True when the flows have both a positive and a negative value: only then can an IRR exist.</summary>
    public static bool ChangesSign(IReadOnlyList<decimal> cash)
    {
        bool positive = false, negative = false;
        foreach (var c in cash)
        {
            positive |= c > 0;
            negative |= c < 0;
        }
        return positive && negative;
    }

    /// <summary>NPV at a monthly rate, by Horner's rule in v = 1 / (1 + rate).</summary>
    internal static double Npv(double[] flows, double rate)
    {
        var v = 1.0 / (1.0 + rate);
        var total = 0.0;
        for (var m = flows.Length - 1; m >= 0; m--) total = total * v + flows[m];
        return total;
    }

    private static double Bisect(double[] flows, double low, double high, double lowValue)
    {
        for (var i = 0; i < 200; i++)
        {
            var mid = 0.5 * (low + high);
            if (mid <= low || mid >= high) break;
            var value = Npv(flows, mid);
            if (value == 0) return mid;
            if (Math.Sign(value) == Math.Sign(lowValue))
            {
                low = mid;
                lowValue = value;
            }
            else
            {
                high = mid;
            }
        }
        return 0.5 * (low + high);
    }

    private static double[] BuildGrid()
    {
        // Uniform in log(1 + rate): fine steps near zero where real deals live, coarse ones far out.
        var lo = Math.Log(0.01);
        var hi = Math.Log(11.0);
        var grid = new double[GridPoints + 1];
        for (var k = 0; k <= GridPoints; k++) grid[k] = Math.Exp(lo + (hi - lo) * k / GridPoints) - 1.0;
        return grid;
    }
}
