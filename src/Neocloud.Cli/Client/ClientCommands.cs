using System.CommandLine;
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
                (answer, cells) => new Rows(new Text("asks"), Table(answer.Asks, LevelColumns(cells)), new Text("bids"), Table(answer.Bids, LevelColumns(cells))));
            market.Subcommands.Add(book);
        }
        {
            var skuArgument = sku();
            var limit = new Option<int>("--limit") { Description = "How many trades.", DefaultValueFactory = _ => 20 };
            var trades = new Command("trades", "Recent trades of a SKU, newest first (anonymous).") { skuArgument, limit };
            Run(trades, context, (api, parsed, ct) => api.ListMarketTradesAsync(parsed.GetValue(skuArgument)!, parsed.GetValue(limit), ct),
                (page, cells) => Table(page.Items,
                [
                    new("id", t => Cells.Number(t.Id)), new("region", t => t.Region), new("gpus", t => Cells.Number(t.Gpus)), new("start", t => cells.Hour(t.Start)),
                    new("end", t => cells.Hour(t.End)), new("price", t => t.Price), new("executed", t => Cells.Instant(t.Executed)),
                ]));
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
                (q, cells) => new Text(q.Price is null
                    ? "no resting ask can fill this bid now"
                    : $"{q.Gpus} GPUs x [{cells.Hour(q.Start)}, {cells.Hour(q.End)}) at ${q.Price}/GPU-h = ${q.NotionalUsd:#,0.00}"));
            market.Subcommands.Add(quote);
        }
        {
            var skuArgument = sku();
            var from = new Option<string?>("--from") { Description = "First day (YYYY-MM-DD, UTC); default 29 days ago." };
            var to = new Option<string?>("--to") { Description = "Last day (YYYY-MM-DD, UTC); default today." };
            var index = new Command("index", "Daily price index: VWAP per GPU-hour, GPU-hours, OHLC.") { skuArgument, from, to };
            Run(index, context, (api, parsed, ct) => api.GetIndexAsync(parsed.GetValue(skuArgument)!, parsed.GetValue(from), parsed.GetValue(to), ct),
                index => Table(index.Days,
                [
                    new("day", d => d.Day), new("vwap", d => d.Vwap), new("gpuHours", d => Cells.Number(d.GpuHours)), new("trades", d => Cells.Number(d.Trades)),
                    new("open", d => d.Open), new("high", d => d.High), new("low", d => d.Low), new("close", d => d.Close),
                ]));
            market.Subcommands.Add(index);
        }
    }

    /// <summary><c>neocloud order bid|ask|cancel|list</c>.</summary>
    public static Command Order(CliContext context)
    {
        var order = new Command("order", "Place, cancel and list your orders on a running exchange.");
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
            }, Placed);
            order.Subcommands.Add(bid);
        }
        AddBuyerOrders(order, context);
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
            }, ct), Placed);
            order.Subcommands.Add(ask);
        }
        {
            var id = new Argument<string>("id") { Description = "The order's id." };
            var cancel = new Command("cancel", "Cancel a resting bid or the unsold rest of an ask.") { id };
            Run(cancel, context, (api, parsed, ct) => api.CancelOrderAsync(parsed.GetValue(id)!, ct),
                (one, cells) => Table([one], OrderColumns(cells)));
            order.Subcommands.Add(cancel);
        }
        {
            var status = new Option<string>("--status") { Description = "open, closed or all.", DefaultValueFactory = _ => "all" };
            status.AcceptOnlyFromAmong("open", "closed", "all");
            var list = new Command("list", "List your orders.") { status };
            Run(list, context, (api, parsed, ct) => api.ListOrdersAsync(parsed.GetValue(status), limit: 1000, cancellationToken: ct),
                (page, cells) => Table(page.Items, OrderColumns(cells)));
            order.Subcommands.Add(list);
        }
        return order;
    }

    /// <summary><c>neocloud contracts</c>: your contracts as buyer or seller.</summary>
    public static Command Contracts(CliContext context)
    {
        var contracts = new Command("contracts", "List your contracts, as buyer or seller.");
        Run(contracts, context, (api, _, ct) => api.ListContractsAsync(limit: 1000, cancellationToken: ct),
            (page, cells) => Table(page.Items,
            [
                new("id", c => c.Id), new("kind", c => c.Kind), new("buyer", c => c.Buyer), new("seller", c => c.Seller), new("pool", c => c.Pool), new("sku", c => c.Sku),
                new("gpus", c => Cells.Number(c.Gpus)), new("start", c => cells.Hour(c.Start)), new("end", c => cells.Hour(c.End)), new("price", c => c.Price),
                new("notionalUsd", c => Cells.Number(c.NotionalUsd)),
            ]));
        return contracts;
    }

    /// <summary>Sets up a command that makes one call on the generated client and shows its answer with <paramref name="render"/>.</summary>
    private static void Run<T>(Command command, CliContext context, Func<ExchangeApiClient, ParseResult, CancellationToken, Task<T>> call,
        Func<T, Cells, IRenderable> render, string exchangeOption = "--url") where T : class =>
        RunSession(command, context, (session, parsed, ct) => session.AnswerAsync((api, c) => call(api, parsed, c), ct), render, exchangeOption);

    /// <summary>As the other <c>Run</c>, for an answer without hours (its table does not depend on <c>--hours</c>).</summary>
    private static void Run<T>(Command command, CliContext context, Func<ExchangeApiClient, ParseResult, CancellationToken, Task<T>> call,
        Func<T, IRenderable> render, string exchangeOption = "--url") where T : class =>
        Run(command, context, call, (answer, _) => render(answer), exchangeOption);

    /// <summary>
    /// Sets up a command that makes its calls through an <see cref="ExchangeSession"/> and shows the typed answer with
    /// <paramref name="render"/> (or the approval it is held for); <c>--json</c> prints the exchange's JSON as sent instead
    /// (the last answer's, or what <paramref name="json"/> picks).
    /// </summary>
    /// <remarks><paramref name="exchangeOption"/> names the exchange's URL option, for a command whose own <c>--url</c> means something else.</remarks>
    private static void RunSession<T>(Command command, CliContext context, Func<ExchangeSession, ParseResult, CancellationToken, Task<Answer<T>>> call,
        Func<T, Cells, IRenderable> render, string exchangeOption = "--url", Func<ExchangeSession, ParseResult, string>? json = null) where T : class
    {
        var common = AddCommon(command, exchangeOption);
        command.SetAction(async (parsed, ct) =>
        {
            using var session = new ExchangeSession(ClientConfig.Resolve(parsed.GetValue(common.Url), parsed.GetValue(common.Token), context.ConfigPath));
            var answer = await call(session, parsed, ct);
            if (parsed.GetValue(common.Json))
            {
                context.Output.WriteLine(json is null ? session.AnswerJson() : json(session, parsed));
            }
            else
            {
                var cells = new Cells(parsed.GetValue(common.Hours));
                context.Console.Write(answer.Held is { } held ? Held(held) : render(answer.Result!, cells));
            }
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

    private static Column<OrderView>[] OrderColumns(Cells cells) =>
    [
        new("id", o => o.Id), new("side", o => Cells.Name(o.Side)), new("sku", o => o.Sku), new("region", o => o.Region), new("pool", o => o.Pool),
        new("gpus", o => Cells.Number(o.Gpus)), new("start", o => cells.Hour(o.Start)), new("end", o => cells.Hour(o.End)), new("price", o => o.Price),
        new("tif", o => Cells.Name(o.Tif)), new("status", o => Cells.Name(o.Status)), new("tradedGpuHours", o => Cells.Number(o.TradedGpuHours)),
    ];

    private static Column<LevelView>[] LevelColumns(Cells cells) =>
    [
        new("price", l => l.Price), new("orders", l => Cells.Number(l.Orders)), new("gpuHours", l => Cells.Number(l.GpuHours)),
        new("maxGpus", l => Cells.Number(l.MaxGpus)), new("firstHour", l => cells.Hour(l.FirstHour)), new("lastHour", l => cells.Hour(l.LastHour)),
    ];

    /// <summary>A placed order and the trades it made at once.</summary>
    private static IRenderable Placed(PlacedView placed, Cells cells) =>
        new Rows(Table([placed.Order], OrderColumns(cells)), placed.Trades.Count == 0 ? new Text("no trades") : Table(placed.Trades,
        [
            new("id", t => Cells.Number(t.Id)), new("side", t => t.Side), new("counterparty", t => t.Counterparty), new("pool", t => t.Pool),
            new("gpus", t => Cells.Number(t.Gpus)), new("start", t => cells.Hour(t.Start)), new("end", t => cells.Hour(t.End)), new("price", t => t.Price),
            new("notionalUsd", t => Cells.Number(t.NotionalUsd)),
        ]));

    /// <summary>A command held for approval (202: the answer is the approval), shown as such.</summary>
    private static IRenderable Held(ApprovalView approval) =>
        new Rows(new Text($"held for approval {approval.Approval}: another approver runs it with `neocloud approvals approve {approval.Approval}`"), ApprovalTable(approval));

    /// <summary>A table of <paramref name="items"/>, a row each, a cell per column.</summary>
    private static Table Table<T>(IEnumerable<T> items, IReadOnlyList<Column<T>> columns)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns) table.AddColumn(new TableColumn(new Text(column.Name)));
        foreach (var item in items) table.AddRow(columns.Select(c => (IRenderable)new Text(c.Cell(item) ?? "")));
        return table;
    }

    /// <summary>A list's cursor for the next page, as the option that asks for it; nothing at the end.</summary>
    private static Text More(string? next) => new(next is null ? "" : $"more: --after {next}");
}
