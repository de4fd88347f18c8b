using System.CommandLine;
using System.Text.Json;
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
                var page = await once.AnswerAsync((api, c) => api.ListEventsAsync(seq, filter, parsed.GetValue(limit), 0, c), ct);
                if (json) context.Output.WriteLine(JsonSerializer.Serialize(page, s_indented));
                else context.Console.Write(EventTable(page.GetProperty("events")));
                context.Console.WriteLine();
                return 0;
            }
            // A long-poll holds the request up to 30 s: give it longer than that before calling the exchange silent.
            using var session = new ExchangeSession(config, timeout: TimeSpan.FromSeconds(75));
            try
            {
                while (!ct.IsCancellationRequested)
                {
                    var page = await session.AnswerAsync((api, c) => api.ListEventsAsync(seq, filter, 1000, 30, c), ct);
                    foreach (var e in page.GetProperty("events").EnumerateArray())
                    {
                        context.Output.WriteLine(json ? e.GetRawText() : Line(e));
                        seq = e.GetProperty("seq").GetInt64();
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

    private static IRenderable EventTable(JsonElement events)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in new[] { "seq", "type", "at", "data" }) table.AddColumn(new TableColumn(new Text(column)));
        foreach (var e in events.EnumerateArray())
            table.AddRow(new Text(e.GetProperty("seq").GetRawText()), new Text(e.GetProperty("type").GetString()!), new Text(e.GetProperty("at").GetString()!),
                new Text(e.GetProperty("data").GetRawText()));
        return events.GetArrayLength() == 0 ? new Text("no events") : table;
    }

    private static string Line(JsonElement e) =>
        $"{e.GetProperty("seq").GetRawText(),6}  {e.GetProperty("at").GetString()}  {e.GetProperty("type").GetString(),-20}  {e.GetProperty("data").GetRawText()}";
}
