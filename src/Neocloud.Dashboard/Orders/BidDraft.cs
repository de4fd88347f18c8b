using Neocloud.Domain.Catalog;
using Neocloud.Domain.Input;
using Neocloud.Domain.Money;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Orders;
using Neocloud.Exchange.Pools;
using Neocloud.Market.Commands;
using Neocloud.Market.Engine;

namespace Neocloud.Dashboard.Orders;

/// <summary>
/// A bid, or a portfolio's leg, as the desk's forms hold it: one (SKU, limit) row for a plain bid or up to four
/// alternatives, a region or a pool, GPUs and a window. <see cref="Read"/> is the dashboard's edge: it turns the draft
/// into a market command and names each bad field as the API's bid body does (<c>limit</c>, <c>alternatives[1].sku</c>,
/// <c>pool</c>, <c>gpus</c>, <c>end</c>; a leg's under <c>legs[2].</c>).
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
    /// The bid this draft describes, or null with every bad field recorded in <paramref name="errors"/> under
    /// <paramref name="prefix"/>. The pool's SKU needs the store: <see cref="CheckPoolAsync"/> checks it.
    /// </summary>
    public BidCommand? Read(string orderId, string organization, bool immediateOrCancel, FieldErrors errors, string prefix = "")
    {
        var before = errors.Count;
        var alternatives = new List<Alternative>();
        var written = Choices.Count > 1;
        if (Choices.Count is 0 or > Rules.MaxAlternatives)
            errors.Add(prefix + "alternatives", $"must have 1 to {Rules.MaxAlternatives} items, got {Choices.Count}");
        for (var i = 0; i < Choices.Count; i++)
        {
            var path = written ? $"{prefix}alternatives[{i}]." : prefix;
            var choice = Choices[i];
            if (ReferenceCatalog.Embedded.FindSku(choice.Sku) is not { } sku)
            {
                errors.Add(path + "sku", BidAlternatives.UnknownSku(choice.Sku));
                continue;
            }
            if (!Price.TryParse(choice.Limit?.Trim(), out var limit, out var error))
            {
                errors.Add(path + "limit", error!);
                continue;
            }
            if (alternatives.Any(a => a.Sku == sku.Id)) errors.Add(path + "sku", $"{sku.Id} is named twice");
            else if (alternatives.Count > 0 && MarketGroups.Of(sku.Id) != MarketGroups.Of(alternatives[0].Sku))
                errors.Add(path + "sku", $"{sku.Id} trades in market group {MarketGroups.Of(sku.Id)}, {alternatives[0].Sku} in {MarketGroups.Of(alternatives[0].Sku)}: alternatives stay in one group");
            else alternatives.Add(new Alternative(sku.Id, limit));
        }
        var region = string.IsNullOrWhiteSpace(Region) ? null : Region.Trim();
        if (region is not null && !IsId(region)) errors.Add(prefix + "region", $"must use only letters, digits, '-', '_' and '.', got \"{region}\"");
        if (PoolId is { } pool && !IsId(pool)) errors.Add(prefix + "pool", $"must use only letters, digits, '-', '_' and '.', got \"{pool}\"");
        if (Gpus < 1) errors.Add(prefix + "gpus", $"must be >= 1, got {Gpus}");
        else if (Gpus > OrderIds.MaxGpus) errors.Add(prefix + "gpus", $"must be <= {OrderIds.MaxGpus}, got {Gpus}");
        HourWindow? window = null;
        if (Start is not { } day) errors.Add(prefix + "start", "is required");
        else
        {
            var start = Dashboard.Shared.Hours.Of(day);
            if (Hours < 1) errors.Add(prefix + "end", $"must be after start ({start}), got {start + Hours}");
            else if (Hours > Hour.MaxWindowHours) errors.Add(prefix + "end", $"the window may span at most {Hour.MaxWindowHours} hours, got {Hours}");
            else window = HourWindow.Of(start, start + Hours);
        }
        if (errors.Count > before || window is not { } w) return null;
        var bid = written
            ? BidCommand.Of(orderId, organization, alternatives, region, Gpus, w, immediateOrCancel)
            : new BidCommand(orderId, organization, alternatives[0].Sku, region, Gpus, w, alternatives[0].Limit, immediateOrCancel);
        return bid with { PoolId = PoolId };
    }

    /// <summary>
    /// Names what a bid's pool breaks, as the API does: unknown, or of a SKU the bid does not take (the engine refuses
    /// the same, but only the form knows the field).
    /// </summary>
    public static async Task CheckPoolAsync(PoolDesk pools, BidCommand bid, string path, FieldErrors errors)
    {
        if (bid.PoolId is not { } poolId) return;
        if (await pools.SkuOfAsync(poolId) is not { } sku) errors.Add(path, $"unknown pool '{poolId}'");
        else if (!bid.Choices.Any(c => c.Sku == sku))
            errors.Add(path, $"pool {poolId} holds {sku}, which is not one of the bid's SKUs ({string.Join(", ", bid.Choices.Select(c => c.Sku))})");
    }

    private static bool IsId(string text) => text.Length <= 64 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
