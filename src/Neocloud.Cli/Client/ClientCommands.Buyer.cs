using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Neocloud.Client;
using Neocloud.Domain.Time;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Neocloud.Cli.Client;

/// <summary>
/// The orders buyers use beyond a plain bid: <c>order extend</c> (a pool-targeted bid that continues a contract),
/// <c>order portfolio</c> (all or none across legs) and <c>order portfolios</c>.
/// </summary>
public static partial class ClientCommands
{
    private static void AddBuyerOrders(Command order, CliContext context)
    {
        {
            var id = new Argument<string>("contract") { Description = "The spot contract (c-123) or trade (123) to extend." };
            var hours = new Option<int>("--hours") { Required = true, Description = "Hours to add after the contract's end, e.g. 168 for a week." };
            var limit = new Option<string>("--limit") { Required = true, Description = "Highest price per GPU-hour, e.g. 3.20." };
            var gpus = new Option<int?>("--gpus") { Description = "GPUs to keep (default: the contract's)." };
            var tif = new Option<string>("--tif") { Description = "GTC (rest until an ask on the pool comes) or IOC.", DefaultValueFactory = _ => "GTC" };
            var extend = new Command("extend", "Bid to keep a contract's block for longer: same pool, same GPUs, from its end hour on.") { id, hours, limit, gpus, tif };
            RunSession(extend, context, async (session, parsed, ct) =>
            {
                var hoursToAdd = parsed.GetValue(hours);
                if (hoursToAdd is < 1 or > Domain.Time.Hour.MaxWindowHours)
                    throw new UsageException($"--hours: must be between 1 and {Domain.Time.Hour.MaxWindowHours}, got {hoursToAdd}");
                var text = parsed.GetValue(id)!;
                var contractId = text.All(char.IsAsciiDigit) ? $"c-{text}" : text;
                var contract = await session.CallAsync((api, c) => api.GetContractAsync(contractId, c), ct);
                var end = checked((int)contract.End);
                return await session.AnswerAsync((api, c) => api.PlaceBidAsync(new BidBody
                {
                    Sku = contract.Sku, Pool = contract.Pool, Gpus = parsed.GetValue(gpus) ?? checked((int)contract.Gpus), Start = end, End = end + hoursToAdd,
                    Limit = parsed.GetValue(limit), Tif = parsed.GetValue(tif),
                }, c), ct);
            }, Placed);
            order.Subcommands.Add(extend);
        }
        {
            var legs = new Option<string[]>("--leg")
            {
                Description = "A leg: \"SKU REGION GPUS START END LIMIT\", e.g. \"GB300 us-tx 1024 2027-01-01 2027-02-01 3.10\"; REGION may be * (any) or pool:ID; " +
                    "alternatives as \"GB300/GB200 * 64 +1d +8d 3.10/2.60\". Give 2-16.",
                AllowMultipleArgumentsPerToken = false,
            };
            var file = new Option<FileInfo?>("--file") { Description = "The legs as JSON instead: an array of legs as the API takes them, or {\"legs\": [...]}." };
            var portfolio = new Command("portfolio", "Buy 2-16 blocks all or none, now: every leg trades, or nothing does and the answer names the leg that found no ask.") { legs, file };
            Run(portfolio, context, (api, parsed, ct) =>
                api.PlacePortfolioAsync(Portfolio(parsed.GetValue(legs) ?? [], parsed.GetValue(file), context.Now), ct), RenderPortfolio);
            order.Subcommands.Add(portfolio);
        }
        {
            var id = new Argument<string?>("id") { Description = "One portfolio (default: list them all).", Arity = ArgumentArity.ZeroOrOne };
            var portfolios = new Command("portfolios", "Your portfolio orders, or one with its legs' trades.") { id };
            Run<ICollection<PortfolioView>>(portfolios, context, async (api, parsed, ct) => parsed.GetValue(id) is { } one
                    ? [await api.GetPortfolioAsync(one, ct)]
                    : (await api.ListPortfoliosAsync(limit: 1000, cancellationToken: ct)).Items,
                (list, cells) => new Rows(list.Select(p => RenderPortfolio(p, cells))));
            order.Subcommands.Add(portfolios);
        }
    }

    /// <summary>A bid's SKU: <c>--sku</c> with <c>--limit</c>, or <c>--alt SKU=LIMIT</c> given 1–4 times (the server checks the group).</summary>
    private static ((string? sku, string? limit) What, List<AlternativeBody>? Alternatives) BidSkus(string? sku, string? limit, string[] alternatives)
    {
        if (alternatives.Length == 0)
        {
            if (sku is null || limit is null) throw new UsageException("--sku and --limit: give both, or give --alt SKU=LIMIT instead");
            return ((sku, limit), null);
        }
        if (sku is not null || limit is not null) throw new UsageException("--alt: give either --sku and --limit or --alt, not both");
        var list = new List<AlternativeBody>();
        foreach (var text in alternatives)
        {
            var parts = text.Split('=');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                throw new UsageException($"--alt: must be SKU=LIMIT such as GB300=3.10, got \"{text}\"");
            list.Add(new AlternativeBody { Sku = parts[0], Limit = parts[1] });
        }
        return ((null, null), list);
    }

    /// <summary>The portfolio's body from <c>--leg</c> texts or from <c>--file</c>.</summary>
    private static PortfolioBody Portfolio(string[] legs, FileInfo? file, DateTimeOffset now)
    {
        if (file is not null)
        {
            if (legs.Length > 0) throw new UsageException("--file: give either --leg or --file, not both");
            var json = JsonFile(file);
            var body = json switch
            {
                JsonArray array => new JsonObject { ["legs"] = array.DeepClone() },
                JsonObject { } given when given.ContainsKey("legs") => given,
                _ => throw new UsageException($"--file: {file.FullName} must hold an array of legs or an object with \"legs\""),
            };
            return FileBody(body, file);
        }
        if (legs.Length == 0) throw new UsageException("--leg: give 2-16 legs (or --file)");
        return new PortfolioBody { Legs = [.. legs.Select((text, i) => Leg(text, i, now))] };
    }

    /// <summary>
    /// A portfolio file as the typed body. The client sends hours as numbers, so a leg's <c>start</c> or <c>end</c> written
    /// as an RFC 3339 time becomes its hour here (a bad one names the leg's field); anything else is the server's to check.
    /// </summary>
    private static PortfolioBody FileBody(JsonObject body, FileInfo file)
    {
        if (body["legs"] is JsonArray legs)
        {
            for (var i = 0; i < legs.Count; i++)
            {
                if (legs[i] is not JsonObject leg) continue;
                foreach (var field in new[] { "start", "end" })
                {
                    if (leg[field] is not JsonValue value || !value.TryGetValue<string>(out var text)) continue;
                    leg[field] = HourText.TryParseHourOrTime(text, out var hour, out var error)
                        ? hour.Value
                        : throw new UsageException($"--file: legs[{i}].{field}: {error}");
                }
            }
        }
        try
        {
            return body.Deserialize<PortfolioBody>() ?? throw new UsageException($"--file: {file.FullName} must hold an array of legs or an object with \"legs\"");
        }
        catch (JsonException e)
        {
            throw new UsageException($"--file: {file.FullName}: {e.Message.Split('\n')[0]}");
        }
    }

    /// <summary>One <c>--leg</c>: <c>SKU REGION GPUS START END LIMIT</c>, SKUs and limits joined by '/' for alternatives.</summary>
    private static LegBody Leg(string text, int index, DateTimeOffset now)
    {
        var name = $"--leg {index + 1}";
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 6) throw new UsageException($"{name}: must be \"SKU REGION GPUS START END LIMIT\", got \"{text}\"");
        var (skus, limits) = (parts[0].Split('/'), parts[5].Split('/'));
        if (skus.Length != limits.Length) throw new UsageException($"{name}: {skus.Length} SKUs but {limits.Length} limits in \"{text}\"");
        if (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var gpus) || gpus < 1)
            throw new UsageException($"{name}: GPUs must be a whole number >= 1, got \"{parts[2]}\"");
        var leg = new LegBody { Gpus = gpus, Start = LegHour(parts[3], $"{name} start", now), End = LegHour(parts[4], $"{name} end", now) };
        if (skus.Length == 1) (leg.Sku, leg.Limit) = (skus[0], limits[0]);
        else leg.Alternatives = [.. skus.Select((sku, i) => new AlternativeBody { Sku = sku, Limit = limits[i] })];
        if (parts[1].StartsWith("pool:", StringComparison.Ordinal)) leg.Pool = parts[1]["pool:".Length..];
        else if (parts[1] is not ("*" or "any")) leg.Region = parts[1];
        return leg;
    }

    private static int LegHour(string text, string name, DateTimeOffset now) =>
        Hours.TryParse(text, now, out var hour, out var error) ? hour.Value : throw new UsageException($"{name}: {error}");

    private static IRenderable RenderPortfolio(PortfolioView portfolio, Cells cells)
    {
        var headline = portfolio.Status == "filled"
            ? $"portfolio {portfolio.Id}: filled, every leg traded"
            : $"portfolio {portfolio.Id}: cancelled, leg {portfolio.CancelledLeg} found no ask; nothing traded";
        return new Rows(new Text(headline), Table(portfolio.Legs,
        [
            new("index", l => Cells.Number(l.Index)),
            new("sku", l => l.Alternatives is { } alternatives ? string.Join("/", alternatives.Select(a => a.Sku)) : l.Sku),
            new("limit", l => l.Alternatives is { } alternatives ? string.Join("/", alternatives.Select(a => a.Limit)) : l.Limit),
            new("region", l => l.Region), new("pool", l => l.Pool), new("gpus", l => Cells.Number(l.Gpus)), new("start", l => cells.Hour(l.Start)),
            new("end", l => cells.Hour(l.End)), new("trade", l => Cells.Number(l.Trade?.Id)), new("tradePool", l => l.Trade?.Pool), new("price", l => l.Trade?.Price),
        ]));
    }

    /// <summary>The JSON of a <c>--file</c> option's file, or a one-line usage error naming it.</summary>
    private static JsonNode? JsonFile(FileInfo file)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(file.FullName));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new UsageException($"--file: cannot read {file.FullName}: {e.Message.Split('\n')[0]}");
        }
    }
}
