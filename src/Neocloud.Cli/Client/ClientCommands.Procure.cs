using System.CommandLine;
using System.Globalization;
using Neocloud.Client;
using Neocloud.Exchange.Procurement;
using Spectre.Console;
using Spectre.Console.Rendering;
using ProcurementView = Neocloud.Client.ProcurementView;

namespace Neocloud.Cli.Client;

/// <summary><c>neocloud procure start|list|show|stop</c>: standing procurements on a running exchange.</summary>
public static partial class ClientCommands
{
    private static Column<ProcurementView>[] ProcurementColumns(Cells cells) =>
    [
        new("id", p => p.Id), new("sku", p => p.Sku), new("region", p => p.Region), new("gpus", p => Cells.Number(p.Gpus)),
        new("horizonHours", p => Cells.Number(p.HorizonHours)), new("blockHours", p => Cells.Number(p.BlockHours)), new("maxPrice", p => p.MaxPrice),
        new("status", p => Cells.Name(p.Status)), new("coveredThrough", p => cells.Hour(p.CoveredThrough)), new("covered", p => Cells.Flag(p.Covered)),
        new("boughtGpuHours", p => Cells.Number(p.BoughtGpuHours)), new("spentUsd", p => Cells.Number(p.SpentUsd)),
    ];

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
            Run(list, context, (api, _, ct) => api.ListProcurementsAsync(limit: 1000, cancellationToken: ct), (page, cells) => Table(page.Items, ProcurementColumns(cells)));
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

    private static IRenderable Procurement(ProcurementView procurement, Cells cells) => new Rows(
        Table([procurement], ProcurementColumns(cells)),
        procurement.Bought.Count == 0 ? new Text("nothing bought yet") : Table(procurement.Bought,
        [
            new("tradeId", b => Cells.Number(b.TradeId)), new("start", b => cells.Hour(b.Start)), new("end", b => cells.Hour(b.End)), new("pool", b => b.Pool),
            new("gpus", b => Cells.Number(b.Gpus)), new("price", b => b.Price), new("notionalUsd", b => Cells.Number(b.NotionalUsd)), new("bid", b => b.Bid),
        ]),
        procurement.Misses.Count == 0 ? new Text("no misses") : Table(procurement.Misses,
        [
            new("start", m => cells.Hour(m.Start)), new("end", m => cells.Hour(m.End)), new("reason", m => m.Reason), new("tries", m => Cells.Number(m.Tries)),
            new("lastTried", m => Cells.Instant(m.LastTried)),
        ]));

    private static long WholeNumber(string? text, string option)
    {
        if (text is null) throw new UsageException($"{option} is required");
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UsageException($"{option}: must be a whole number, got '{text}'");
    }
}
