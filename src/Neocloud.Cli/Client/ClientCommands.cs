using System.CommandLine;
using System.Text.Json;
using Neocloud.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Neocloud.Cli.Client;

/// <summary>
/// The CLI as a client of a running exchange: <c>login</c>, <c>market book|trades|quote|index|search|curve</c>,
/// <c>order bid|ask|cancel|list</c>, <c>contracts</c>. Tables by default, <c>--json</c> for scripts.
/// </summary>
public static partial class ClientCommands
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    private sealed record Common(Option<string?> Url, Option<string?> Token, Option<bool> Json, Option<bool> Hours);

    /// <summary><c>neocloud login --url … --token …</c>: checks the token and stores both in the user's config.</summary>
    public static Command Login(CliContext context)
    {
        var url = new Option<string>("--url") { Description = "The exchange's base URL, e.g. http://127.0.0.1:5080.", Required = true };
        var token = new Option<string>("--token") { Description = "An API token (nc_…).", Required = true };
        var command = new Command("login", "Check an API token against an exchange and remember both for later commands.") { url, token };
        command.SetAction(async (parsed, ct) =>
        {
            var config = new ClientConfig(parsed.GetValue(url)!.TrimEnd('/') + "/", parsed.GetValue(token)!);
            using var session = new ExchangeSession(config);
            var me = await session.CallAsync((api, c) => api.GetMeAsync(c), ct);
            config.Save(context.ConfigPath);
            context.Output.WriteLine($"logged in to {config.Url} as {me.Organization} ({string.Join(", ", me.Scopes)}); saved to {context.ConfigPath}");
            return 0;
        });
        return command;
    }

    /// <summary>Adds <c>book</c>, <c>trades</c>, <c>quote</c> and <c>index</c> to the <c>market</c> command.</summary>
    public static void AddMarketData(Command market, CliContext context)
    {
        var sku = () => new Argument<string>("sku") { Description = "The SKU, e.g. GB300." };
        var region = () => new Option<string?>("--region") { Description = "Only this region (e.g. us-tx)." };

        {
            var skuArgument = sku();
            var regionOption = region();
            var book = new Command("book", "The order book of a SKU: resting asks and bids by price level.") { skuArgument, regionOption };
            Run(book, context, (api, parsed, ct) => api.GetBookAsync(parsed.GetValue(skuArgument)!, parsed.GetValue(regionOption), ct),
                json => new Rows(new Text("asks"), Table(json.GetProperty("asks"), ["price", "orders", "gpuHours", "maxGpus", "firstHour", "lastHour"]),
                    new Text("bids"), Table(json.GetProperty("bids"), ["price", "orders", "gpuHours", "maxGpus", "firstHour", "lastHour"])));
            market.Subcommands.Add(book);
        }
        {
            var skuArgument = sku();
            var limit = new Option<int>("--limit") { Description = "How many trades.", DefaultValueFactory = _ => 20 };
            var trades = new Command("trades", "Recent trades of a SKU, newest first (anonymous).") { skuArgument, limit };
            Run(trades, context, (api, parsed, ct) => api.ListMarketTradesAsync(parsed.GetValue(skuArgument)!, parsed.GetValue(limit), ct),
                json => Table(json.GetProperty("items"), ["id", "region", "gpus", "start", "end", "price", "executed"]));
            market.Subcommands.Add(trades);
        }
        {
            var skuArgument = sku();
            var regionOption = region();
            var gpus = new Option<int>("--gpus") { Description = "GPUs wanted.", Required = true };
            var start = Hours.Option("--start", "First hour");
            var end = Hours.Option("--end", "Hour after the last");
            var quote = new Command("quote", "The price a bid would trade at now, or none.") { skuArgument, gpus, start, end, regionOption };
            Run(quote, context, (api, parsed, ct) => api.GetQuoteAsync(parsed.GetValue(skuArgument)!, parsed.GetValue(gpus),
                    Hours.Read(parsed, start, context.Now), Hours.Read(parsed, end, context.Now), parsed.GetValue(regionOption), ct),
                json => new Text(json.GetProperty("price").ValueKind == JsonValueKind.Null
                    ? "no resting ask can fill this bid now"
                    : $"{json.GetProperty("gpus")} GPUs x [{json.GetProperty("start")}, {json.GetProperty("end")}) at ${json.GetProperty("price").GetString()}/GPU-h = ${json.GetProperty("notionalUsd").GetDecimal():#,0.00}"));
            market.Subcommands.Add(quote);
        }
        {
            var skuArgument = sku();
            var from = new Option<string?>("--from") { Description = "First day (YYYY-MM-DD, UTC); default 29 days ago." };
            var to = new Option<string?>("--to") { Description = "Last day (YYYY-MM-DD, UTC); default today." };
            var index = new Command("index", "Daily price index: VWAP per GPU-hour, GPU-hours, OHLC.") { skuArgument, from, to };
            Run(index, context, (api, parsed, ct) => api.GetIndexAsync(parsed.GetValue(skuArgument)!, parsed.GetValue(from), parsed.GetValue(to), ct),
                json => Table(json.GetProperty("days"), ["day", "vwap", "gpuHours", "trades", "open", "high", "low", "close"]));
            market.Subcommands.Add(index);
        }
    }

    /// <summary><c>neocloud order bid|ask|cancel|list</c>.</summary>
    public static Command Order(CliContext context)
    {
        var order = new Command("order", "Place, cancel and list your orders on a running exchange.");
        var orderColumns = new[] { "id", "side", "sku", "region", "pool", "gpus", "start", "end", "price", "tif", "status", "tradedGpuHours" };
        {
            var sku = new Option<string?>("--sku") { Description = "The SKU, e.g. GB300 (or give --alt)." };
            var region = new Option<string?>("--region") { Description = "Only asks in this region." };
            var gpus = new Option<int>("--gpus") { Required = true, Description = "GPUs for every hour of the window." };
            var start = Hours.Option("--start", "First hour");
            var end = Hours.Option("--end", "Hour after the last");
            var limit = new Option<string?>("--limit") { Description = "Highest price per GPU-hour, e.g. 3.10 (with --sku)." };
            var tif = new Option<string>("--tif") { Description = "GTC (rest) or IOC (cancel if not filled).", DefaultValueFactory = _ => "GTC" };
            var alternatives = new Option<string[]>("--alt")
            {
                Description = "An alternative SKU and its limit, e.g. --alt GB300=3.10 --alt GB200=2.60 (1-4, one market group) instead of --sku/--limit.",
                AllowMultipleArgumentsPerToken = false,
            };
            var pool = new Option<string?>("--pool") { Description = "Only asks on this pool (extend a block on the same fabric); --region is then ignored." };
            var bid = new Command("bid", "Bid for GPUs of a SKU (or of alternative SKUs) over a whole window.") { sku, region, gpus, start, end, limit, tif, alternatives, pool };
            Run(bid, context, (api, parsed, ct) =>
            {
                var (what, alts) = BidSkus(parsed.GetValue(sku), parsed.GetValue(limit), parsed.GetValue(alternatives) ?? []);
                return api.PlaceBidAsync(new BidBody
                {
                    Sku = what.sku, Limit = what.limit, Alternatives = alts, Region = parsed.GetValue(region), Pool = parsed.GetValue(pool), Gpus = parsed.GetValue(gpus),
                    Start = Hours.Read(parsed, start, context.Now), End = Hours.Read(parsed, end, context.Now), Tif = parsed.GetValue(tif),
                }, ct);
            }, json => Placed(json, orderColumns));
            order.Subcommands.Add(bid);
        }
        AddBuyerOrders(order, context, orderColumns);
        {
            var pool = new Option<string>("--pool") { Required = true, Description = "Your pool." };
            var gpus = new Option<int>("--gpus") { Required = true, Description = "GPUs offered in every hour of the window." };
            var start = Hours.Option("--start", "First hour");
            var end = Hours.Option("--end", "Hour after the last");
            var price = new Option<string>("--price") { Required = true, Description = "Lowest price per GPU-hour, e.g. 2.45." };
            var ask = new Command("ask", "Offer GPUs of your pool over a window.") { pool, gpus, start, end, price };
            Run(ask, context, (api, parsed, ct) => api.PlaceAskAsync(new AskBody
            {
                Pool = parsed.GetValue(pool)!, Gpus = parsed.GetValue(gpus), Start = Hours.Read(parsed, start, context.Now),
                End = Hours.Read(parsed, end, context.Now), Price = parsed.GetValue(price)!,
            }, ct), json => Placed(json, orderColumns));
            order.Subcommands.Add(ask);
        }
        {
            var id = new Argument<string>("id") { Description = "The order's id." };
            var cancel = new Command("cancel", "Cancel a resting bid or the unsold rest of an ask.") { id };
            Run(cancel, context, (api, parsed, ct) => api.CancelOrderAsync(parsed.GetValue(id)!, ct),
                json => Table(Single(json), orderColumns));
            order.Subcommands.Add(cancel);
        }
        {
            var status = new Option<string>("--status") { Description = "open, closed or all.", DefaultValueFactory = _ => "all" };
            status.AcceptOnlyFromAmong("open", "closed", "all");
            var list = new Command("list", "List your orders.") { status };
            Run(list, context, (api, parsed, ct) => api.ListOrdersAsync(parsed.GetValue(status), limit: 1000, cancellationToken: ct),
                json => Table(json.GetProperty("items"), orderColumns));
            order.Subcommands.Add(list);
        }
        return order;
    }

    /// <summary><c>neocloud contracts</c>: your contracts as buyer or seller.</summary>
    public static Command Contracts(CliContext context)
    {
        var contracts = new Command("contracts", "List your contracts, as buyer or seller.");
        Run(contracts, context, (api, _, ct) => api.ListContractsAsync(limit: 1000, cancellationToken: ct),
            json => Table(json.GetProperty("items"), ["id", "kind", "buyer", "seller", "pool", "sku", "gpus", "start", "end", "price", "notionalUsd"]));
        return contracts;
    }

    /// <summary>Sets up a command that makes one call on the generated client and shows its answer with <paramref name="render"/>.</summary>
    private static void Run(Command command, CliContext context, Func<ExchangeApiClient, ParseResult, CancellationToken, Task> call, Func<JsonElement, IRenderable> render,
        string exchangeOption = "--url") =>
        RunSession(command, context, (session, parsed, ct) => session.AnswerAsync((api, c) => call(api, parsed, c), ct), render, exchangeOption);

    /// <summary>Sets up a command that makes its calls through an <see cref="ExchangeSession"/> and shows the JSON it returns.</summary>
    /// <remarks><paramref name="exchangeOption"/> names the exchange's URL option, for a command whose own <c>--url</c> means something else.</remarks>
    private static void RunSession(Command command, CliContext context, Func<ExchangeSession, ParseResult, CancellationToken, Task<JsonElement>> call,
        Func<JsonElement, IRenderable> render, string exchangeOption = "--url")
    {
        var common = AddCommon(command, exchangeOption);
        command.SetAction(async (parsed, ct) =>
        {
            using var session = new ExchangeSession(ClientConfig.Resolve(parsed.GetValue(common.Url), parsed.GetValue(common.Token), context.ConfigPath));
            var json = await call(session, parsed, ct);
            if (parsed.GetValue(common.Json)) context.Output.WriteLine(JsonSerializer.Serialize(json, s_indented));
            else context.Console.Write(render(parsed.GetValue(common.Hours) ? json : Client.Hours.AsTimes(json)));
            context.Console.WriteLine();
            return 0;
        });
    }

    /// <summary>
    /// Adds the options every client command takes: the exchange's URL (<c>--url</c>, or <paramref name="exchangeOption"/> for a
    /// command whose own <c>--url</c> means something else), --token, --json, and the hours-as-numbers flag.
    /// </summary>
    private static Common AddCommon(Command command, string exchangeOption = "--url")
    {
        var common = new Common(
            new Option<string?>(exchangeOption) { Description = "The exchange's URL (default: from 'neocloud login')." },
            new Option<string?>("--token") { Description = "An API token (default: from 'neocloud login')." },
            new Option<bool>("--json") { Description = "Print the API's JSON instead of a table." },
            Client.Hours.NumbersFlag());
        command.Options.Add(common.Url);
        command.Options.Add(common.Token);
        command.Options.Add(common.Json);
        command.Options.Add(common.Hours);
        return common;
    }

    private static IRenderable Placed(JsonElement json, string[] columns)
    {
        if (Held(json) is { } held) return held;
        var trades = json.GetProperty("trades");
        var rows = new Rows(Table(Single(json.GetProperty("order")), columns),
            trades.GetArrayLength() == 0 ? new Text("no trades") : Table(trades, ["id", "side", "counterparty", "pool", "gpus", "start", "end", "price", "notionalUsd"]));
        return rows;
    }

    /// <summary>A command held for approval (202: the answer is the approval), shown as such; null for any other answer.</summary>
    private static IRenderable? Held(JsonElement json) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty("approval", out var id) && json.TryGetProperty("status", out _)
            ? new Rows(new Text($"held for approval {id.GetString()}: another approver runs it with `neocloud approvals approve {id.GetString()}`"), ApprovalTable(json))
            : null;

    private static JsonElement Single(JsonElement item) => JsonDocument.Parse($"[{item.GetRawText()}]").RootElement;

    private static Table Table(JsonElement items, string[] columns)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns) table.AddColumn(new TableColumn(new Text(column)));
        foreach (var item in items.EnumerateArray())
        {
            table.AddRow(columns.Select(c => (IRenderable)new Text(item.TryGetProperty(c, out var value) ? Cell(value) : "")));
        }
        return table;
    }

    private static string Cell(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Null => "",
        _ => value.GetRawText(),
    };
}
