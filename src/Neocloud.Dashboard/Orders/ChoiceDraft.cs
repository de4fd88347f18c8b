namespace Neocloud.Dashboard.Orders;

/// <summary>One row of a bid form as typed: a SKU, and the most the bid pays per GPU-hour for it.</summary>
public sealed class ChoiceDraft
{
    /// <summary>The SKU (one of the catalog's, from a list).</summary>
    public string Sku { get; set; } = "GB300";

    /// <summary>The limit as typed, e.g. <c>3.1000</c>.</summary>
    public string Limit { get; set; } = "3.0000";
}
