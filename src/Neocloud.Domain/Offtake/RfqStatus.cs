using System.Text.Json.Serialization;

namespace Neocloud.Domain.Offtake;

/// <summary>Where a request for quotes stands.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RfqStatus>))]
public enum RfqStatus
{
    /// <summary>Taking sealed offers until its closing time.</summary>
    [JsonStringEnumMemberName("open")] Open,
    /// <summary>Past its closing time and not awarded yet (derived, never stored).</summary>
    [JsonStringEnumMemberName("closed")] Closed,
    /// <summary>The buyer awarded one or more offers.</summary>
    [JsonStringEnumMemberName("awarded")] Awarded,
    /// <summary>The buyer withdrew it while it was open.</summary>
    [JsonStringEnumMemberName("withdrawn")] Withdrawn,
}
