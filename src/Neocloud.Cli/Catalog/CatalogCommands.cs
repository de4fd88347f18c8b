using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Neocloud.Domain.Catalog;
using Spectre.Console;

namespace Neocloud.Cli.Catalog;

/// <summary><c>neocloud catalog skus|providers|buyers|sites|deals</c>: the reference data as tables or JSON.</summary>
public static class CatalogCommands
{
    public static Command Create(CliContext context)
    {
        var catalog = new Command("catalog", "The reference data: GPU SKUs, providers, buyers, sites and public deals, each figure with its source.");
        catalog.Subcommands.Add(List(context, "skus", "GPU system models and their dense specs, per GPU.", c => c.Skus, SkuTable));
        catalog.Subcommands.Add(List(context, "providers", "Neoclouds and colocation hosts that sell capacity.", c => c.Providers.ToList(), OrganizationTable));
        catalog.Subcommands.Add(List(context, "buyers", "Hyperscalers, AI labs and vendors that buy capacity.", c => c.Buyers.ToList(), OrganizationTable));
        catalog.Subcommands.Add(List(context, "sites", "Campuses: location, region, power, PUE and status.", c => c.Sites, SiteTable));
        catalog.Subcommands.Add(List(context, "deals", "Publicly announced capacity deals, with derived $/IT-MW-year and $/GPU-hour.", c => c.Deals, DealTable));
        return catalog;
    }

    private static Command List<T>(CliContext context, string name, string description, Func<ReferenceCatalog, IReadOnlyList<T>> select, Func<IReadOnlyList<T>, Table> table)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON (every figure with its source URL) instead of a table." };
        var directory = new Option<DirectoryInfo?>("--catalog") { Description = "Read the reference data from this directory instead of the built-in files." };
        var command = new Command(name, description) { json, directory };
        command.SetAction(parsed =>
        {
            var items = select(Load(parsed.GetValue(directory)));
            if (parsed.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(items, CatalogJson.Options));
            }
            else
            {
                context.Console.Write(table(items));
                context.Console.WriteLine("~ approximate, ? disputed; --json shows every figure's source URL.");
            }
            return 0;
        });
        return command;
    }

    private static ReferenceCatalog Load(DirectoryInfo? directory)
    {
        if (directory is null) return ReferenceCatalog.Embedded;
        if (!directory.Exists) throw new UsageException($"--catalog: directory '{directory.FullName}' does not exist");
        try
        {
            return ReferenceCatalog.LoadDirectory(directory.FullName);
        }
        catch (ReferenceDataException e)
        {
            throw new UsageException(e.Message);
        }
    }

    private static Table SkuTable(IReadOnlyList<Sku> skus) => Build(
        ["SKU", "name", "market group", "HBM GB", "TB/s", "BF16 TF", "FP8 TF", "FP4 TF", "TDP W", "scale-up", "kW/GPU all-in"],
        skus.Select(s => new[]
        {
            s.Id, s.Name, s.MarketGroup, Show(s.HbmGb), Show(s.MemoryTbPerSecond), Show(s.Bf16Tflops), Show(s.Fp8Tflops), Show(s.Fp4Tflops),
            Show(s.TdpWatts), s.ScaleUpGpus.ToString(CultureInfo.InvariantCulture), Number(s.AllInKwPerGpu, "0.00"),
        }));

    private static Table OrganizationTable(IReadOnlyList<Organization> organizations) => Build(
        ["id", "name", "kind", "headquarters", "note"],
        organizations.Select(o => new[] { o.Id, o.Name, o.Kind, o.Headquarters, o.Note }));

    private static Table SiteTable(IReadOnlyList<Site> sites) => Build(
        ["site", "provider", "location", "region", "status", "secured MW", "IT MW", "$/MWh", "PUE"],
        sites.Select(s => new[]
        {
            s.Id, s.Provider, s.Location, s.Region, JsonNamingPolicy.KebabCaseLower.ConvertName(s.Status.ToString()),
            Show(s.SecuredMw), Show(s.CriticalItMw), Show(s.PowerUsdPerMwh), Show(s.Pue),
        }));

    private static Table DealTable(IReadOnlyList<PublicDeal> deals) => Build(
        ["deal", "buyer", "seller", "announced", "kind", "SKU", "value $B", "years", "GPUs", "IT MW", "$M/IT-MW-yr", "$/GPU-h"],
        deals.Select(d => new[]
        {
            d.Id, d.Buyer, d.Seller, d.Announced, JsonNamingPolicy.KebabCaseLower.ConvertName(d.Kind.ToString()), d.Sku ?? "",
            Show(d.ValueUsd, 1_000_000_000m), Show(d.TermYears), Show(d.Gpus), Show(d.ItMw),
            Number(d.UsdPerItMwYear / 1_000_000m, "0.00"), Number(d.ImpliedPricePerGpuHour, "0.00"),
        }));

    private static Table Build(string[] headers, IEnumerable<string[]> rows)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var header in headers) table.AddColumn(new TableColumn(new Text(header)));
        foreach (var row in rows) table.AddRow(row.Select(cell => (Spectre.Console.Rendering.IRenderable)new Text(cell)));
        return table;
    }

    /// <summary>A figure as a table cell: the value (or range), marked ~ when approximate and ? when disputed.</summary>
    private static string Show(Figure? figure, decimal unit = 1m)
    {
        if (figure is null) return "";
        var text = Format(figure.Value / unit);
        if (figure.High is { } high) text += "–" + Format(high / unit);
        return figure.Confidence switch
        {
            Confidence.Medium => "~" + text,
            Confidence.Low => text + "?",
            _ => text,
        };
    }

    private static string Format(decimal value) => value.ToString("#,0.##", CultureInfo.InvariantCulture);

    private static string Number(decimal? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "";
}
