using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Neocloud.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Neocloud.Cli.Client;

/// <summary><c>neocloud index set|show|list</c>: the price indices escalators follow, on a running exchange.</summary>
public static partial class ClientCommands
{
    /// <summary><c>neocloud index …</c>.</summary>
    public static Command Index(CliContext context)
    {
        var index = new Command("index", "Price indices escalators follow: uploaded monthly series, and exchange:{sku}, the exchange's monthly VWAP.");
        {
            var name = new Argument<string>("name") { Description = "The series' name: 1-64 of a-z, 0-9, '.', '_', '-' (e.g. cpi.us)." };
            var file = new Option<FileInfo?>("--file") { Description = "A JSON file: {\"values\":[{\"month\":\"2026-01\",\"value\":\"101.5\"}, …]} or just the array." };
            var values = new Option<string[]>("--value") { Description = "A month's value as yyyy-MM=value (repeatable), e.g. --value 2026-01=101.5.", AllowMultipleArgumentsPerToken = true };
            var set = new Command("set", "Upload monthly values of a series (admin token): months already stored are overwritten, the others kept.") { name, file, values };
            Run(set, context, (api, parsed, ct) => api.SetPriceIndexAsync(parsed.GetValue(name)!, IndexBody(parsed.GetValue(values) ?? [], parsed.GetValue(file)), ct),
                Months);
            index.Subcommands.Add(set);
        }
        {
            var name = new Argument<string>("name") { Description = "The index's name: an uploaded series, or exchange:{sku}." };
            var show = new Command("show", "An index's monthly values, oldest first.") { name };
            Run(show, context, (api, parsed, ct) => api.GetPriceIndexAsync(parsed.GetValue(name)!, ct), Months);
            index.Subcommands.Add(show);
        }
        {
            var list = new Command("list", "The uploaded series with their month ranges.");
            Run(list, context, (api, _, ct) => api.ListPriceIndicesAsync(ct),
                list => Table(list.Items,
                [
                    new("name", i => i.Name), new("firstMonth", i => i.FirstMonth), new("lastMonth", i => i.LastMonth), new("months", i => Cells.Number(i.Months)),
                    new("updated", i => Cells.Instant(i.Updated)),
                ]));
            index.Subcommands.Add(list);
        }
        return index;
    }

    private static IRenderable Months(PriceIndexView index)
    {
        Column<PriceIndexMonthView>[] columns = [new("month", m => m.Month), new("value", m => m.Value)];
        if (index.Kind == "exchange") columns = [.. columns, new("gpuHours", m => Cells.Number(m.GpuHours)), new("trades", m => Cells.Number(m.Trades))];
        return new Rows(new Text($"{index.Name} ({index.Kind})"), Table(index.Values, columns));
    }

    /// <summary>The upload's body from <c>--value</c> texts or from <c>--file</c>; the server checks months and values.</summary>
    private static SetPriceIndexBody IndexBody(string[] values, FileInfo? file)
    {
        if (file is null)
        {
            if (values.Length == 0) throw new UsageException("--value: give one or more yyyy-MM=value (or --file)");
            return new SetPriceIndexBody { Values = [.. values.Select(IndexValue)] };
        }
        if (values.Length > 0) throw new UsageException("--file: give either --value or --file, not both");
        var json = JsonFile(file);
        var array = json switch
        {
            JsonArray given => given,
            JsonObject { } given when given["values"] is JsonArray inner => inner,
            _ => throw new UsageException($"--file: {file.FullName} must hold an array of {{month, value}} or an object with \"values\""),
        };
        var body = new List<PriceIndexValueBody>();
        foreach (var (item, i) in array.Select((item, i) => (item, i)))
        {
            if (item is not JsonObject { } entry || entry["month"] is not JsonValue month || month.GetValueKind() != JsonValueKind.String
                || entry["value"] is not JsonValue value || value.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Number))
                throw new UsageException($"--file: values[{i}] must be {{\"month\": \"yyyy-MM\", \"value\": a number}}");
            // A number keeps its digits as written: the value goes as its JSON text, never through a double.
            body.Add(new PriceIndexValueBody
            {
                Month = month.GetValue<string>(),
                Value = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString(),
            });
        }
        return new SetPriceIndexBody { Values = body };
    }

    private static PriceIndexValueBody IndexValue(string text)
    {
        var at = text.IndexOf('=', StringComparison.Ordinal);
        if (at <= 0 || at == text.Length - 1) throw new UsageException($"--value: must be yyyy-MM=value such as 2026-01=101.5, got '{text}'");
        return new PriceIndexValueBody { Month = text[..at].Trim(), Value = text[(at + 1)..].Trim() };
    }
}
