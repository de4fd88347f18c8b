using System.Globalization;
using Neocloud.Planning.Bench;
using Neocloud.Planning.Solving;

// Whole-run benchmark of the capacity planner: random instances from a seed, solved to a relative gap, timed.
//   dotnet run -c Release --project bench/Neocloud.Planning.Bench -- [--seed 1] [--engine scip|highs|cbc] [--gap 0.01] [--time-limit 60] [--explain] [--size base|x2|x4]
var seed = 1;
var engine = PlanEngine.Scip;
var gap = 0.01;
var timeLimit = 60.0;
var explain = false;
var only = (string?)null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--seed": seed = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--engine": engine = Enum.Parse<PlanEngine>(args[++i], ignoreCase: true); break;
        case "--gap": gap = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--time-limit": timeLimit = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--explain": explain = true; break;
        case "--size": only = args[++i]; break;
        default:
            Console.Error.WriteLine($"error: unknown argument '{args[i]}'");
            return 2;
    }
}

(string Name, int Regions, int Offers)[] sizes = [("base", 10, 50), ("x2", 20, 100), ("x4", 40, 200)];
var options = new PlanOptions { Engine = engine, RelativeGap = gap, TimeLimit = TimeSpan.FromSeconds(timeLimit), ExplainBinding = explain };
Console.WriteLine($"engine {engine}, gap {gap:P1}, time limit {timeLimit} s, seed {seed}, 120 months, 3 build options per region");
Console.WriteLine("| size | regions | offers | status | solve s | gap | explain s | NPV cost $B | builds | offers signed |");
Console.WriteLine("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|");
foreach (var (name, regions, offers) in sizes)
{
    if (only is not null && only != name) continue;
    var scenario = RandomScenario.Generate(seed, regions, 120, offers, 3);
    var result = CapacityPlanner.Solve(scenario, options);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {regions} | {offers} | {result.Status} | {result.SolveSeconds:0.00} | {result.Gap:P2} | {result.ExplainSeconds:0.00} | " +
        $"{result.NpvCostUsd / 1e9m:0.000} | {result.Builds.Count} | {result.Offers.Count(o => o.Signed)} |"));
}
return 0;
