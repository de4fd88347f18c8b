using System.Text.Json.Serialization;

namespace Neocloud.Domain.Procurement;

/// <summary>Whether a standing procurement still tops up its buyer's holding.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ProcurementStatus>))]
public enum ProcurementStatus
{
    /// <summary>The exchange keeps buying blocks as time passes.</summary>
    [JsonStringEnumMemberName("active")] Active,
    /// <summary>Stopped by its owner; what it bought stays bought.</summary>
    [JsonStringEnumMemberName("stopped")] Stopped,
}
