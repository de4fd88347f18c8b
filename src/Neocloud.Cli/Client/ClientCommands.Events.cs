using System.CommandLine;
using Neocloud.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Neocloud.Cli.Client;

public static partial class ClientCommands
{
    /// <summary>
    /// <c>neocloud events [--after N] [--types a,b] [--limit N] [--follow] [--json]</c>: your organization's events, a
    /// page of them or, with <c>--follow</c>, each one as it is committed (a long-poll loop that resumes after the last
    /// event it printed) until interrupted; <c>--json</c> prints one event envelope a line.
    /// </summary>
    public static Command Events(CliContext context)
    {
        var after = new Option<long>("--after") { Description = "Only events after this sequence number.", DefaultValueFactory = _ => 0 };
        var types = new Option<string?>("--types") { Description = "Only these types, comma-separated (e.g. order.filled,trade.executed)." };
        var limit = new Option<int>("--limit") { Description = "The most events to print (without --follow).", DefaultValueFactory = _ => 100 };
        var follow = new Option<bool>("--follow") { Description = "Keep printing new events as they happen, until interrupted." };
        var events = new Command("events", "Your organization's events: fills, trades, RFQ offers and awards, deliveries, invoices…") { after, types, limit, follow };
        var common = AddCommon(events);
        events.SetAction(async (parsed, ct) =>
        {
            var config = ClientConfig.Resolve(parsed.GetValue(common.Url), parsed.GetValue(common.Token), context.ConfigPath);
            var json = parsed.GetValue(common.Json);
            var filter = parsed.GetValue(types);
            var seq = parsed.GetValue(after);
            if (!parsed.GetValue(follow))
            {
                using var once = new ExchangeSession(config);
                var page = await once.CallAsync((api, c) => api.ListEventsAsync(seq, filter, parsed.GetValue(limit), 0, c), ct);
                if (json) context.Output.WriteLine(once.AnswerJson());
                else context.Console.Write(EventTable(page.Events));
                context.Console.WriteLine();
                return 0;
            }
            // A long-poll holds the request up to 30 s: give it longer than that before calling the exchange silent.
            using var session = new ExchangeSession(config, timeout: TimeSpan.FromSeconds(75));
            try
            {
                while (!ct.IsCancellationRequested)
                {
                    var page = await session.CallAsync((api, c) => api.ListEventsAsync(seq, filter, 1000, 30, c), ct);
                    // With --json each line is an event's envelope as the exchange sent it, not the typed event written again.
                    var sent = json ? session.AnswerLines("events") : null;
                    foreach (var (e, i) in page.Events.Select((e, i) => (e, i)))
                    {
                        context.Output.WriteLine(sent is null ? Line(e) : sent[i]);
                        seq = e.Seq;
                    }
                    context.Output.Flush();
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Interrupted: the events printed so far are all there is to say.
            }
            return 0;
        });
        return events;
    }

    private static IRenderable EventTable(ICollection<EventView> events) => events.Count == 0 ? new Text("no events") : Table(events,
    [
        new("seq", e => Cells.Number(e.Seq)), new("type", e => e.Type), new("at", e => Cells.Instant(e.At)), new("data", e => Data(e)),
    ]);

    private static string Line(EventView e) => $"{e.Seq,6}  {Cells.Instant(e.At)}  {e.Type,-20}  {Data(e)}";

    /// <summary>An event's data, free-form JSON by design (each type has its own fields): shown as JSON.</summary>
    private static string Data(EventView e) => e.Data?.ToJsonString() ?? "null";
}
