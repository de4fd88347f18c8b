namespace Neocloud.Economics.MonteCarlo;

/// <summary>One draw of the uncertain inputs.</summary>
public sealed record Draw(decimal Utilization, decimal PowerPriceFactor, decimal ResidualFraction, int DelayMonths);

/// <summary>
/// The distributions of the Monte Carlo, drawn in a fixed order from one seeded generator so that the same seed
/// gives the same result:
/// utilization ~ triangular(85%, 97%, 100%); power price × lognormal(median 1, σ 0.25);
/// residual value ~ uniform(0, 2 × the deal's residual fraction, at most 1);
/// delivery delay: none with probability 0.6, 1–3 months with 0.3, 4–6 months with 0.1.
/// The factors are dimensionless draws; money stays decimal.
/// </summary>
public sealed class RiskModel(int seed, decimal baseResidualFraction)
{
    /// <summary>The longest delay a draw can have.</summary>
    public const int MaxDelayMonths = 6;

    private readonly Random _random = new(seed);

    /// <summary>The next draw.</summary>
    public Draw Next()
    {
        var utilization = Triangular(0.85, 0.97, 1.0);
        var power = Math.Exp(0.25 * Normal());
        var residual = Math.Min(1.0, _random.NextDouble() * 2.0 * (double)baseResidualFraction);
        var branch = _random.NextDouble();
        var delay = branch < 0.6 ? 0 : branch < 0.9 ? _random.Next(1, 4) : _random.Next(4, MaxDelayMonths + 1);
        return new Draw(Round(utilization), Round(power), Round(residual), delay);
    }

    private double Triangular(double low, double mode, double high)
    {
        var u = _random.NextDouble();
        var cut = (mode - low) / (high - low);
        return u < cut
            ? low + Math.Sqrt(u * (high - low) * (mode - low))
            : high - Math.Sqrt((1 - u) * (high - low) * (high - mode));
    }

    private double Normal()
    {
        // Box–Muller; 1 − U keeps the logarithm finite.
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private static decimal Round(double value) => Math.Round((decimal)value, 6);
}
