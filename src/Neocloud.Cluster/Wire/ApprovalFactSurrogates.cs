using Neocloud.Storage;

namespace Neocloud.Cluster.Wire;

/// <summary>A held command, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.row.approval")]
public readonly record struct ApprovalRecordSurrogate(
    [property: Id(0)] string Id, [property: Id(1)] string OrganizationId, [property: Id(2)] string Kind, [property: Id(3)] string Summary,
    [property: Id(4)] long ValueCents, [property: Id(5)] string Command, [property: Id(6)] string RequestedBy, [property: Id(7)] long RequestedMs,
    [property: Id(8)] string Status, [property: Id(9)] string? DecidedBy, [property: Id(10)] long? DecidedMs, [property: Id(11)] string? Result);

/// <summary>Converts <see cref="ApprovalRecord"/> for the wire.</summary>
[RegisterConverter]
public sealed class ApprovalRecordConverter : IConverter<ApprovalRecord, ApprovalRecordSurrogate>
{
    public ApprovalRecord ConvertFromSurrogate(in ApprovalRecordSurrogate s) =>
        new(s.Id, s.OrganizationId, s.Kind, s.Summary, s.ValueCents, s.Command, s.RequestedBy, s.RequestedMs, s.Status, s.DecidedBy, s.DecidedMs, s.Result);

    public ApprovalRecordSurrogate ConvertToSurrogate(in ApprovalRecord v) =>
        new(v.Id, v.OrganizationId, v.Kind, v.Summary, v.ValueCents, v.Command, v.RequestedBy, v.RequestedMs, v.Status, v.DecidedBy, v.DecidedMs, v.Result);
}

/// <summary>An approval threshold set or cleared, with its events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.approval-threshold")]
public readonly record struct ApprovalThresholdSetSurrogate(
    [property: Id(0)] string OrganizationId, [property: Id(1)] long? ThresholdCents, [property: Id(2)] long AtMs, [property: Id(3)] EventRecord[] Events);

/// <summary>Converts <see cref="ApprovalThresholdSet"/> for the wire.</summary>
[RegisterConverter]
public sealed class ApprovalThresholdSetConverter : IConverter<ApprovalThresholdSet, ApprovalThresholdSetSurrogate>
{
    public ApprovalThresholdSet ConvertFromSurrogate(in ApprovalThresholdSetSurrogate s) => new(s.OrganizationId, s.ThresholdCents, s.AtMs) { Events = s.Events };

    public ApprovalThresholdSetSurrogate ConvertToSurrogate(in ApprovalThresholdSet v) => new(v.OrganizationId, v.ThresholdCents, v.AtMs, [.. v.Events]);
}

/// <summary>A command held for approval, with its events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.approval-requested")]
public readonly record struct ApprovalRequestedSurrogate([property: Id(0)] ApprovalRecord Approval, [property: Id(1)] EventRecord[] Events);

/// <summary>Converts <see cref="ApprovalRequested"/> for the wire.</summary>
[RegisterConverter]
public sealed class ApprovalRequestedConverter : IConverter<ApprovalRequested, ApprovalRequestedSurrogate>
{
    public ApprovalRequested ConvertFromSurrogate(in ApprovalRequestedSurrogate s) => new(s.Approval) { Events = s.Events };

    public ApprovalRequestedSurrogate ConvertToSurrogate(in ApprovalRequested v) => new(v.Approval, [.. v.Events]);
}

/// <summary>A held command approved or rejected, with its events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.approval-decided")]
public readonly record struct ApprovalDecidedSurrogate(
    [property: Id(0)] string ApprovalId, [property: Id(1)] string OrganizationId, [property: Id(2)] string Status, [property: Id(3)] string DecidedBy,
    [property: Id(4)] long AtMs, [property: Id(5)] EventRecord[] Events);

/// <summary>Converts <see cref="ApprovalDecided"/> for the wire.</summary>
[RegisterConverter]
public sealed class ApprovalDecidedConverter : IConverter<ApprovalDecided, ApprovalDecidedSurrogate>
{
    public ApprovalDecided ConvertFromSurrogate(in ApprovalDecidedSurrogate s) => new(s.ApprovalId, s.OrganizationId, s.Status, s.DecidedBy, s.AtMs) { Events = s.Events };

    public ApprovalDecidedSurrogate ConvertToSurrogate(in ApprovalDecided v) => new(v.ApprovalId, v.OrganizationId, v.Status, v.DecidedBy, v.AtMs, [.. v.Events]);
}

/// <summary>An approved command's run, with its events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.approval-completed")]
public readonly record struct ApprovalCompletedSurrogate(
    [property: Id(0)] string ApprovalId, [property: Id(1)] string OrganizationId, [property: Id(2)] string Status, [property: Id(3)] string Result,
    [property: Id(4)] long AtMs, [property: Id(5)] EventRecord[] Events);

/// <summary>Converts <see cref="ApprovalCompleted"/> for the wire.</summary>
[RegisterConverter]
public sealed class ApprovalCompletedConverter : IConverter<ApprovalCompleted, ApprovalCompletedSurrogate>
{
    public ApprovalCompleted ConvertFromSurrogate(in ApprovalCompletedSurrogate s) => new(s.ApprovalId, s.OrganizationId, s.Status, s.Result, s.AtMs) { Events = s.Events };

    public ApprovalCompletedSurrogate ConvertToSurrogate(in ApprovalCompleted v) => new(v.ApprovalId, v.OrganizationId, v.Status, v.Result, v.AtMs, [.. v.Events]);
}
