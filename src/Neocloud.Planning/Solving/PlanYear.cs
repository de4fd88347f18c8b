using System.Globalization;

namespace Neocloud.Planning.Solving;

/// <summary>One calendar year of a plan, summed over regions: average reference GPUs a month by source, and nominal cost.</summary>
public sealed record PlanYear(int Year, decimal DemandGpus, decimal FleetGpus, decimal BuildGpus, decimal OfftakeGpus, decimal SpotGpus, decimal ShortfallGpus,
    decimal NominalCostUsd)
{
    /// <summary>The plan's months grouped by calendar year (their labels are yyyy-MM): monthly GPUs averaged, costs summed.</summary>
    public static IReadOnlyList<PlanYear> Of(PlanResult result) =>
        result.Months.GroupBy(m => int.Parse(m.Label[..4], CultureInfo.InvariantCulture)).OrderBy(g => g.Key).Select(year =>
        {
            var months = year.Select(m => m.Month).Distinct().Count();
            decimal Average(Func<PlanMonth, decimal> pick) => decimal.Round(year.Sum(pick) / months, 0);
            return new PlanYear(year.Key, Average(m => m.DemandGpus), Average(m => m.FleetGpus), Average(m => m.BuildGpus), Average(m => m.OfftakeGpus),
                Average(m => m.SpotGpus), Average(m => m.ShortfallGpus), decimal.Round(year.Sum(m => m.Costs.TotalUsd), 0));
        }).ToList();
}
