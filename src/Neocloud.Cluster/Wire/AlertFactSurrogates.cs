using Neocloud.Storage;

namespace Neocloud.Cluster.Wire;

/// <summary>A price alert, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.row.alert")]
public readonly record struct AlertRecordSurrogate(
    [property: Id(0)] string Id, [property: Id(1)] string OrganizationId, [property: Id(2)] string Sku, [property: Id(3)] string? Region,
    [property: Id(4)] string Kind, [property: Id(5)] long PriceTicks, [property: Id(6)] string? Month, [property: Id(7)] long CreatedMs,
    [property: Id(8)] string State, [property: Id(9)] long? TriggeredMs, [property: Id(10)] long? ValueTicks, [property: Id(11)] long Triggers);

/// <summary>Converts <see cref="AlertRecord"/> for the wire.</summary>
[RegisterConverter]
public sealed class AlertRecordConverter : IConverter<AlertRecord, AlertRecordSurrogate>
{
    public AlertRecord ConvertFromSurrogate(in AlertRecordSurrogate s) =>
        new(s.Id, s.OrganizationId, s.Sku, s.Region, s.Kind, s.PriceTicks, s.Month, s.CreatedMs, s.State, s.TriggeredMs, s.ValueTicks, s.Triggers);

    public AlertRecordSurrogate ConvertToSurrogate(in AlertRecord v) =>
        new(v.Id, v.OrganizationId, v.Sku, v.Region, v.Kind, v.PriceTicks, v.Month, v.CreatedMs, v.State, v.TriggeredMs, v.ValueTicks, v.Triggers);
}

/// <summary>An alert set, with its events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.alert-set")]
public readonly record struct AlertSetSurrogate([property: Id(0)] AlertRecord Alert, [property: Id(1)] EventRecord[] Events);

/// <summary>Converts <see cref="AlertSet"/> for the wire.</summary>
[RegisterConverter]
public sealed class AlertSetConverter : IConverter<AlertSet, AlertSetSurrogate>
{
    public AlertSet ConvertFromSurrogate(in AlertSetSurrogate s) => new(s.Alert) { Events = s.Events };

    public AlertSetSurrogate ConvertToSurrogate(in AlertSet v) => new(v.Alert, [.. v.Events]);
}

/// <summary>An alert removed, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.alert-removed")]
public readonly record struct AlertRemovedSurrogate(
    [property: Id(0)] string AlertId, [property: Id(1)] string OrganizationId, [property: Id(2)] string Sku, [property: Id(3)] long AtMs, [property: Id(4)] EventRecord[] Events);

/// <summary>Converts <see cref="AlertRemoved"/> for the wire.</summary>
[RegisterConverter]
public sealed class AlertRemovedConverter : IConverter<AlertRemoved, AlertRemovedSurrogate>
{
    public AlertRemoved ConvertFromSurrogate(in AlertRemovedSurrogate s) => new(s.AlertId, s.OrganizationId, s.Sku, s.AtMs) { Events = s.Events };

    public AlertRemovedSurrogate ConvertToSurrogate(in AlertRemoved v) => new(v.AlertId, v.OrganizationId, v.Sku, v.AtMs, [.. v.Events]);
}

/// <summary>One alert's condition changing, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.row.alert-crossing")]
public readonly record struct AlertCrossingSurrogate(
    [property: Id(0)] string AlertId, [property: Id(1)] string OrganizationId, [property: Id(2)] bool Triggered, [property: Id(3)] long? ValueTicks);

/// <summary>Converts <see cref="AlertCrossing"/> for the wire.</summary>
[RegisterConverter]
public sealed class AlertCrossingConverter : IConverter<AlertCrossing, AlertCrossingSurrogate>
{
    public AlertCrossing ConvertFromSurrogate(in AlertCrossingSurrogate s) => new(s.AlertId, s.OrganizationId, s.Triggered, s.ValueTicks);

    public AlertCrossingSurrogate ConvertToSurrogate(in AlertCrossing v) => new(v.AlertId, v.OrganizationId, v.Triggered, v.ValueTicks);
}

/// <summary>Alerts crossed, with their events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.alerts-crossed")]
public readonly record struct AlertsCrossedSurrogate(
    [property: Id(0)] string Sku, [property: Id(1)] AlertCrossing[] Crossings, [property: Id(2)] long AtMs, [property: Id(3)] EventRecord[] Events);

/// <summary>Converts <see cref="AlertsCrossed"/> for the wire.</summary>
[RegisterConverter]
public sealed class AlertsCrossedConverter : IConverter<AlertsCrossed, AlertsCrossedSurrogate>
{
    public AlertsCrossed ConvertFromSurrogate(in AlertsCrossedSurrogate s) => new(s.Sku, s.Crossings, s.AtMs) { Events = s.Events };

    public AlertsCrossedSurrogate ConvertToSurrogate(in AlertsCrossed v) => new(v.Sku, [.. v.Crossings], v.AtMs, [.. v.Events]);
}

/// <summary>One month of an observed curve, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.row.curve-point")]
public readonly record struct CurvePointSurrogate([property: Id(0)] string Month, [property: Id(1)] long? PriceTicks);

/// <summary>Converts <see cref="CurvePoint"/> for the wire.</summary>
[RegisterConverter]
public sealed class CurvePointConverter : IConverter<CurvePoint, CurvePointSurrogate>
{
    public CurvePoint ConvertFromSurrogate(in CurvePointSurrogate s) => new(s.Month, s.PriceTicks);

    public CurvePointSurrogate ConvertToSurrogate(in CurvePoint v) => new(v.Month, v.PriceTicks);
}

/// <summary>A forward curve observed for curve alerts, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.alert-curve")]
public readonly record struct AlertCurveObservedSurrogate(
    [property: Id(0)] string Sku, [property: Id(1)] CurvePoint[] Months, [property: Id(2)] long AtMs, [property: Id(3)] EventRecord[] Events);

/// <summary>Converts <see cref="AlertCurveObserved"/> for the wire.</summary>
[RegisterConverter]
public sealed class AlertCurveObservedConverter : IConverter<AlertCurveObserved, AlertCurveObservedSurrogate>
{
    public AlertCurveObserved ConvertFromSurrogate(in AlertCurveObservedSurrogate s) => new(s.Sku, s.Months, s.AtMs) { Events = s.Events };

    public AlertCurveObservedSurrogate ConvertToSurrogate(in AlertCurveObserved v) => new(v.Sku, [.. v.Months], v.AtMs, [.. v.Events]);
}
