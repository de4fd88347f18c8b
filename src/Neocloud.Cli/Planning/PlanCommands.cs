using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Neocloud.Planning.Scenarios;
using Neocloud.Planning.Solving;

namespace Neocloud.Cli.Planning;

/// <summary><c>neocloud plan solve|compare</c>: a buyer's least-cost plan of what to build, sign and buy.</summary>
public static class PlanCommands
{
    /// <summary>How plans are printed with <c>--json</c> (the REST API uses the same shape).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static Command Create(CliContext context)
    {
        var plan = new Command("plan", "Capacity planning for buyers: the least-cost mix of build, offtake and spot for a demand forecast.");
        plan.Subcommands.Add(Solve(context));
        plan.Subcommands.Add(Compare(context));
        plan.Subcommands.Add(Presets(context));
        return plan;
    }

    private static Command Presets(CliContext context)
    {
        var command = new Command("presets", "List the preset scenarios shipped with the product.");
        command.SetAction(_ =>
        {
            foreach (var id in PlanPresets.Ids)
            {
                var preset = PlanPresets.Load(id);
                context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{id}  {preset.Name} ({preset.MonthLabel(0)}, {preset.HorizonMonths} months, {preset.Regions.Count} regions, {preset.Offers.Count} offers)"));
            }
            return 0;
        });
        return command;
    }

    private static Argument<string> ScenarioArgument() => new("scenario") { Description = "A scenario file (.json; format in docs/planning.md) or a preset id (see 'plan presets')." };

    private static Option<double> GapOption() => new("--gap") { Description = "Relative optimality gap to stop at.", DefaultValueFactory = _ => 0.01 };

    private static Option<int> TimeLimitOption() => new("--time-limit") { Description = "Seconds the solver may take.", DefaultValueFactory = _ => 60 };

    private static Command Solve(CliContext context)
    {
        var scenario = ScenarioArgument();
        var json = new Option<bool>("--json") { Description = "Print the plan as one JSON object." };
        var chart = new Option<string?>("--chart") { Description = "Write the capacity-stack chart to this .png or .svg file." };
        var gap = GapOption();
        var limit = TimeLimitOption();
        var command = new Command("solve", "Solve a scenario: what to build where and when, which offers to sign, spot per month, shortfall, cost split.")
            { scenario, json, chart, gap, limit };
        command.SetAction(parsed =>
        {
            var loaded = Load(parsed.GetValue(scenario)!);
            var result = CapacityPlanner.Solve(loaded, Options(parsed.GetValue(gap), parsed.GetValue(limit)));
            if (parsed.GetValue(chart) is { } path && result.HasPlan) PlanChart.Write(result, path);
            if (parsed.GetValue(json)) context.Output.WriteLine(JsonSerializer.Serialize(result, Json));
            else context.Console.Write(PlanReport.Render(result));
            if (!result.HasPlan)
            {
                context.Error.WriteLine($"error: {result.Message}");
                return CliApp.UsageError;
            }
            return 0;
        });
        return command;
    }

    private static Command Compare(CliContext context)
    {
        var scenario = ScenarioArgument();
        var without = new Option<string>("--without") { Required = true, Description = "The offer whose worth to measure." };
        var json = new Option<bool>("--json") { Description = "Print the comparison as JSON." };
        var gap = GapOption();
        var limit = TimeLimitOption();
        var command = new Command("compare", "What an offer is worth to the buyer: the plan's cost without it minus its cost with it.") { scenario, without, json, gap, limit };
        command.SetAction(parsed =>
        {
            var loaded = Load(parsed.GetValue(scenario)!);
            var offer = parsed.GetValue(without)!;
            if (loaded.FindOffer(offer) is null)
                throw new UsageException($"--without: no offer '{offer}' in the scenario (offers: {string.Join(", ", loaded.Offers.Select(o => o.Id))})");
            var comparison = CapacityPlanner.Compare(loaded, offer, Options(parsed.GetValue(gap), parsed.GetValue(limit)));
            if (parsed.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(comparison.Summary(), Json));
            }
            else
            {
                context.Output.WriteLine($"with {comparison.OfferId}:    {comparison.With.Message}");
                context.Output.WriteLine($"without {comparison.OfferId}: {comparison.Without.Message}");
                context.Output.WriteLine(comparison.ValueUsd is { } value
                    ? $"{comparison.OfferId} is worth {Usd(value)} (present value) to the buyer; "
                      + $"between {Usd(comparison.ValueLowUsd!.Value)} and {Usd(comparison.ValueHighUsd!.Value)} given the solvers' gaps"
                    : "no value: one of the two scenarios has no plan");
            }
            return comparison.ValueUsd is null ? CliApp.UsageError : 0;
        });
        return command;
    }

    private static string Usd(decimal usd) => (usd < 0 ? "-$" : "$") + Math.Abs(usd).ToString("N0", CultureInfo.InvariantCulture);

    private static PlanOptions Options(double gap, int seconds)
    {
        if (gap is < 0 or > 1) throw new UsageException($"--gap must be between 0 and 1, got {gap.ToString(CultureInfo.InvariantCulture)}");
        if (seconds is < 1 or > 3600) throw new UsageException($"--time-limit must be 1 to 3600 seconds, got {seconds}");
        return PlanOptions.Default with { RelativeGap = gap, TimeLimit = TimeSpan.FromSeconds(seconds) };
    }

    /// <summary>A scenario from a file or a preset id; a broken one is a one-line error naming the field.</summary>
    public static PlanScenario Load(string source)
    {
        var isFile = File.Exists(source);
        if (!isFile && !PlanPresets.Exists(source))
            throw new UsageException($"no scenario file or preset '{source}' (presets: {string.Join(", ", PlanPresets.Ids)})");
        try
        {
            return isFile ? ScenarioJson.Parse(File.ReadAllText(source), Path.GetFileName(source)) : PlanPresets.Load(source);
        }
        catch (ScenarioException e)
        {
            throw new UsageException(e.Message);
        }
    }
}
