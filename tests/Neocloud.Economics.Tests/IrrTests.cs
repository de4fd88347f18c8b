using CsCheck;
using Neocloud.Economics.Rates;

namespace Neocloud.Economics.Tests;

public class IrrTests
{
    [Theory]
    [InlineData(new double[] { -70_000, 12_000, 15_000, 18_000, 21_000, 26_000 }, 0.086631)]
    [InlineData(new double[] { -70_000, 12_000, 15_000, 18_000, 21_000 }, -0.021245)]
    [InlineData(new double[] { -100, 39, 59, 55, 20 }, 0.280948)]
    public void Matches_excels_irr_examples(double[] flows, double expected)
    {
        var irr = Irr.Monthly(flows.Select(f => (decimal)f).ToList(), 0.1m);
        Assert.Equal(expected, (double)irr!.Value, 5);
    }

    [Fact]
    public void Matches_excels_npv_example()
    {
        // Excel: NPV(10%, −10000, 3000, 4200, 6800) = 1,188.44, discounting the first value one period.
        var npv = Discounting.Npv([0m, -10_000m, 3_000m, 4_200m, 6_800m], 0.1m);
        Assert.Equal(1_188.44m, decimal.Round(npv, 2));
    }

    [Fact]
    public void Cash_flows_that_never_change_sign_have_no_irr()
    {
        Assert.Null(Irr.Monthly([100m, 50m, 25m], 0.01m));
        Assert.Null(Irr.Monthly([-100m, -50m], 0.01m));
        Assert.Null(Irr.Monthly([0m, 0m], 0.01m));
    }

    [Fact]
    public void With_several_roots_the_one_nearest_the_discount_rate_wins()
    {
        // (1 + r − 1.1)(1 + r − 1.3) expanded: roots at 10% and 30% a period.
        decimal[] flows = [-1m, 2.4m, -1.43m];
        Assert.Equal(0.1, (double)Irr.Monthly(flows, 0.05m)!.Value, 9);
        Assert.Equal(0.3, (double)Irr.Monthly(flows, 0.35m)!.Value, 9);
    }

    [Fact]
    public void Npv_at_the_irr_is_zero() =>
        Flows().Sample(flows =>
        {
            if (Irr.Monthly(flows, 0.01m) is not { } irr) return true;
            // Measured against the flows' size at that rate: near −100% a month, (1 + r)^−m is enormous.
            var v = 1.0 / (1.0 + (double)irr);
            var scale = flows.Select((c, m) => Math.Abs((double)c) * Math.Pow(v, m)).Sum();
            // Below −50% a month the discount factors outgrow decimal's range, so the check runs in double there.
            var npv = irr > -0.5m ? (double)Discounting.Npv(flows, irr) : flows.Select((c, m) => (double)c * Math.Pow(v, m)).Sum();
            return Math.Abs(npv) <= scale * 1e-9;
        }, iter: 2000);

    [Fact]
    public void The_fast_irr_agrees_with_the_plain_one() =>
        Flows().Sample(flows =>
        {
            var fast = Irr.Monthly(flows, 0.01m);
            var plain = ReferenceIrr.Monthly(flows, 0.01m);
            return (fast, plain) switch
            {
                (null, null) => true,
                ({ } a, { } b) => Math.Abs(a - b) < 1e-7m,
                _ => false,
            };
        }, iter: 300);

    private static Gen<decimal[]> Flows() =>
        Gen.Select(Gen.Int[-1_000_000, -1], Gen.Int[-200_000, 500_000].Array[1, 40])
            .Select((first, rest) => new[] { (decimal)first }.Concat(rest.Select(r => (decimal)r)).ToArray());
}
