using System.Text.Json.Serialization;

namespace Neocloud.Domain.Orders;

/// <summary>Where an order stands after the engine's events.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OrderStatus>))]
public enum OrderStatus
{
    /// <summary>Resting in the book, possibly partly traded.</summary>
    [JsonStringEnumMemberName("open")] Open,
    /// <summary>Traded in full.</summary>
    [JsonStringEnumMemberName("filled")] Filled,
    /// <summary>Cancelled by its owner, or an immediate-or-cancel bid that did not fill.</summary>
    [JsonStringEnumMemberName("cancelled")] Cancelled,
}
