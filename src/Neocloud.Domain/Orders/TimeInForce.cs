using System.Text.Json.Serialization;

namespace Neocloud.Domain.Orders;

/// <summary>How long a bid that is not filled at once stays in the book.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TimeInForce>))]
public enum TimeInForce
{
    /// <summary>Good till cancelled: rests until filled or cancelled.</summary>
    [JsonStringEnumMemberName("GTC")] Gtc,
    /// <summary>Immediate or cancel: fills now or is cancelled.</summary>
    [JsonStringEnumMemberName("IOC")] Ioc,
}
