namespace Neocloud.Planning.Solving;

/// <summary>
/// The most capacity each region could have in each month if every option were used to the full: own fleet, every
/// build cap filled as early as its lead time allows, every offer signed, every spot market drained into that region.
/// Where demand exceeds it, no plan can meet demand.
/// </summary>
internal static class CapacityBounds
{
    /// <summary>The earliest region-month (then in region order) whose demand exceeds the most available, or null.</summary>
    public static Infeasibility? FirstUnmet(PlanInputs inputs)
    {
        for (var m = 0; m < inputs.Horizon; m++)
        {
            for (var r = 0; r < inputs.RegionCount; r++)
            {
                var need = inputs.Need(r, m);
                if (need <= 0m) continue;
                var available = MaxAvailable(inputs, r, m);
                if (need > available + Tolerance)
                {
                    return new Infeasibility(inputs.Scenario.Regions[r].Id, m, inputs.Scenario.MonthLabel(m),
                        decimal.Round(inputs.Demand[r][m], 3), decimal.Round(inputs.Fleet[r][m] + available, 3));
                }
            }
        }
        return null;
    }

    /// <summary>GPU-level slack below which a gap is rounding, not a shortfall.</summary>
    public const decimal Tolerance = 0.01m;

    /// <summary>Reference GPUs beyond the fleet that region <paramref name="r"/> could have in month <paramref name="m"/>.</summary>
    public static decimal MaxAvailable(PlanInputs inputs, int r, int m)
    {
        var total = 0m;
        foreach (var b in inputs.Builds)
        {
            if (b.Region == r) total += b.BlockGpus * MaxBlocksOnline(inputs, b, m);
        }
        foreach (var o in inputs.Offers)
        {
            if (o.Region == r) total += o.Gpus[m];
        }
        foreach (var s in inputs.Spot)
        {
            if (s.Regions.Contains(r)) total += s.Factor * s.Market.MaxGpusPerMonth;
        }
        return total;
    }

    /// <summary>
    /// Blocks of an option that can be online in month m: blocks online in m came online in a month u with
    /// m − life &lt; u ≤ m (and u ≥ the lead time); each calendar year's cap can be placed anywhere in that window.
    /// </summary>
    private static int MaxBlocksOnline(PlanInputs inputs, BuildInput b, int m)
    {
        var first = Math.Max(b.Option.LeadTimeMonths, m - b.Option.LifeMonths + 1);
        var blocks = 0;
        var lastYear = int.MinValue;
        for (var u = first; u <= m; u++)
        {
            var year = inputs.Scenario.CalendarYear(u);
            if (year == lastYear) continue;
            lastYear = year;
            blocks += b.YearCap.GetValueOrDefault(year);
        }
        return blocks;
    }
}
