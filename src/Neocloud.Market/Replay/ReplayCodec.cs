using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Neocloud.Domain.Input;
using Neocloud.Domain.Money;
using Neocloud.Domain.Time;
using Neocloud.Market.Commands;
using Neocloud.Market.Engine;

namespace Neocloud.Market.Replay;

/// <summary>
/// The replay format of DESIGN.md (JSON Lines): one command per line in, one event per line out. A line that is
/// JSON but not a valid command is a rejection carrying the line's <c>id</c> (or null); a line that is not JSON is
/// reported as such and stops a replay.
/// </summary>
public static class ReplayCodec
{
    /// <summary>
    /// The outcome of reading one line: a command; or a rejection, with the field that made the line no command in
    /// <see cref="Errors"/> (the reason the rejection event carries); or not JSON at all.
    /// </summary>
    public readonly record struct Parsed(MarketCommand? Command, MarketEvent? Rejection, string? NotJson, FieldErrors? Errors = null);

    /// <summary>Reads one line.</summary>
    public static Parsed Parse(string line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            return new Parsed(null, null, $"not JSON at position {(e.BytePositionInLine ?? 0) + 1}");
        }
        using (document)
        {
            var root = document.RootElement;
            string? id = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("id", out var idValue) && idValue.ValueKind == JsonValueKind.String
                ? idValue.GetString() : null;
            try
            {
                return new Parsed(Command(root), null, null);
            }
            catch (BadField e)
            {
                var named = id ?? (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("pool", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null);
                return new Parsed(null, MarketEvent.Rejected(named, e.Message), null, FieldErrors.Of(e.Field, e.Message));
            }
        }
    }

    private static MarketCommand Command(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new BadField("$", "a command must be a JSON object");
        var op = Text(root, "op");
        return op switch
        {
            PoolCommand.OpName => new PoolCommand(Text(root, "id"), Text(root, "provider"), Text(root, "region"), Text(root, "sku"), Segments(root)),
            CapacityCommand.OpName => new CapacityCommand(Text(root, "pool"), new Segment(Int(root, "start"), Int(root, "end"), Int(root, "gpus"))),
            AskCommand.OpName => Ask(root),
            BidCommand.OpName => Bid(root),
            PortfolioCommand.OpName => Portfolio(root),
            CancelCommand.OpName => new CancelCommand(Text(root, "id")),
            ReserveCommand.OpName => Reserve(root),
            ReleaseCommand.OpName => new ReleaseCommand(Text(root, "id"), new Hour(Int(root, "from"))),
            _ => throw new BadField("op", $"unknown op \"{op}\""),
        };
    }

    // Fields are read in the order their errors have always been reported: the first bad one names the rejection.
    // Hours that are not a window (negative, or backwards) cannot reach the engine, so such a line is rejected here
    // with the reason the engine's rules give for those fields, in the engine's order (so a bad GPU count comes first).
    private static AskCommand Ask(JsonElement root)
    {
        var (id, account, pool, gpus, start, end) = (Text(root, "id"), Text(root, "account"), Text(root, "pool"), Int(root, "gpus"), Int(root, "start"), Int(root, "end"));
        var price = PriceField(root, "price", id);
        if (!HourWindow.TryCreate(start, end, out var window, out _)) throw new BadField(WindowField(gpus, start), Rules.OrderFields(AskCommand.OpName, id, gpus, start, end, price.Ticks)!);
        return new AskCommand(id, account, pool, gpus, window, price);
    }

    private static BidCommand Bid(JsonElement root)
    {
        var (id, account) = (Text(root, "id"), Text(root, "account"));
        return BidBody(root, BidCommand.OpName, id, account, immediateOrCancel: null);
    }

    /// <summary>
    /// A bid's body: <c>sku</c> and <c>limit</c>, or <c>alternatives</c> (not both, not neither), then an optional
    /// <c>region</c> and <c>pool</c>, GPUs and window; the <c>tif</c> too unless <paramref name="immediateOrCancel"/> is
    /// given (a portfolio's legs have none).
    /// </summary>
    private static BidCommand BidBody(JsonElement root, string kind, string id, string account, bool? immediateOrCancel)
    {
        var alternatives = Alternatives(root, id);
        var sku = alternatives is null ? Text(root, "sku") : null;
        var (region, gpus) = (OptionalText(root, "region"), Int(root, "gpus"));
        var (start, end) = (Int(root, "start"), Int(root, "end"));
        var limit = alternatives?[0].Limit ?? PriceField(root, "limit", id);
        var ioc = immediateOrCancel ?? Tif(root);
        var pool = OptionalText(root, "pool");
        if (!HourWindow.TryCreate(start, end, out var window, out _)) throw new BadField(WindowField(gpus, start), Rules.OrderFields(kind, id, gpus, start, end, limit.Ticks)!);
        return alternatives is null
            ? new BidCommand(id, account, sku!, region, gpus, window, limit, ioc) { PoolId = pool }
            : BidCommand.Of(id, account, alternatives, region, gpus, window, ioc) with { PoolId = pool };
    }

    /// <summary>A bid's <c>alternatives</c>, or null when it has none (then it must name <c>sku</c> and <c>limit</c>).</summary>
    private static List<Alternative>? Alternatives(JsonElement root, string id)
    {
        if (!root.TryGetProperty("alternatives", out var array) || array.ValueKind == JsonValueKind.Null) return null;
        if (Present(root, "sku") || Present(root, "limit"))
            throw new BadField("alternatives", "a bid names either sku and limit or alternatives, not both");
        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
            throw new BadField("alternatives", "alternatives must be a non-empty array of {sku, limit}");
        var alternatives = new List<Alternative>();
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object) throw new BadField($"alternatives[{index}]", $"alternatives[{index}] must be an object {{sku, limit}}");
            alternatives.Add(Prefixed($"alternatives[{index}].", () => new Alternative(Text(item, "sku"), PriceField(item, "limit", id))));
            index++;
        }
        return alternatives;
    }

    private static bool Present(JsonElement root, string name) => root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>A portfolio: its id, account and 2–16 legs (the engine checks the count and the legs' rules).</summary>
    private static PortfolioCommand Portfolio(JsonElement root)
    {
        var (id, account) = (Text(root, "id"), Text(root, "account"));
        if (!root.TryGetProperty("legs", out var array) || array.ValueKind != JsonValueKind.Array)
            throw new BadField("legs", "legs must be an array of bids (sku and limit or alternatives, region, pool, gpus, start, end)");
        var legs = new List<BidCommand>();
        foreach (var item in array.EnumerateArray())
        {
            var index = legs.Count;
            var prefix = $"legs[{index}].";
            if (item.ValueKind != JsonValueKind.Object) throw new BadField($"legs[{index}]", $"legs[{index}] must be an object");
            legs.Add(Prefixed(prefix, () => BidBody(item, "leg", PortfolioCommand.LegId(id, index), account, immediateOrCancel: true)));
        }
        return new PortfolioCommand(id, account, legs);
    }

    /// <summary>Reads a nested object, naming its bad field with the path to it (<c>legs[3].end</c>).</summary>
    private static T Prefixed<T>(string prefix, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (BadField e)
        {
            throw new BadField(prefix + e.Field, e.Message.StartsWith(e.Field, StringComparison.Ordinal) ? prefix + e.Message : e.Message);
        }
    }

    private static ReserveCommand Reserve(JsonElement root)
    {
        var (id, account, pool, gpus, start, end) = (Text(root, "id"), Text(root, "account"), Text(root, "pool"), Int(root, "gpus"), Int(root, "start"), Int(root, "end"));
        if (!HourWindow.TryCreate(start, end, out var window, out _)) throw new BadField(WindowField(gpus, start), Rules.ReservationFields(id, gpus, start, end)!);
        return new ReserveCommand(id, account, pool, gpus, window);
    }

    /// <summary>The field the rules name first when an order's hours are not a window (its GPUs are checked before them).</summary>
    private static string WindowField(int gpus, int start) => gpus <= 0 ? "gpus" : start < 0 ? "start" : "end";

    private static List<Segment> Segments(JsonElement root)
    {
        if (!root.TryGetProperty("capacity", out var array) || array.ValueKind != JsonValueKind.Array)
            throw new BadField("capacity", "capacity must be an array of {start, end, gpus}");
        var segments = new List<Segment>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object) throw new BadField("capacity", "capacity must be an array of {start, end, gpus}");
            segments.Add(new Segment(Int(item, "start"), Int(item, "end"), Int(item, "gpus")));
        }
        return segments;
    }

    private static string Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new BadField(name, $"{name} must be a non-empty string");

    private static string? OptionalText(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw new BadField(name, $"{name} must be a string or null");
    }

    private static int Int(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : throw new BadField(name, $"{name} must be a whole number");

    private static Price PriceField(JsonElement root, string name, string id)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
            throw new BadField(name, $"{name} must be a price string such as \"2.4500\"");
        return Price.TryParse(value.GetString(), out var price, out var error)
            ? price
            : throw new BadField(name, $"order {id}: {name} {error}");
    }

    private static bool Tif(JsonElement root) => Text(root, "tif") switch
    {
        "GTC" => false,
        "IOC" => true,
        var other => throw new BadField("tif", $"tif must be GTC or IOC, got \"{other}\""),
    };

    /// <summary>One event as a line of the replay format (prices with exactly four decimals).</summary>
    public static string Format(in MarketEvent e)
    {
        var text = new StringBuilder(128);
        switch (e.Kind)
        {
            case EventKind.Trade:
                text.Append("{\"event\":\"trade\",\"bid\":").Append(Quote(e.Bid)).Append(",\"ask\":").Append(Quote(e.Ask))
                    .Append(",\"pool\":").Append(Quote(e.Pool)).Append(",\"gpus\":").Append(e.Gpus.ToString(CultureInfo.InvariantCulture))
                    .Append(",\"start\":").Append(e.Start.ToString(CultureInfo.InvariantCulture)).Append(",\"end\":").Append(e.End.ToString(CultureInfo.InvariantCulture))
                    .Append(",\"price\":\"").Append(Price.FromTicks(e.PriceTicks).ToString()).Append("\"}");
                break;
            case EventKind.Rested:
                text.Append("{\"event\":\"rested\",\"id\":").Append(Quote(e.Id)).Append('}');
                break;
            case EventKind.Cancelled:
                text.Append("{\"event\":\"cancelled\",\"id\":").Append(Quote(e.Id));
                if (e.Leg >= 0) text.Append(",\"leg\":").Append(e.Leg.ToString(CultureInfo.InvariantCulture));
                text.Append('}');
                break;
            case EventKind.Filled:
                text.Append("{\"event\":\"filled\",\"id\":").Append(Quote(e.Id)).Append('}');
                break;
            case EventKind.Reserved:
                text.Append("{\"event\":\"reserved\",\"id\":").Append(Quote(e.Id)).Append('}');
                break;
            case EventKind.Released:
                text.Append("{\"event\":\"released\",\"id\":").Append(Quote(e.Id)).Append('}');
                break;
            default:
                text.Append("{\"event\":\"rejected\",\"id\":").Append(Quote(e.Id)).Append(",\"reason\":").Append(Quote(e.Reason)).Append('}');
                break;
        }
        return text.ToString();
    }

    /// <summary>A command as one line of the replay format (what the exchange's journal stores).</summary>
    public static string Format(MarketCommand command) => command switch
    {
        PoolCommand p => JsonSerializer.Serialize(new { op = p.Op, id = p.PoolId, provider = p.Provider, region = p.Region, sku = p.Sku, capacity = p.Capacity.Select(s => new { start = s.Start, end = s.End, gpus = s.Gpus }) }, s_plain),
        CapacityCommand c => JsonSerializer.Serialize(new { op = c.Op, pool = c.PoolId, start = c.Step.Start, end = c.Step.End, gpus = c.Step.Gpus }, s_plain),
        AskCommand a => JsonSerializer.Serialize(new { op = a.Op, id = a.OrderId, account = a.Account, pool = a.PoolId, gpus = a.Gpus, start = a.Window.Start.Value, end = a.Window.End.Value, price = a.Price.ToString() }, s_plain),
        BidCommand { Alternatives: null, PoolId: null } b => JsonSerializer.Serialize(new { op = b.Op, id = b.OrderId, account = b.Account, sku = b.Sku, region = b.Region, gpus = b.Gpus, start = b.Window.Start.Value, end = b.Window.End.Value, limit = b.Limit.ToString(), tif = b.ImmediateOrCancel ? "IOC" : "GTC" }, s_plain),
        BidCommand b => BidLine(b, new JsonObject { ["op"] = b.Op, ["id"] = b.OrderId, ["account"] = b.Account }, withTif: true).ToJsonString(s_plain),
        PortfolioCommand p => new JsonObject
        {
            ["op"] = p.Op, ["id"] = p.OrderId, ["account"] = p.Account,
            ["legs"] = new JsonArray([.. p.Legs.Select(leg => BidLine(leg, [], withTif: false))]),
        }.ToJsonString(s_plain),
        CancelCommand c => JsonSerializer.Serialize(new { op = c.Op, id = c.OrderId }, s_plain),
        ReserveCommand r => JsonSerializer.Serialize(new { op = r.Op, id = r.ReservationId, account = r.Account, pool = r.PoolId, gpus = r.Gpus, start = r.Window.Start.Value, end = r.Window.End.Value }, s_plain),
        ReleaseCommand r => JsonSerializer.Serialize(new { op = r.Op, id = r.ReservationId, from = r.From.Value }, s_plain),
        _ => throw new ArgumentException($"unknown command {command.GetType().Name}", nameof(command)),
    };

    /// <summary>A bid's body after the fields given: <c>sku</c>/<c>limit</c> or <c>alternatives</c>, then region, pool (when named), GPUs, window, tif.</summary>
    private static JsonObject BidLine(BidCommand bid, JsonObject line, bool withTif)
    {
        if (bid.Alternatives is { } alternatives)
            line["alternatives"] = new JsonArray([.. alternatives.Select(a => new JsonObject { ["sku"] = a.Sku, ["limit"] = a.Limit.ToString() })]);
        else
            (line["sku"], line["limit"]) = (bid.Sku, bid.Limit.ToString());
        line["region"] = bid.Region;
        if (bid.PoolId is not null) line["pool"] = bid.PoolId;
        (line["gpus"], line["start"], line["end"]) = (bid.Gpus, bid.Window.Start.Value, bid.Window.End.Value);
        if (withTif) line["tif"] = bid.ImmediateOrCancel ? "IOC" : "GTC";
        return line;
    }

    // Plain JSON escaping (quotes, backslashes, control characters): reasons stay readable, e.g. "pool p1's capacity".
    private static readonly JsonSerializerOptions s_plain = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Quote(string? text) => text is null ? "null" : JsonSerializer.Serialize(text, s_plain);

    /// <summary>Unwinds the reader at the first field that makes a line no command; <see cref="Parse"/> turns it into the rejection.</summary>
    private sealed class BadField(string field, string reason) : Exception(reason)
    {
        public string Field { get; } = field;
    }
}
