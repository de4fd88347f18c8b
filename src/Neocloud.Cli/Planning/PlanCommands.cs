using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Neocloud.Cli.Client;
using Neocloud.Client;
using Neocloud.Planning.Scenarios;
using Neocloud.Planning.Solving;
using ComparisonSummary = Neocloud.Planning.Solving.ComparisonSummary;
using PlanResult = Neocloud.Planning.Solving.PlanResult;

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

    /// <summary>Planning with the live offers on the caller's closed RFQ happens on the exchange: these say which and how to reach it.</summary>
    private sealed record Remote(Option<string?> Rfq, Option<string?> Url, Option<string?> Token)
    {
        public static Remote Create() => new(
            new Option<string?>("--rfq") { Description = "Add the offers on your closed RFQ (solved on the exchange; see 'neocloud login')." },
            new Option<string?>("--url") { Description = "With --rfq: the exchange's URL (default: from 'neocloud login')." },
            new Option<string?>("--token") { Description = "With --rfq: an API token (default: from 'neocloud login')." });

        public void AddTo(Command command)
        {
            command.Options.Add(Rfq);
            command.Options.Add(Url);
            command.Options.Add(Token);
        }

        /// <summary>
        /// Sends the scenario to the exchange with <paramref name="call"/> (solve or compare on the generated client, given the
        /// body, the RFQ and the time limit); the answer, read as the planner's own <typeparamref name="T"/>.
        /// </summary>
        public T Post<T>(CliContext context, ParseResult parsed, string scenario, int seconds,
            Func<ExchangeApiClient, JsonNode, string, int, CancellationToken, Task> call)
        {
            var config = ClientConfig.Resolve(parsed.GetValue(Url), parsed.GetValue(Token), context.ConfigPath);
            if (seconds > PlanTimeLimitOnServer) throw new UsageException($"--time-limit: the exchange solves for at most {PlanTimeLimitOnServer} s, got {seconds}");
            // The exchange re-solves to explain the plan, so allow it several times the solver's limit.
            using var session = new ExchangeSession(config, timeout: TimeSpan.FromSeconds(seconds * 6 + 30));
            // Checked here first, so a broken file is the same one line naming the field as when solving locally.
            var body = JsonNode.Parse(Parse(scenario).Json)!;
            var rfq = parsed.GetValue(Rfq)!;
            return session.ReadAsync<T>((api, ct) => call(api, body, rfq, seconds, ct), Json, CancellationToken.None).GetAwaiter().GetResult();
        }
    }

    /// <summary>The longest solve the exchange accepts (its <c>timeLimit</c> bound).</summary>
    private const int PlanTimeLimitOnServer = 120;

    private static Command Solve(CliContext context)
    {
        var scenario = ScenarioArgument();
        var json = new Option<bool>("--json") { Description = "Print the plan as one JSON object." };
        var chart = new Option<string?>("--chart") { Description = "Write the capacity-stack chart to this .png or .svg file." };
        var gap = GapOption();
        var limit = TimeLimitOption();
        var remote = Remote.Create();
        var command = new Command("solve", "Solve a scenario: what to build where and when, which offers to sign, spot per month, shortfall, cost split.")
            { scenario, json, chart, gap, limit };
        remote.AddTo(command);
        command.SetAction(parsed =>
        {
            var options = Options(parsed.GetValue(gap), parsed.GetValue(limit));
            var result = parsed.GetValue(remote.Rfq) is null
                ? CapacityPlanner.Solve(Load(parsed.GetValue(scenario)!), options)
                : remote.Post<PlanResult>(context, parsed, parsed.GetValue(scenario)!, parsed.GetValue(limit),
                    (api, body, rfq, seconds, ct) => api.SolvePlanAsync(body, options.RelativeGap, seconds, rfq, ct));
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
        var remote = Remote.Create();
        var command = new Command("compare", "What an offer is worth to the buyer: the plan's cost without it minus its cost with it.") { scenario, without, json, gap, limit };
        remote.AddTo(command);
        command.SetAction(parsed =>
        {
            var offer = parsed.GetValue(without)!;
            var options = Options(parsed.GetValue(gap), parsed.GetValue(limit));
            ComparisonSummary summary;
            if (parsed.GetValue(remote.Rfq) is null)
            {
                var loaded = Load(parsed.GetValue(scenario)!);
                if (loaded.FindOffer(offer) is null)
                    throw new UsageException($"--without: no offer '{offer}' in the scenario (offers: {string.Join(", ", loaded.Offers.Select(o => o.Id))})");
                summary = CapacityPlanner.Compare(loaded, offer, options).Summary();
            }
            else
            {
                summary = remote.Post<ComparisonSummary>(context, parsed, parsed.GetValue(scenario)!, parsed.GetValue(limit),
                    (api, body, rfq, seconds, ct) => api.ComparePlansAsync(body, offer, options.RelativeGap, seconds, rfq, ct));
            }
            if (parsed.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(summary, Json));
            }
            else
            {
                context.Output.WriteLine($"with {summary.Offer}:    {summary.With}");
                context.Output.WriteLine($"without {summary.Offer}: {summary.Without}");
                context.Output.WriteLine(summary.ValueUsd is { } value
                    ? $"{summary.Offer} is worth {Usd(value)} (present value) to the buyer; "
                      + $"between {Usd(summary.ValueLowUsd!.Value)} and {Usd(summary.ValueHighUsd!.Value)} given the solvers' gaps"
                    : "no value: one of the two scenarios has no plan");
            }
            return summary.ValueUsd is null ? CliApp.UsageError : 0;
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

    /// <summary>The JSON text of a scenario file or a preset, and the name errors call it by.</summary>
    private static (string Json, string Name) Read(string source)
    {
        if (File.Exists(source)) return (File.ReadAllText(source), Path.GetFileName(source));
        if (PlanPresets.Exists(source)) return (PlanPresets.Json(source), source + ".json");
        throw new UsageException($"no scenario file or preset '{source}' (presets: {string.Join(", ", PlanPresets.Ids)})");
    }

    /// <summary>A scenario from a file or a preset id; a broken one is a one-line error naming the field.</summary>
    public static PlanScenario Load(string source) => Parse(source).Scenario;

    /// <summary>A scenario and the text it was read from (sent as it is when the exchange solves it).</summary>
    private static (PlanScenario Scenario, string Json) Parse(string source)
    {
        var (json, name) = Read(source);
        var scenario = ScenarioJson.Parse(json);
        return scenario.Success ? (scenario.Value!, json) : throw new UsageException($"{name}: {scenario.Errors!.Summary}");
    }
}
