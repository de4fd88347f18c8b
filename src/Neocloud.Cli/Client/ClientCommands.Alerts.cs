using System.CommandLine;
using Neocloud.Client;

namespace Neocloud.Cli.Client;

/// <summary><c>neocloud alert add|list|remove</c>: your organization's price alerts on a running exchange.</summary>
public static partial class ClientCommands
{
    private static readonly string[] s_alertKinds = ["best_ask_below", "best_bid_above", "last_trade_below", "last_trade_above", "curve_below", "curve_above"];

    private static readonly Column<AlertView>[] s_alertColumns =
    [
        new("alert", a => a.Alert), new("sku", a => a.Sku), new("kind", a => a.Kind), new("price", a => a.Price), new("region", a => a.Region),
        new("month", a => a.Month), new("state", a => a.State), new("triggers", a => Cells.Number(a.Triggers)), new("value", a => a.Value),
        new("triggeredAt", a => Cells.Instant(a.TriggeredAt)),
    ];

    /// <summary><c>neocloud alert …</c>.</summary>
    public static Command Alert(CliContext context)
    {
        var alert = new Command("alert", "Your organization's price alerts: each fires an alert.triggered event (feed, stream, webhooks) when its condition becomes true.");
        {
            var sku = new Option<string>("--sku") { Required = true, Description = "The SKU watched, e.g. GB300." };
            var kind = new Option<string>("--kind") { Required = true, Description = $"What is watched: {string.Join(", ", s_alertKinds)}." };
            kind.AcceptOnlyFromAmong(s_alertKinds);
            var price = new Option<string>("--price") { Required = true, Description = "The price per GPU-hour it compares with (strictly below or above), e.g. 3.10." };
            var region = new Option<string?>("--region") { Description = "Only this region's asks, bids or trades (not for curve kinds)." };
            var month = new Option<string?>("--month") { Description = "The forward curve's month (yyyy-MM), for curve_below and curve_above." };
            var add = new Command("add", "Set an alert; it fires at once if its condition already holds.") { sku, kind, price, region, month };
            Run(add, context, (api, parsed, ct) => api.SetAlertAsync(new AlertBody
            {
                Sku = parsed.GetValue(sku)!, Kind = parsed.GetValue(kind)!, Price = parsed.GetValue(price)!, Region = parsed.GetValue(region), Month = parsed.GetValue(month),
            }, ct), set => Table([set], s_alertColumns));
            alert.Subcommands.Add(add);
        }
        {
            var list = new Command("list", "Your alerts, with their states and last triggers.");
            Run(list, context, (api, _, ct) => api.ListAlertsAsync(ct), alerts => Table(alerts.Items, s_alertColumns));
            alert.Subcommands.Add(list);
        }
        {
            var id = new Argument<string>("id") { Description = "The alert's id (alr_…)." };
            var remove = new Command("remove", "Remove an alert: it fires no more.") { id };
            RunRemoval(remove, context, id, (api, removed, ct) => api.RemoveAlertAsync(removed, ct));
            alert.Subcommands.Add(remove);
        }
        return alert;
    }
}
