using System.CommandLine;
using Neocloud.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Neocloud.Cli.Client;

/// <summary><c>neocloud market search</c>: capacity search on a running exchange.</summary>
public static partial class ClientCommands
{
    /// <summary>Adds <c>search</c> to the <c>market</c> command.</summary>
    public static void AddSearch(Command market, CliContext context)
    {
        var sku = new Argument<string>("sku") { Description = "The SKU, e.g. GB300." };
        var gpus = new Option<int>("--gpus") { Description = "GPUs wanted in every hour of the window.", Required = true };
        var from = Hours.Option("--from", "First hour");
        var to = Hours.Option("--to", "Hour after the last");
        var region = new Option<string?>("--region") { Description = "Only asks in this region (e.g. us-tx)." };
        var maxPrice = new Option<string?>("--max-price") { Description = "Only asks at or below this price per GPU-hour, e.g. 3.10." };
        var provider = new Option<string?>("--provider") { Description = "Only asks on this provider's pools (e.g. iren)." };
        var site = new Option<string?>("--site") { Description = "Only asks on pools at this site (e.g. iren-childress)." };
        var limit = new Option<int>("--limit") { Description = "At most this many offers (1 to 1000).", DefaultValueFactory = _ => 100 };
        var after = new Option<string?>("--after") { Description = "Go on after an earlier search's last offer (the cursor it printed)." };
        var search = new Command("search", "Capacity search: the resting asks a bid of N GPUs over a window could take now, cheapest first (your own asks left out).")
        { sku, gpus, from, to, region, maxPrice, provider, site, limit, after };
        Run(search, context, (api, parsed, ct) => api.SearchOffersAsync(parsed.GetValue(sku)!, parsed.GetValue(gpus),
                Hours.Read(parsed, from, context.Now), Hours.Read(parsed, to, context.Now), parsed.GetValue(region), parsed.GetValue(maxPrice),
                parsed.GetValue(provider), parsed.GetValue(site), parsed.GetValue(limit), parsed.GetValue(after), ct),
            Offers);
        market.Subcommands.Add(search);
    }

    private static IRenderable Offers(PageOfSpotOfferView page)
    {
        if (page.Items.Count == 0) return new Text("no resting ask can fill this bid now");
        var table = Table(page.Items,
        [
            new("price", o => o.Price), new("freeGpus", o => Cells.Number(o.FreeGpus)), new("pool", o => o.Pool), new("site", o => o.Site),
            new("region", o => o.Region), new("provider", o => o.Provider), new("sku", o => o.Sku),
        ]);
        return page.Next is { } next ? new Rows(table, new Text($"more offers: add --after {next}")) : table;
    }
}
