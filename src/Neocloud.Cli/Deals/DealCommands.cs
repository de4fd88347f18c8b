using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Neocloud.Economics.Deals;
using Neocloud.Economics.MonteCarlo;
using Neocloud.Economics.Presets;
using Neocloud.Economics.Sensitivity;
using Spectre.Console;

namespace Neocloud.Cli.Deals;

/// <summary><c>neocloud deal analyze|presets|sensitivity|montecarlo</c>: what a capacity deal is worth.</summary>
public static class DealCommands
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create(CliContext context)
    {
        var deal = new Command("deal", "What a capacity deal is worth: cash flows, NPV, IRR, payback, lease vs build, risk.");
        deal.Subcommands.Add(Analyze(context));
        deal.Subcommands.Add(Presets(context));
        deal.Subcommands.Add(Sensitivity(context));
        deal.Subcommands.Add(MonteCarlo(context));
        return deal;
    }

    private static Argument<string> DealArgument() => new("deal") { Description = "A preset id (see 'neocloud deal presets') or a deal file (.json)." };

    private static Command Analyze(CliContext context)
    {
        var source = DealArgument();
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of the report." };
        var chart = new Option<string?>("--chart") { Description = "Write the cash-flow chart to this .png or .svg file." };
        var rate = new Option<decimal?>("--discount-rate") { Description = "Annual discount rate instead of the deal's, e.g. 0.12." };
        var command = new Command("analyze", "The seller's cash flows, NPV, IRR, payback and the buyer's lease vs build.") { source, json, chart, rate };
        command.SetAction(parsed =>
        {
            var (terms, name) = DealSource.Load(parsed.GetValue(source)!);
            if (parsed.GetValue(rate) is { } r)
            {
                if (r is <= -0.99m or > 10m) throw new UsageException($"--discount-rate: must be between -0.99 and 10, got {r.ToString(CultureInfo.InvariantCulture)}");
                terms = terms with { DiscountRateAnnual = r };
            }
            var analysis = DealAnalyzer.Analyze(terms);
            if (parsed.GetValue(chart) is { } path) CashFlowChart.Write(analysis, $"{name}: monthly and cumulative cash", path);
            if (parsed.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(DealAnalysisJson.Of(analysis), s_json));
                return 0;
            }
            context.Console.Write(new Rule(name).LeftJustified());
            context.Console.Write(DealReport.Kpis(terms, analysis));
            context.Console.Write(DealReport.Yearly(analysis));
            if (parsed.GetValue(chart) is { } written) context.Console.WriteLine($"chart written to {written}");
            return 0;
        });
        return command;
    }

    private static Command Presets(CliContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("presets", "The deals built from public figures, with where each input comes from.") { json };
        command.SetAction(parsed =>
        {
            if (parsed.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(DealPresets.All.Select(p => new
                {
                    p.Id, p.Title, p.Buyer, p.Seller, p.Sku, p.Notes, tcvUsd = p.Terms.TcvUsd,
                    sources = p.Sources.Select(s => new { s.Field, s.Source, s.Url, s.Note, assumption = s.IsAssumption }),
                }), s_json));
                return 0;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumns("id", "deal", "TCV", "GPUs", "$/GPU-h", "NPV", "IRR");
            foreach (var preset in DealPresets.All)
            {
                var analysis = DealAnalyzer.Analyze(preset.Terms);
                table.AddRow(new Text(preset.Id), new Text(preset.Title), new Text(DealReport.Usd(analysis.TcvUsd)),
                    new Text(preset.Terms.Tranches.Sum(t => t.Gpus).ToString("#,0", CultureInfo.InvariantCulture)),
                    new Text(analysis.PricePerGpuHour.ToString("0.00", CultureInfo.InvariantCulture)), new Text(DealReport.Usd(analysis.NpvUsd)),
                    new Text(analysis.IrrAnnual?.ToString("P1", CultureInfo.InvariantCulture) ?? "none"));
            }
            context.Console.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Sensitivity(CliContext context)
    {
        var source = DealArgument();
        var vary = new Option<string[]>("--vary") { Description = "input=low%:high%, e.g. price=-20%:+20% (repeatable). Inputs: " + string.Join(", ", Scenario.Names.Keys) + ". Default: all at ±20%." };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("sensitivity", "A tornado: NPV and IRR as each input moves, sorted by NPV swing.") { source, vary, json };
        command.SetAction(parsed =>
        {
            var (terms, name) = DealSource.Load(parsed.GetValue(source)!);
            var ranges = ParseRanges(parsed.GetValue(vary) ?? []);
            var rows = Tornado.Run(terms, ranges.Count > 0 ? ranges : Tornado.DefaultRanges);
            var names = Scenario.Names.ToDictionary(p => p.Value, p => p.Key);
            if (parsed.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(rows.Select(r => new
                {
                    input = names[r.Input], r.LowFactor, r.HighFactor, npvLowUsd = Cents(r.NpvLowUsd), npvHighUsd = Cents(r.NpvHighUsd),
                    irrLow = r.IrrLow is { } l ? decimal.Round(l, 6) : (decimal?)null, irrHigh = r.IrrHigh is { } h ? decimal.Round(h, 6) : (decimal?)null,
                }), s_json));
                return 0;
            }
            var baseline = DealAnalyzer.Analyze(terms);
            context.Console.Write(new Rule($"{name}: NPV {DealReport.Usd(baseline.NpvUsd)}, IRR {baseline.IrrAnnual?.ToString("P2", CultureInfo.InvariantCulture) ?? "none"}").LeftJustified());
            var table = new Table().Border(TableBorder.Rounded).AddColumns("input", "low", "high", "NPV low", "NPV high", "swing", "IRR low", "IRR high", "");
            var widest = rows.Count == 0 ? 1m : Math.Max(1m, rows.Max(r => r.NpvSwingUsd));
            foreach (var row in rows)
            {
                var bar = new string('█', (int)Math.Round(20m * row.NpvSwingUsd / widest));
                table.AddRow(new Text(names[row.Input]), new Text(Percent(row.LowFactor)), new Text(Percent(row.HighFactor)),
                    new Text(DealReport.Usd(row.NpvLowUsd)), new Text(DealReport.Usd(row.NpvHighUsd)), new Text(DealReport.Usd(row.NpvSwingUsd)),
                    new Text(row.IrrLow?.ToString("P2", CultureInfo.InvariantCulture) ?? "none"), new Text(row.IrrHigh?.ToString("P2", CultureInfo.InvariantCulture) ?? "none"),
                    new Text(bar));
            }
            context.Console.Write(table);
            return 0;
        });
        return command;
    }

    /// <summary>Parses <c>input=low%:high%</c> specifications.</summary>
    public static Dictionary<DealInput, (decimal Low, decimal High)> ParseRanges(IEnumerable<string> specs)
    {
        var ranges = new Dictionary<DealInput, (decimal, decimal)>();
        foreach (var spec in specs)
        {
            var parts = spec.Split('=', 2);
            if (parts.Length != 2 || !Scenario.Names.TryGetValue(parts[0].Trim(), out var input))
                throw new UsageException($"--vary: '{spec}' must be input=low%:high% with input one of {string.Join(", ", Scenario.Names.Keys)}");
            var bounds = parts[1].Split(':');
            if (bounds.Length != 2 || Percentage(bounds[0]) is not { } low || Percentage(bounds[1]) is not { } high || low <= -1m || high <= -1m)
                throw new UsageException($"--vary: '{spec}' must give two percentages above -100%, like price=-20%:+20%");
            ranges[input] = (low, high);
        }
        return ranges;
    }

    private static decimal? Percentage(string text)
    {
        var trimmed = text.Trim().TrimEnd('%');
        return decimal.TryParse(trimmed, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) ? value / 100m : null;
    }

    private static Command MonteCarlo(CliContext context)
    {
        var source = DealArgument();
        var runs = new Option<int>("--runs") { Description = "How many runs.", DefaultValueFactory = _ => 100_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the random draws: the same seed gives the same result.", DefaultValueFactory = _ => 1 };
        var hurdle = new Option<decimal>("--hurdle") { Description = "Annual hurdle rate for the probability of missing it.", DefaultValueFactory = _ => 0.15m };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("montecarlo",
            "NPV under uncertain utilization (85–100%), power price (lognormal, σ 25%), residual value (0–2× the deal's) and delivery delay (0–6 months).")
        { source, runs, seed, hurdle, json };
        command.SetAction(parsed =>
        {
            var (terms, name) = DealSource.Load(parsed.GetValue(source)!);
            var count = parsed.GetValue(runs);
            if (count is < 1 or > 10_000_000) throw new UsageException($"--runs: must be between 1 and 10,000,000, got {count}");
            var rate = parsed.GetValue(hurdle);
            if (rate is <= -0.99m or > 10m) throw new UsageException($"--hurdle: must be between -0.99 and 10, got {rate.ToString(CultureInfo.InvariantCulture)}");
            MonteCarloResult result = null!;
            if (context.Interactive && !parsed.GetValue(json))
            {
                context.Console.Progress().Start(progress =>
                {
                    var task = progress.AddTask($"{count:#,0} runs", maxValue: count);
                    result = DealMonteCarlo.Run(terms, count, parsed.GetValue(seed), rate, new Progress<int>(done => task.Value = done));
                    task.Value = count;
                });
            }
            else
            {
                result = DealMonteCarlo.Run(terms, count, parsed.GetValue(seed), rate);
            }
            if (parsed.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(new
                {
                    result.Runs, result.Seed, hurdleAnnual = result.HurdleAnnual, meanNpvUsd = Cents(result.MeanNpvUsd), p10NpvUsd = Cents(result.P10NpvUsd),
                    p50NpvUsd = Cents(result.P50NpvUsd), p90NpvUsd = Cents(result.P90NpvUsd), probabilityIrrBelowHurdle = result.ProbabilityBelowHurdle,
                    histogram = result.Histogram.Select(b => new { fromUsd = Cents(b.FromUsd), toUsd = Cents(b.ToUsd), runs = b.Runs }),
                }, s_json));
                return 0;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
            table.AddRow("runs (seed)", $"{result.Runs:#,0} ({result.Seed})");
            table.AddRow("mean NPV", DealReport.Usd(result.MeanNpvUsd));
            table.AddRow("P10 NPV", DealReport.Usd(result.P10NpvUsd));
            table.AddRow("P50 NPV", DealReport.Usd(result.P50NpvUsd));
            table.AddRow("P90 NPV", DealReport.Usd(result.P90NpvUsd));
            table.AddRow($"P(IRR < {result.HurdleAnnual.ToString("P0", CultureInfo.InvariantCulture)})", result.ProbabilityBelowHurdle.ToString("P1", CultureInfo.InvariantCulture));
            context.Console.Write(new Rule(name).LeftJustified());
            context.Console.Write(table);
            return 0;
        });
        return command;
    }

    private static decimal Cents(decimal usd) => DealAnalysisJson.Cents(usd);

    private static string Percent(decimal factor) => (factor - 1m).ToString("+0%;-0%;0%", CultureInfo.InvariantCulture);
}
