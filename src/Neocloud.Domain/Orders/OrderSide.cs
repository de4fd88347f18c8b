using System.Text.Json.Serialization;

namespace Neocloud.Domain.Orders;

/// <summary>Which side of the market an order is on.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OrderSide>))]
public enum OrderSide
{
    /// <summary>A buyer's order for GPUs of a SKU.</summary>
    [JsonStringEnumMemberName("bid")] Bid,
    /// <summary>A provider's offer of GPUs of a pool.</summary>
    [JsonStringEnumMemberName("ask")] Ask,
}
