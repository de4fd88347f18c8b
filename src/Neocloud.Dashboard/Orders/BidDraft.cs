using System.Text.Json.Nodes;
using Neocloud.Domain.Input;
using Neocloud.Exchange.Orders;
using Neocloud.Exchange.Pools;
using Neocloud.Market.Commands;

namespace Neocloud.Dashboard.Orders;

/// <summary>
/// A bid, or a portfolio's leg, as the desk's forms hold it: one (SKU, limit) row for a plain bid or up to four
/// alternatives, a region or a pool, GPUs and a window. <see cref="Read"/> is the dashboard's edge: it writes the
/// draft as the API's bid body and reads it with the API's own reader (<see cref="OrderRequests"/>), so each bad field
/// is named as the API names it (<c>limit</c>, <c>alternatives[1].sku</c>, <c>pool</c>, <c>gpus</c>, <c>end</c>; a
/// leg's under <c>legs[2].</c>).
/// </summary>
public sealed class BidDraft
{
    /// <summary>The SKU rows: one for a plain bid, 2–4 for a bid with alternatives (first listed, first preferred on a tie).</summary>
    public List<ChoiceDraft> Choices { get; init; } = [new()];

    /// <summary>The region, or blank for any (ignored when a pool is named).</summary>
    public string? Region { get; set; }

    /// <summary>The pool the bid is for, or blank for any pool of its SKUs.</summary>
    public string? Pool { get; set; }

    /// <summary>GPUs in every hour of the window.</summary>
    public int Gpus { get; set; } = 8;

    /// <summary>The UTC day the window starts (at 00:00).</summary>
    public DateTime? Start { get; set; } = DateTime.UtcNow.Date.AddDays(1);

    /// <summary>The window's length in hours.</summary>
    public int Hours { get; set; } = 24;

    /// <summary>The pool named, or null for any.</summary>
    public string? PoolId => string.IsNullOrWhiteSpace(Pool) ? null : Pool.Trim();

    /// <summary>
    /// The bid this draft describes, or null with every bad field recorded in <paramref name="errors"/>. The pool's SKU
    /// needs the store: <see cref="CheckPoolAsync"/> checks it.
    /// </summary>
    public BidCommand? Read(string orderId, string organization, bool immediateOrCancel, FieldErrors errors)
    {
        var body = Body();
        body["tif"] = immediateOrCancel ? "IOC" : "GTC";
        var fields = JsonFields.Of(System.Text.Json.JsonSerializer.SerializeToElement(body));
        var bid = OrderRequests.Bid(fields, organization, orderId);
        foreach (var (field, messages) in fields.Errors) errors.Add(field, string.Join("; ", messages));
        return bid;
    }

    /// <summary>The draft as the API's bid body (a portfolio's leg, without a time in force).</summary>
    public JsonObject Body()
    {
        var body = new JsonObject();
        if (Choices.Count == 1)
        {
            body["sku"] = Choices[0].Sku;
            body["limit"] = Choices[0].Limit?.Trim();
        }
        else
            body["alternatives"] = new JsonArray([.. Choices.Select(c => (JsonNode)new JsonObject { ["sku"] = c.Sku, ["limit"] = c.Limit?.Trim() })]);
        if (!string.IsNullOrWhiteSpace(Region)) body["region"] = Region.Trim();
        if (PoolId is { } pool) body["pool"] = pool;
        body["gpus"] = Gpus;
        if (Start is { } day)
        {
            var start = Dashboard.Shared.Hours.Of(day);
            body["start"] = start;
            body["end"] = (long)start + Hours;
        }
        return body;
    }

    /// <summary>Names what a bid's pool breaks, as the API does (the API's own check).</summary>
    public static Task CheckPoolAsync(PoolDesk pools, BidCommand bid, string path, FieldErrors errors) =>
        OrderRequests.CheckPoolAsync(pools, bid, path, errors, CancellationToken.None);
}
