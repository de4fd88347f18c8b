using Neocloud.Domain.Orders;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Events;
using Neocloud.Exchange.Outcomes;
using Neocloud.Market.Engine;
using Neocloud.Storage;

namespace Neocloud.Exchange.Alerts;

/// <summary>
/// A shard's price alerts, in memory: those of the SKUs its market group holds, with their states. The shard decides
/// an alert set or removed here, and after each commit's orders and trades asks which alerts' conditions changed
/// (<see cref="Evaluate"/>): an alert triggers once when its condition becomes true, and re-arms when it is false again.
/// Book kinds are valued from the engine's resting orders, trade kinds from each trade in the order they printed, curve
/// kinds from the curve the alert sweep observes (<see cref="AlertCurveObserved"/>).
/// </summary>
public sealed class AlertBook
{
    private readonly Dictionary<string, Watched> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SkuAlerts> _bySku = new(StringComparer.Ordinal);
    private int _bookOrTrade;

    /// <summary>
    /// One alert as the evaluation reads it: its record, and what the hot loop compares kept as plain fields (its price,
    /// its direction, whether it is triggered), so a commit's evaluation does no lookup and no string comparison per alert.
    /// </summary>
    private sealed class Watched(AlertRecord record)
    {
        public AlertRecord Record { get; private set; } = record;
        public long PriceTicks { get; } = record.PriceTicks;
        public bool Below { get; } = AlertKinds.IsBelow(record.Kind);
        public bool IsTriggered { get; private set; } = record.State == AlertRecord.Triggered;

        /// <summary>Whether the condition holds for <paramref name="value"/> (none holds nothing).</summary>
        public bool Holds(long? value) => value is { } v && (Below ? v < PriceTicks : v > PriceTicks);

        public void Move(AlertRecord record)
        {
            Record = record;
            IsTriggered = record.State == AlertRecord.Triggered;
        }
    }

    /// <summary>A SKU's alerts by what values them.</summary>
    private sealed class SkuAlerts
    {
        public List<Watched> Book { get; } = [];
        public List<Watched> Trade { get; } = [];
        public List<Watched> Curve { get; } = [];

        public List<Watched> Of(string kind) => AlertKinds.IsBook(kind) ? Book : AlertKinds.IsTrade(kind) ? Trade : Curve;
    }

    /// <summary>The alerts of <paramref name="rows"/> (the store's, at start).</summary>
    public static AlertBook From(IEnumerable<AlertRecord> rows)
    {
        var book = new AlertBook();
        foreach (var row in rows) book.Add(row);
        return book;
    }

    /// <summary>True when some alert watches the book or the trades (so a commit's orders and trades are worth evaluating).</summary>
    public bool WatchesMarket => _bookOrTrade > 0;

    /// <summary>The number of alerts held.</summary>
    public int Count => _byId.Count;

    /// <summary>
    /// Decides an alert fact: a set alert takes its state from the market now (triggered at once if its condition already
    /// holds); a removal must name an alert of the organization; a curve observation becomes the crossings it causes,
    /// or null when it moves no alert. A refusal comes back as <paramref name="refusal"/>.
    /// </summary>
    public AlertFact? Decide(AlertFact fact, IMatchingEngine engine, long nowMs, out Failure? refusal)
    {
        refusal = null;
        switch (fact)
        {
            case AlertSet set:
            {
                var alert = set.Alert;
                if (_byId.ContainsKey(alert.Id))
                {
                    refusal = Failure.Conflict("Alert exists", $"alert {alert.Id} exists");
                    return null;
                }
                // Trade and curve kinds are valued by the desk that set them (the last trade, the curve as of now); book kinds here.
                var value = AlertKinds.IsBook(alert.Kind) ? Best(engine, alert.Kind, alert.Sku, alert.Region) : alert.ValueTicks;
                var armed = alert with { State = AlertRecord.Armed, TriggeredMs = null, ValueTicks = null, Triggers = 0 };
                if (!new Watched(alert).Holds(value)) return set with { Alert = armed };
                var triggered = Trigger(armed, value, nowMs);
                return new AlertSet(triggered) { Events = [Event(triggered, nowMs)] };
            }
            case AlertRemoved removed:
                if (!_byId.TryGetValue(removed.AlertId, out var existing) || existing.Record.OrganizationId != removed.OrganizationId)
                {
                    refusal = Failure.NotFound($"no alert '{removed.AlertId}'");
                    return null;
                }
                return removed with { Sku = existing.Record.Sku };
            case AlertCurveObserved observed:
            {
                List<AlertCrossing>? crossings = null;
                if (_bySku.TryGetValue(observed.Sku, out var alerts))
                {
                    foreach (var alert in alerts.Curve) Cross(alert, CurvePrice(observed.Months, alert.Record.Month!), ref crossings);
                }
                return Crossed(observed.Sku, crossings, nowMs);
            }
            default:
                throw new ArgumentException($"an alert fact to decide, not {fact.GetType().Name}", nameof(fact));
        }
    }

    /// <summary>
    /// The crossings a commit's market commands caused, one fact for each SKU whose alerts moved. A trade kind reads the
    /// commit's prints in the order they happened: it triggers at the first print that makes its condition true (that
    /// print is its value), and ends in the state the last print leaves it, so within one commit an alert triggers at most
    /// once and re-arms at most once (prints that cross it down and up again inside one commit are one crossing). A book
    /// kind reads the book as the commit leaves it. Empty when nothing moved.
    /// </summary>
    public List<AlertsCrossed> Evaluate(IReadOnlyList<TradeRecord> trades, IMatchingEngine engine, long nowMs)
    {
        var facts = new List<AlertsCrossed>();
        if (!WatchesMarket) return facts;
        List<TradeRecord>? prints = null;
        foreach (var (sku, alerts) in _bySku)
        {
            List<AlertCrossing>? crossings = null;
            if (alerts.Trade.Count > 0 && trades.Count > 0)
            {
                (prints ??= []).Clear();
                foreach (var trade in trades)
                {
                    if (trade.Sku == sku) prints.Add(trade);
                }
                if (prints.Count > 0)
                {
                    foreach (var alert in alerts.Trade) CrossByPrints(alert, prints, ref crossings);
                }
            }
            if (alerts.Book.Count > 0)
            {
                var best = new Dictionary<(string Kind, string? Region), long?>();
                foreach (var alert in alerts.Book)
                {
                    var key = (alert.Record.Kind, alert.Record.Region);
                    if (!best.TryGetValue(key, out var value)) best[key] = value = Best(engine, key.Kind, sku, key.Region);
                    Cross(alert, value, ref crossings);
                }
            }
            if (Crossed(sku, crossings, nowMs) is { } fact) facts.Add(fact);
        }
        return facts;
    }

    /// <summary>A trade kind's crossings over one commit's prints of its SKU: the first, and the last when it ends in the other state.</summary>
    private static void CrossByPrints(Watched alert, List<TradeRecord> prints, ref List<AlertCrossing>? crossings)
    {
        var holds = alert.IsTriggered;
        var region = alert.Record.Region;
        TradeRecord? first = null, last = null;
        var firstHolds = false;
        foreach (var print in prints)
        {
            if (region is not null && region != print.Region) continue;
            var now = alert.Holds(print.PriceTicks);
            if (now == holds) continue;
            holds = now;
            last = print;
            if (first is null)
            {
                first = print;
                firstHolds = now;
            }
        }
        if (first is null) return;
        (crossings ??= []).Add(Crossing(alert, firstHolds, first.PriceTicks));
        if (holds != firstHolds) crossings.Add(Crossing(alert, holds, last!.PriceTicks));
    }

    /// <summary>Moves the alerts by a fact decided and committed.</summary>
    public void Apply(AlertFact fact)
    {
        switch (fact)
        {
            case AlertSet set:
                Add(set.Alert);
                break;
            case AlertRemoved removed:
                if (_byId.Remove(removed.AlertId, out var gone))
                {
                    _bySku[gone.Record.Sku].Of(gone.Record.Kind).Remove(gone);
                    if (!AlertKinds.IsCurve(gone.Record.Kind)) _bookOrTrade--;
                }
                break;
            case AlertsCrossed crossed:
                foreach (var crossing in crossed.Crossings)
                {
                    var alert = _byId[crossing.AlertId];
                    alert.Move(crossing.Triggered ? Trigger(alert.Record, crossing.ValueTicks, crossed.AtMs) : alert.Record with { State = AlertRecord.Armed });
                }
                break;
        }
    }

    /// <summary>The best resting price a book kind compares: the lowest ask, or the highest bid; null when that side is empty.</summary>
    public static long? Best(IMatchingEngine engine, string kind, string sku, string? region) =>
        engine.BestPrice(kind == AlertKinds.BestAskBelow ? OrderSide.Ask : OrderSide.Bid, sku, region);

    /// <summary>
    /// A curve as curve alerts compare it: each month's price in ticks (the view's 4-decimal text read once, here), for
    /// the sweep's observation and the desk's value at setting alike.
    /// </summary>
    public static List<CurvePoint> Points(MarketData.ForwardCurveView curve) =>
        curve.Months.Select(m => new CurvePoint(m.Month, m.Price is { } text && Domain.Money.Price.TryParse(text, out var price, out _) ? price.Ticks : null)).ToList();

    /// <summary>The curve's price for a month as a contract's mark reads it: none before the curve's first month, the last value beyond its last.</summary>
    public static long? CurvePrice(IReadOnlyList<CurvePoint> months, string month)
    {
        if (months.Count == 0) return null;
        var index = Math.Min(CalendarMonth.Parse(month).MonthsSince(CalendarMonth.Parse(months[0].Month)), months.Count - 1);
        return index < 0 ? null : months[index].PriceTicks;
    }

    /// <summary>Adds the crossing of <paramref name="alert"/> at <paramref name="value"/>, if its condition changed.</summary>
    private static void Cross(Watched alert, long? value, ref List<AlertCrossing>? crossings)
    {
        var holds = alert.Holds(value);
        if (holds != alert.IsTriggered) (crossings ??= []).Add(Crossing(alert, holds, value));
    }

    private static AlertCrossing Crossing(Watched alert, bool holds, long? value) =>
        new(alert.Record.Id, alert.Record.OrganizationId, holds, holds ? value : null);

    /// <summary>The fact of <paramref name="crossings"/>, with an <c>alert.triggered</c> event for each that triggered; null when there are none.</summary>
    private AlertsCrossed? Crossed(string sku, List<AlertCrossing>? crossings, long nowMs)
    {
        if (crossings is null || crossings.Count == 0) return null;
        var events = new List<EventRecord>();
        var states = new Dictionary<string, AlertRecord>(StringComparer.Ordinal);
        foreach (var crossing in crossings)
        {
            var alert = states.GetValueOrDefault(crossing.AlertId) ?? _byId[crossing.AlertId].Record;
            alert = crossing.Triggered ? Trigger(alert, crossing.ValueTicks, nowMs) : alert with { State = AlertRecord.Armed };
            states[crossing.AlertId] = alert;
            if (crossing.Triggered) events.Add(Event(alert, nowMs));
        }
        return new AlertsCrossed(sku, crossings, nowMs) { Events = events };
    }

    private static AlertRecord Trigger(AlertRecord alert, long? value, long nowMs) =>
        alert with { State = AlertRecord.Triggered, TriggeredMs = nowMs, ValueTicks = value, Triggers = alert.Triggers + 1 };

    private static EventRecord Event(AlertRecord triggered, long nowMs) =>
        ExchangeEvent.Of(triggered.OrganizationId, EventTypes.AlertTriggered, nowMs, AlertView.Of(triggered));

    private void Add(AlertRecord alert)
    {
        var watched = new Watched(alert);
        _byId[alert.Id] = watched;
        if (!_bySku.TryGetValue(alert.Sku, out var alerts)) _bySku[alert.Sku] = alerts = new SkuAlerts();
        alerts.Of(alert.Kind).Add(watched);
        if (!AlertKinds.IsCurve(alert.Kind)) _bookOrTrade++;
    }
}
