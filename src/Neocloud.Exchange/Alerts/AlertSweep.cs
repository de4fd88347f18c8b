using Neocloud.Exchange.MarketData;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Storage;

namespace Neocloud.Exchange.Alerts;

/// <summary>
/// Curve alerts: the forward curve moves with trades, resting orders and time itself (its 30-day lookback, its months),
/// so at a sweep (at most once a minute by default) the curve of every SKU that has curve alerts is observed (one curve a SKU, as the marks read it) and
/// handed to the SKU's shard, which journals the curve alerts it moves, if any (<see cref="AlertCurveObserved"/>).
/// </summary>
public sealed class AlertSweep(ExchangeStore store, IMarket market, MarketQueries queries, TimeProvider clock)
{
    private DateTimeOffset _last = DateTimeOffset.MinValue;

    /// <summary>
    /// Observes the curves of the SKUs with curve alerts, when <paramref name="every"/> has passed since the last time;
    /// the number of SKUs whose alerts moved.
    /// </summary>
    public async Task<int> SweepAsync(TimeSpan every, CancellationToken ct)
    {
        var moved = 0;
        if (clock.GetUtcNow() - _last < every) return moved;
        _last = clock.GetUtcNow();
        foreach (var sku in await store.CurveAlertSkusAsync(ct))
        {
            var now = clock.GetUtcNow();
            var curve = await queries.CurveAsync(sku, now, ct);
            var outcome = await market.SubmitAsync(new TransactionRequest(Accounts.AccountDesk.Actor, [],
                new AlertCurveObserved(sku, AlertBook.Points(curve), now.ToUnixTimeMilliseconds()), sku));
            if (outcome.Failure is { Kind: FailureKind.Unavailable }) throw new ShardStoppedException(Domain.Catalog.MarketGroups.Of(sku));
            if (outcome.Value?.Fact is AlertsCrossed) moved++;
        }
        return moved;
    }
}
