using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Neocloud.Client;
using Neocloud.Exchange.Procurement;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Neocloud.Cli.Client;

/// <summary><c>neocloud procure start|list|show|stop</c>: standing procurements on a running exchange.</summary>
public static partial class ClientCommands
{
    private static readonly string[] s_procurementColumns =
        ["id", "sku", "region", "gpus", "horizonHours", "blockHours", "maxPrice", "status", "coveredThrough", "covered", "boughtGpuHours", "spentUsd"];

    /// <summary>The option each field of a procurement's terms comes from, to name it in an error.</summary>
    private static readonly Dictionary<string, string> s_procurementOptions = new()
    {
        ["sku"] = "<SKU>", ["region"] = "--region", ["gpus"] = "--gpus", ["horizonHours"] = "--horizon", ["blockHours"] = "--block", ["maxPrice"] = "--max-price",
    };

    /// <summary><c>neocloud procure start|list|show|stop</c>.</summary>
    public static Command Procure(CliContext context)
    {
        var procure = new Command("procure", "Standing procurement: the exchange keeps you holding N GPUs for the next H hours, buying blocks as time passes.");
        {
            var sku = new Argument<string>("SKU") { Description = "The SKU, e.g. GB300; or alternatives of one market group, e.g. GB300/GB200 (with --max-price 3.10/2.60)." };
            var gpus = new Option<string?>("--gpus") { Description = "GPUs to hold in every hour." };
            var horizon = new Option<string?>("--horizon") { Description = "Hours ahead to keep covered, e.g. 720 (30 days).", DefaultValueFactory = _ => "720" };
            var block = new Option<string?>("--block") { Description = "Hours per block bought, e.g. 168 (a week).", DefaultValueFactory = _ => "168" };
            var maxPrice = new Option<string?>("--max-price") { Description = "Highest price per GPU-hour, e.g. 3.10 (a block trades at the ask's price)." };
            var region = new Option<string?>("--region") { Description = "Only asks in this region (e.g. us-tx)." };
            var start = new Command("start", "Start a standing procurement.") { sku, gpus, horizon, block, maxPrice, region };
            Run(start, context, (api, parsed, ct) =>
            {
                // Alternatives are written as the SKUs and their prices joined by '/': GB300/GB200 --max-price 3.10/2.60.
                var skus = parsed.GetValue(sku)!.Split('/');
                var prices = (parsed.GetValue(maxPrice) ?? throw new UsageException("--max-price is required, e.g. --max-price 3.10")).Split('/');
                if (skus.Length != prices.Length)
                    throw new UsageException($"--max-price: give one price per SKU ({skus.Length} SKUs, {prices.Length} prices), e.g. GB300/GB200 --max-price 3.10/2.60");
                var terms = ProcurementTerms.Create(skus[0], parsed.GetValue(region), WholeNumber(parsed.GetValue(gpus), "--gpus"),
                    WholeNumber(parsed.GetValue(horizon), "--horizon"), WholeNumber(parsed.GetValue(block), "--block"), prices[0]);
                if (!terms.Success)
                {
                    var (field, messages) = terms.Errors!.First();
                    throw new UsageException($"{s_procurementOptions.GetValueOrDefault(field, field)}: {messages[0]}");
                }
                var t = terms.Value!;
                var body = new ProcurementBody { Region = t.Region, Gpus = t.Gpus, HorizonHours = t.HorizonHours, BlockHours = t.BlockHours };
                if (skus.Length == 1) (body.Sku, body.MaxPrice) = (t.Sku, t.MaxPrice.ToString());
                else body.Alternatives = [.. skus.Select((s, i) => new AlternativeBody { Sku = s, Limit = prices[i] })];
                return api.StartProcurementAsync(body, ct);
            }, Procurement);
            procure.Subcommands.Add(start);
        }
        {
            var list = new Command("list", "List your standing procurements.");
            Run(list, context, (api, _, ct) => api.ListProcurementsAsync(limit: 1000, cancellationToken: ct), json => Table(json.GetProperty("items"), s_procurementColumns));
            procure.Subcommands.Add(list);
        }
        {
            var id = new Argument<string>("id") { Description = "The procurement's id (prc_…)." };
            var show = new Command("show", "A procurement: the blocks it bought, what it could not buy and why, and the hour it is covered through.") { id };
            Run(show, context, (api, parsed, ct) => api.GetProcurementAsync(parsed.GetValue(id)!, ct), Procurement);
            procure.Subcommands.Add(show);
        }
        {
            var id = new Argument<string>("id") { Description = "The procurement's id (prc_…)." };
            var stop = new Command("stop", "Stop a procurement: it buys nothing more; what it bought stays yours.") { id };
            Run(stop, context, (api, parsed, ct) => api.StopProcurementAsync(parsed.GetValue(id)!, ct), Procurement);
            procure.Subcommands.Add(stop);
        }
        return procure;
    }

    private static IRenderable Procurement(JsonElement json)
    {
        var bought = json.GetProperty("bought");
        var misses = json.GetProperty("misses");
        return new Rows(
            Table(Single(json), s_procurementColumns),
            bought.GetArrayLength() == 0 ? new Text("nothing bought yet") : Table(bought, ["tradeId", "start", "end", "pool", "gpus", "price", "notionalUsd", "bid"]),
            misses.GetArrayLength() == 0 ? new Text("no misses") : Table(misses, ["start", "end", "reason", "tries", "lastTried"]));
    }

    private static long WholeNumber(string? text, string option)
    {
        if (text is null) throw new UsageException($"{option} is required");
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UsageException($"{option}: must be a whole number, got '{text}'");
    }
}
