using System.Text.Json.Serialization;

namespace Neocloud.Domain.Offtake;

/// <summary>Where a sealed offer on an RFQ stands.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OfferStatus>))]
public enum OfferStatus
{
    /// <summary>Waiting for the RFQ to close and be awarded.</summary>
    [JsonStringEnumMemberName("submitted")] Submitted,
    /// <summary>Won (whole or a share): a contract was signed on it.</summary>
    [JsonStringEnumMemberName("awarded")] Awarded,
    /// <summary>The RFQ was awarded to other offers.</summary>
    [JsonStringEnumMemberName("not-awarded")] NotAwarded,
}
