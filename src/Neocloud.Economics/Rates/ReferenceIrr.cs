namespace Neocloud.Economics.Rates;

/// <summary>
/// The obvious IRR, kept beside <see cref="Irr"/> to check it: step the monthly rate in even steps of 0.0001 from
/// −0.99 to 10, and bisect wherever the NPV changes sign. Slow and plain.
/// </summary>
public static class ReferenceIrr
{
    /// <summary>The monthly IRR nearest <paramref name="nearMonthly"/>, or null.</summary>
    public static decimal? Monthly(IReadOnlyList<decimal> cash, decimal nearMonthly)
    {
        if (!Irr.ChangesSign(cash)) return null;
        var flows = cash.Select(c => (double)c).ToArray();
        var roots = new List<double>();
        const double step = 0.0001;
        var previous = -0.99;
        var previousValue = Irr.Npv(flows, previous);
        for (var rate = previous + step; rate <= 10.0; rate += step)
        {
            var value = Irr.Npv(flows, rate);
            if (previousValue == 0) roots.Add(previous);
            else if (Math.Sign(value) != Math.Sign(previousValue) && value != 0)
            {
                double low = previous, high = rate;
                for (var i = 0; i < 100; i++)
                {
                    var mid = (low + high) / 2;
                    if (Math.Sign(Irr.Npv(flows, mid)) == Math.Sign(Irr.Npv(flows, low))) low = mid;
                    else high = mid;
                }
                roots.Add((low + high) / 2);
            }
            previous = rate;
            previousValue = value;
        }
        if (roots.Count == 0) return null;
        var target = (double)nearMonthly;
        return (decimal)roots.OrderBy(r => Math.Abs(r - target)).First();
    }
}
