using System.Text.Json.Serialization;
using Neocloud.Domain.Time;

namespace Neocloud.Offtake.Contracts;

/// <summary>The seller reported a tranche delivered (its GPUs handed over) in a month.</summary>
public sealed record Delivery(int Tranche, CalendarMonth Month);

/// <summary>The availability the seller measured for the contract's GPUs in a month.</summary>
public sealed record SlaReport(CalendarMonth Month, decimal AvailabilityPercent);

/// <summary>
/// Part of a contract assigned to another organization from a month on: GPUs of some tranches (whole tranches, or a
/// share of each). From <c>From</c> the assignee is their buyer.
/// </summary>
public sealed record Assignment(string Id, string To, CalendarMonth From, IReadOnlyList<AssignedTranche> Tranches)
{
    /// <summary>GPUs of tranche <paramref name="tranche"/> this assignment holds in <paramref name="month"/>.</summary>
    public int GpusOf(int tranche, CalendarMonth month) => month < From ? 0 : Tranches.Where(t => t.Tranche == tranche).Sum(t => t.Gpus);
}

/// <summary>GPUs of one tranche an assignment moves.</summary>
public sealed record AssignedTranche(int Tranche, int Gpus);

/// <summary>
/// What has happened to a contract since the award: deliveries, SLA reports, a termination if any, the assignments
/// both other parties accepted, and the values of the index its escalator follows.
/// </summary>
public sealed record ContractHistory(IReadOnlyList<Delivery> Deliveries, IReadOnlyList<SlaReport> Sla, CalendarMonth? TerminatedIn,
    IReadOnlyList<Assignment>? Assignments = null, IndexValues? Index = null)
{
    /// <summary>Nothing has happened yet.</summary>
    public static readonly ContractHistory Empty = new([], [], null);

    /// <summary>The accepted assignments, oldest first.</summary>
    public IReadOnlyList<Assignment> Accepted => Assignments ?? [];

    /// <summary>The escalator's index values (none for a flat price or a fixed rate).</summary>
    public IndexValues IndexValues => Index ?? IndexValues.None;

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
