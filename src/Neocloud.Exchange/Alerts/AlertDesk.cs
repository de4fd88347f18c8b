using Neocloud.Domain.Time;
using Neocloud.Exchange.MarketData;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Market.Curve;
using Neocloud.Storage;

namespace Neocloud.Exchange.Alerts;

/// <summary>
/// An organization's price alerts: set, listed and removed here; journaled and evaluated on the shard of the alert's SKU
/// (<see cref="AlertBook"/>), which sees every order and trade of that SKU as it commits. An alert set while its
/// condition already holds triggers at once. Trade and curve kinds are valued here as they are set (the last trade in
/// the store, the forward curve as of now); book kinds by the shard.
/// </summary>
public sealed class AlertDesk(IMarket market, ExchangeStore store, MarketQueries queries, TimeProvider clock)
{
    /// <summary>The most alerts an organization may have at once.</summary>
    public const int MaxPerOrganization = 1000;

    /// <summary>Sets an alert for <paramref name="organization"/>; the alert as the shard decided it (already triggered, if its condition holds).</summary>
    public async Task<Outcome<AlertView>> SetAsync(string organization, AlertTerms terms, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        if (terms.Month is { } month && (month < CalendarMonth.Of(now) || month.MonthsSince(CalendarMonth.Of(now)) >= ForwardCurve.Months))
            return Failure.Invalid("month", $"must be one of the forward curve's {ForwardCurve.Months} months, {CalendarMonth.Of(now)} to {CalendarMonth.Of(now).AddMonths(ForwardCurve.Months - 1)}, got {month}");
        if (await store.AlertCountAsync(organization, ct) >= MaxPerOrganization)
            return Failure.Conflict("Too many alerts", $"an organization may have at most {MaxPerOrganization} alerts; remove one first");
        long? observed = null;
        if (AlertKinds.IsTrade(terms.Kind)) observed = await store.LastTradePriceAsync(terms.Sku, terms.Region, ct);
        else if (terms.Month is { } curveMonth) observed = AlertBook.CurvePrice(AlertBook.Points(await queries.CurveAsync(terms.Sku, now, ct)), curveMonth.ToString());
        var record = new AlertRecord(NewId(), organization, terms.Sku, terms.Region, terms.Kind, terms.Price.Ticks, terms.Month?.ToString(),
            now.ToUnixTimeMilliseconds(), ValueTicks: observed);
        var set = await market.SubmitAsync(new TransactionRequest(organization, [], new AlertSet(record), terms.Sku));
        return set.Map(committed => AlertView.Of(((AlertSet)committed.Fact!).Alert));
    }

    /// <summary>The organization's alerts, oldest first.</summary>
    public async Task<AlertList> ListAsync(string organization, CancellationToken ct = default) =>
        new((await store.AlertsOfAsync(organization, ct)).Select(AlertView.Of).ToList());

    /// <summary>One of the organization's alerts.</summary>
    public async Task<Outcome<AlertView>> GetAsync(string organization, string id, CancellationToken ct = default) =>
        await store.GetAlertAsync(id, ct) is { } alert && alert.OrganizationId == organization ? AlertView.Of(alert) : NoAlert(id);

    /// <summary>Removes one of the organization's alerts; it fires no more.</summary>
    public async Task<Outcome<string>> RemoveAsync(string organization, string id, CancellationToken ct = default)
    {
        if (await store.GetAlertAsync(id, ct) is not { } alert || alert.OrganizationId != organization) return NoAlert(id);
        var removed = await market.SubmitAsync(new TransactionRequest(organization, [], new AlertRemoved(id, organization, alert.Sku,
            clock.GetUtcNow().ToUnixTimeMilliseconds()), alert.Sku));
        return removed.Map(_ => id);
    }

    private static Failure NoAlert(string id) => Failure.NotFound($"no alert '{id}'");

    private static string NewId() => $"alr_{(ulong)Random.Shared.NextInt64():x16}";
}
