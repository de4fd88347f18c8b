namespace Neocloud.Storage;

/// <summary>
/// A price alert of an organization: a condition on one SKU's market (<see cref="Kind"/>: <c>best_ask_below</c>,
/// <c>best_bid_above</c>, <c>last_trade_below</c>, <c>last_trade_above</c>, <c>curve_below</c>, <c>curve_above</c>)
/// against a price in ticks, optionally in one region (book and trade kinds) or for one month (<c>yyyy-MM</c>, curve
/// kinds); its state (<see cref="Armed"/> while the condition is false, <see cref="Triggered"/> once it became true,
/// until it is false again), when it last triggered and how often.
/// </summary>
public sealed record AlertRecord(string Id, string OrganizationId, string Sku, string? Region, string Kind, long PriceTicks, string? Month,
    long CreatedMs, string State = AlertRecord.Armed, long? TriggeredMs = null, long? ValueTicks = null, long Triggers = 0)
{
    /// <summary>The condition is false: the alert fires when it becomes true.</summary>
    public const string Armed = "armed";

    /// <summary>The condition became true and the alert fired; it re-arms when the condition is false again.</summary>
    public const string Triggered = "triggered";
}

/// <summary>
/// A fact about price alerts: journaled by the shard of the alert's SKU, the one that sees its market change, so the
/// alert's state moves in the same journal, in the same order, as the orders and trades that move it.
/// </summary>
public abstract record AlertFact(string Sku) : BookFact;

/// <summary>
/// An organization set an alert. Its state is as the shard found the condition at that moment: already true, the
/// alert triggers at once (its event is this fact's).
/// </summary>
public sealed record AlertSet(AlertRecord Alert) : AlertFact(Alert.Sku);

/// <summary>An organization removed one of its alerts.</summary>
public sealed record AlertRemoved(string AlertId, string OrganizationId, string Sku, long AtMs) : AlertFact(Sku);

/// <summary>
/// One alert's condition changed: it became true (<see cref="Triggered"/>, with an event, and <see cref="ValueTicks"/>
/// the value that decided it: the best ask, best bid, last trade or curve price) or false again (re-armed).
/// </summary>
public sealed record AlertCrossing(string AlertId, string OrganizationId, bool Triggered, long? ValueTicks);

/// <summary>Alerts of one SKU whose conditions changed at one moment (after a commit's orders and trades, or a curve observation).</summary>
public sealed record AlertsCrossed(string Sku, IReadOnlyList<AlertCrossing> Crossings, long AtMs) : AlertFact(Sku);

/// <summary>
/// The forward curve of a SKU as the alert sweep observed it (each month's price in ticks, null where it has none): not
/// journaled itself; the shard decides it into the <see cref="AlertsCrossed"/> of the curve alerts it moves, if any.
/// </summary>
public sealed record AlertCurveObserved(string Sku, IReadOnlyList<CurvePoint> Months, long AtMs) : AlertFact(Sku);

/// <summary>One month of an observed forward curve.</summary>
public sealed record CurvePoint(string Month, long? PriceTicks);
