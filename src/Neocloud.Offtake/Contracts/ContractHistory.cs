using System.Text.Json.Serialization;
using Neocloud.Domain.Time;

namespace Neocloud.Offtake.Contracts;

/// <summary>The seller reported a tranche delivered (its GPUs handed over) in a month.</summary>
public sealed record Delivery(int Tranche, CalendarMonth Month);

/// <summary>The availability the seller measured for the contract's GPUs in a month.</summary>
public sealed record SlaReport(CalendarMonth Month, decimal AvailabilityPercent);

/// <summary>What has happened to a contract since the award: deliveries, SLA reports, and a termination if any.</summary>
public sealed record ContractHistory(IReadOnlyList<Delivery> Deliveries, IReadOnlyList<SlaReport> Sla, CalendarMonth? TerminatedIn)
{
    /// <summary>Nothing has happened yet.</summary>
    public static readonly ContractHistory Empty = new([], [], null);

    /// <summary>The month a tranche was delivered, or null.</summary>
    public CalendarMonth? DeliveredIn(int tranche) => Deliveries.FirstOrDefault(d => d.Tranche == tranche)?.Month;

    /// <summary>True when a termination cancelled the tranche: it was not delivered by the termination month.</summary>
    public bool IsCancelled(int tranche) => TerminatedIn is { } end && (DeliveredIn(tranche) is not { } delivered || delivered > end);
}

/// <summary>Where a tranche stands.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TrancheState>))]
public enum TrancheState
{
    /// <summary>Not delivered, not due yet.</summary>
    [JsonStringEnumMemberName("scheduled")] Scheduled,
    /// <summary>Not delivered, and its month has passed.</summary>
    [JsonStringEnumMemberName("late")] Late,
    /// <summary>Delivered in or before its month.</summary>
    [JsonStringEnumMemberName("delivered")] Delivered,
    /// <summary>Delivered after its month.</summary>
    [JsonStringEnumMemberName("delivered-late")] DeliveredLate,
    /// <summary>Cancelled by a termination before it was delivered.</summary>
    [JsonStringEnumMemberName("cancelled")] Cancelled,
}

/// <summary>A tranche's state: when it was due and delivered, how late, and the months it is billed.</summary>
public sealed record TrancheStatus(int Number, string Pool, int Gpus, TrancheState State, CalendarMonth Due, CalendarMonth? Delivered, int MonthsLate,
    CalendarMonth End);
