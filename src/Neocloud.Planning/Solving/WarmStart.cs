namespace Neocloud.Planning.Solving;

/// <summary>
/// A first plan for the MIP to start from: solve the LP relaxation, round each option's cumulative blocks to whole
/// blocks within the yearly caps and each all-or-nothing offer to signed or not, then let an LP with those decisions
/// fixed buy the spot and count the shortfall. The MIP solver gets every variable's value as a hint.
/// </summary>
internal static class WarmStart
{
    /// <summary>Values of every MIP variable (in model order), or null when no rounding gives a feasible plan.</summary>
    public static double[]? Hint(PlanInputs inputs)
    {
        using var relaxation = new PlanModel(inputs, ModelKind.Lp, "GLOP");
        if (!relaxation.Solve(0, TimeSpan.FromSeconds(30)).HasSolution) return null;
        var blocks = relaxation.Blocks.Select(row => row.Select(v => v.SolutionValue()).ToArray()).ToArray();
        var offers = relaxation.Offers.Select(v => v?.SolutionValue() ?? 0).ToArray();
        // Rounding down leaves shortfall, rounding up idle blocks; try a few thresholds and keep the cheapest plan.
        double[]? best = null;
        var bestCost = double.PositiveInfinity;
        foreach (var threshold in s_thresholds)
        {
            var fixing = Round(inputs, blocks, offers, threshold);
            using var fixedLp = new PlanModel(inputs, ModelKind.Lp, "GLOP", fixing);
            var outcome = fixedLp.Solve(0, TimeSpan.FromSeconds(30));
            if (outcome.HasSolution && outcome.ObjectiveUsd < bestCost)
            {
                bestCost = outcome.ObjectiveUsd;
                best = fixedLp.Values();
            }
        }
        return best;
    }

    /// <summary>A cumulative fraction above the threshold rounds up: 0.5 is nearest, 1e-6 is always up.</summary>
    private static readonly double[] s_thresholds = [0.5, 0.3, 0.15, 1e-6];

    private static PlanFixing Round(PlanInputs inputs, double[][] blocks, double[] offers, double threshold)
    {
        var whole = new int[inputs.Builds.Count][];
        foreach (var b in inputs.Builds)
        {
            whole[b.Index] = new int[b.DecisionMonths];
            var used = new Dictionary<int, int>();
            double cumulative = 0;
            var built = 0;
            for (var t = 0; t < b.DecisionMonths; t++)
            {
                cumulative += blocks[b.Index][t];
                var target = (int)Math.Floor(cumulative + 1 - threshold);
                var year = inputs.Scenario.CalendarYear(t + b.Option.LeadTimeMonths);
                var room = b.YearCap[year] - used.GetValueOrDefault(year);
                var add = Math.Clamp(target - built, 0, room);
                whole[b.Index][t] = add;
                used[year] = used.GetValueOrDefault(year) + add;
                built += add;
            }
        }
        var signed = new double[offers.Length];
        for (var o = 0; o < offers.Length; o++)
        {
            signed[o] = inputs.Offers[o].Offer.Divisible ? Math.Clamp(offers[o], 0, 1) : offers[o] >= threshold ? 1 : 0;
        }
        return new PlanFixing(whole, signed, []);
    }
}
