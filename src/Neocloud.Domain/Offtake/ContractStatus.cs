using System.Text.Json.Serialization;

namespace Neocloud.Domain.Offtake;

/// <summary>Where an offtake contract stands.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ContractStatus>))]
public enum ContractStatus
{
    /// <summary>In force.</summary>
    [JsonStringEnumMemberName("active")] Active,
    /// <summary>Ended by the buyer for a tranche later than the grace period.</summary>
    [JsonStringEnumMemberName("terminated")] Terminated,
}
