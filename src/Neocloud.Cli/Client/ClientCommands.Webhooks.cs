using System.CommandLine;
using System.Text.Json;
using Neocloud.Client;
using Spectre.Console;

namespace Neocloud.Cli.Client;

/// <summary><c>neocloud webhook add|list|remove|test|deliveries|redeliver</c>: your organization's webhooks on a running exchange.</summary>
public static partial class ClientCommands
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    private static readonly Column<WebhookView>[] s_webhookColumns =
    [
        new("id", w => w.Id), new("url", w => w.Url), new("types", w => Cells.List(w.Types)), new("status", w => w.Status),
        new("lastDeliveredSeq", w => Cells.Number(w.LastDeliveredSeq)), new("description", w => w.Description), new("created", w => Cells.Instant(w.Created)),
        new("disabledReason", w => w.DisabledReason),
    ];

    /// <summary>
    /// Sets up a command that removes the thing <paramref name="id"/> names with <paramref name="remove"/>. The exchange
    /// answers a removal with no body: the command prints <c>removed &lt;id&gt;</c>, and <c>--json</c> what was removed.
    /// </summary>
    private static void RunRemoval(Command command, CliContext context, Argument<string> id, Func<ExchangeApiClient, string, CancellationToken, Task> remove) =>
        RunSession(command, context, async (session, parsed, ct) =>
        {
            await session.CallAsync(async (api, c) =>
            {
                await remove(api, parsed.GetValue(id)!, c);
                return true;
            }, ct);
            return new Answer<string>(parsed.GetValue(id)!, null);
        }, (removed, _) => new Text($"removed {removed}"),
        json: (_, parsed) => JsonSerializer.Serialize(new { removed = parsed.GetValue(id) }, s_indented));

    /// <summary><c>neocloud webhook …</c>.</summary>
    public static Command Webhook(CliContext context)
    {
        var webhook = new Command("webhook", "Your organization's events pushed to your HTTPS endpoint, signed with a secret, in sequence order.");
        {
            var url = new Option<string>("--url") { Required = true, Description = "Where to POST the events (https; http only to hosts the exchange allows)." };
            var types = new Option<string?>("--types") { Description = "Only these event types, comma-separated (e.g. order.filled,trade.executed); default: all." };
            var description = new Option<string?>("--description") { Description = "What the hook is for." };
            // Here --url is the hook's; the exchange's URL is --exchange-url (or from 'neocloud login').
            var add = new Command("add", "Add a webhook; prints its secret, shown this once: keep it to verify the Neocloud-Signature header.") { url, types, description };
            Run(add, context, (api, parsed, ct) => api.CreateWebhookAsync(new WebhookBody
            {
                Url = parsed.GetValue(url)!,
                Types = parsed.GetValue(types) is { } list ? [.. list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)] : null,
                Description = parsed.GetValue(description),
            }, ct), added => new Rows(Table([added],
                [
                    new Column<NewWebhookView>("id", w => w.Id), new("url", w => w.Url), new("types", w => Cells.List(w.Types)), new("status", w => w.Status),
                    new("description", w => w.Description), new("created", w => Cells.Instant(w.Created)),
                ]),
                new Text($"secret (shown once; verify each request's Neocloud-Signature with it): {added.Secret}")), "--exchange-url");
            webhook.Subcommands.Add(add);
        }
        {
            var list = new Command("list", "List your webhooks (without their secrets).");
            Run(list, context, (api, _, ct) => api.ListWebhooksAsync(ct), page => Table(page.Items, s_webhookColumns));
            webhook.Subcommands.Add(list);
        }
        {
            var id = new Argument<string>("id") { Description = "The webhook's id (wh_…)." };
            var remove = new Command("remove", "Remove a webhook: nothing more is delivered to it.") { id };
            RunRemoval(remove, context, id, (api, removed, ct) => api.DeleteWebhookAsync(removed, ct));
            webhook.Subcommands.Add(remove);
        }
        {
            var id = new Argument<string>("id") { Description = "The webhook's id (wh_…)." };
            var test = new Command("test", "Send the webhook one signed webhook.test ping now and show what came of it.") { id };
            Run(test, context, (api, parsed, ct) => api.TestWebhookAsync(parsed.GetValue(id)!, ct), result => new Text(
                result.Delivered
                    ? $"delivered: {result.StatusCode} in {result.LatencyMs} ms"
                    : $"not delivered: {result.Error} ({result.LatencyMs} ms)"));
            webhook.Subcommands.Add(test);
        }
        {
            var id = new Argument<string>("id") { Description = "The webhook's id (wh_…)." };
            var limit = new Option<int>("--limit") { Description = "How many attempts, newest first (1-1000).", DefaultValueFactory = _ => 20 };
            var deliveries = new Command("deliveries", "A webhook's newest delivery attempts: event, attempt, status code or error, latency.") { id, limit };
            Run(deliveries, context, (api, parsed, ct) => api.ListWebhookDeliveriesAsync(parsed.GetValue(id)!, parsed.GetValue(limit), ct),
                page => Table(page.Items,
                [
                    new("seq", d => Cells.Number(d.Seq)), new("eventId", d => d.EventId), new("type", d => d.Type), new("attempt", d => Cells.Number(d.Attempt)),
                    new("at", d => Cells.Instant(d.At)), new("statusCode", d => Cells.Number(d.StatusCode)), new("latencyMs", d => Cells.Number(d.LatencyMs)),
                    new("error", d => d.Error),
                ]));
            webhook.Subcommands.Add(deliveries);
        }
        {
            var id = new Argument<string>("id") { Description = "The webhook's id (wh_…)." };
            var from = new Option<long>("--from") { Required = true, Description = "The sequence number to deliver again from (enables a disabled hook)." };
            var redeliver = new Command("redeliver", "Deliver a webhook's events again from a sequence number on; a disabled hook is enabled again.") { id, from };
            Run(redeliver, context, (api, parsed, ct) => api.RedeliverWebhookAsync(parsed.GetValue(id)!, parsed.GetValue(from), ct),
                redelivered => Table([redelivered], s_webhookColumns));
            webhook.Subcommands.Add(redeliver);
        }
        return webhook;
    }
}
