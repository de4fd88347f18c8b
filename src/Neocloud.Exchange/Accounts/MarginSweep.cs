using Neocloud.Domain.Offtake;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Book;
using Neocloud.Exchange.MarketData;
using Neocloud.Exchange.Offtake;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Offtake.Contracts;
using Neocloud.Storage;

namespace Neocloud.Exchange.Accounts;

/// <summary>
/// Margin from the marks (DESIGN.md "Accounts and counterparty risk"): each organization's margin is Σ max(0, −mark)
/// over the active contracts it pays for (as buyer, or as an assignee for what it holds), each marked to its SKU's
/// forward curve as the book's marks are (<see cref="BookDesk"/>). The sweep re-marks when a month ended, when index
/// values or the contracts changed, when a trade in a contract's SKU is more than <see cref="CurveMove"/> from the last
/// trade price the marks used (at most once every <see cref="TradeRemark"/>: marking reads every resting order of the
/// contracts' SKUs on their shard's loop, which would otherwise add to the orders' tail latency at each busy sweep), and at
/// least every <see cref="Rescan"/>; it journals each shard's margins
/// (<see cref="MarginMarked"/>) only when they changed, on the shard that keeps the contracts, whose account state
/// raises <c>account.margin_call</c> for an organization the new margins take below zero.
/// </summary>
public sealed class MarginSweep(ExchangeStore store, IMarket market, MarketQueries queries, TimeProvider clock)
{
    /// <summary>A trade price move (relative to the last one the marks used) that re-marks at once.</summary>
    public const decimal CurveMove = 0.02m;

    /// <summary>The shortest time between two markings that only trades moved.</summary>
    public static readonly TimeSpan TradeRemark = TimeSpan.FromMinutes(1);

    /// <summary>The longest margins go unmarked.</summary>
    public static readonly TimeSpan Rescan = TimeSpan.FromMinutes(5);

    private (CalendarMonth Month, string Fingerprint, DateTimeOffset At, Dictionary<string, long?> Prices)? _last;

    /// <summary>Re-marks when something the marks depend on moved; the number of shards whose margins were journaled.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var month = CalendarMonth.Of(now);
        var contracts = (await store.OfftakesForAsync(null, ct)).Where(c => c.Status == ContractStatus.Active).ToList();
        var skus = contracts.Select(c => c.Sku).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var prices = new Dictionary<string, long?>(StringComparer.Ordinal);
        foreach (var sku in skus) prices[sku] = await store.LastTradePriceAsync(sku, ct);
        var indices = await store.IndicesAsync(ct);
        var fingerprint = await store.OfftakeFingerprintAsync(ct) + "|" + string.Join(",", indices.Select(i => $"{i.Name}:{i.UpdatedMs}"));
        if (_last is { } last && last.Month == month && last.Fingerprint == fingerprint && now - last.At < Rescan
            && (now - last.At < TradeRemark || !Moved(last.Prices, prices))) return 0;

        var margins = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        // One curve a SKU: each reads the SKU's resting orders on its shard's loop.
        var curves = new Dictionary<string, ForwardCurveView>(StringComparer.Ordinal);
        var homeSku = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var record in contracts)
        {
            var state = await OfftakeState.LoadAsync(store, record, ct);
            if (!curves.TryGetValue(record.Sku, out var curve)) curves[record.Sku] = curve = await queries.CurveAsync(record.Sku, now, ct);
            var shard = market.AccountShardOf(record.Sku);
            homeSku.TryAdd(shard, record.Sku);
            if (!margins.TryGetValue(shard, out var byPayer)) margins[shard] = byPayer = new Dictionary<string, long>(StringComparer.Ordinal);
            var payers = state.History.Accepted.Select(a => (Side: MarkSide.Assignee, Id: a.To)).Distinct().Prepend((MarkSide.Buyer, record.BuyerId));
            foreach (var (side, payer) in payers)
            {
                var mark = ContractMarks.Of(state.Terms, state.History, side, side == MarkSide.Assignee ? payer : null, BookDesk.RateOf(state), month, curve.PriceOf);
                var cents = (long)decimal.Round(Math.Max(0m, -mark.TotalUsd) * 100m, 0, MidpointRounding.ToEven);
                if (cents > 0) byPayer[payer] = byPayer.GetValueOrDefault(payer) + cents;
            }
        }

        var stored = (await store.MarginsAsync(ct)).GroupBy(m => m.Shard, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToDictionary(m => m.Organization, m => m.Cents, StringComparer.Ordinal), StringComparer.Ordinal);
        var journaled = 0;
        foreach (var shard in margins.Keys.Concat(stored.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var marked = margins.GetValueOrDefault(shard) ?? [];
            var before = stored.GetValueOrDefault(shard) ?? [];
            if (marked.Count == before.Count && marked.All(m => before.TryGetValue(m.Key, out var c) && c == m.Value)) continue;
            var fact = new MarginMarked(shard, [.. marked.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => new MarginMark(m.Key, m.Value))],
                now.ToUnixTimeMilliseconds());
            var sku = homeSku.GetValueOrDefault(shard) ?? Domain.Catalog.MarketGroups.SkusOf(shard).FirstOrDefault() ?? Access.ConfigJournal.HomeSku;
            var outcome = await market.SubmitAsync(new TransactionRequest(AccountDesk.Actor, [], fact, sku));
            if (outcome.Failure is { Kind: FailureKind.Unavailable }) throw new ShardStoppedException(shard);
            if (outcome.IsAccepted) journaled++;
        }
        _last = (month, fingerprint, now, prices);
        return journaled;
    }

    private static bool Moved(Dictionary<string, long?> before, Dictionary<string, long?> now) =>
        now.Any(p => !before.TryGetValue(p.Key, out var was) || (was, p.Value) switch
        {
            (null, null) => false,
            ({ } a, { } b) => Math.Abs(b - a) > CurveMove * a,
            _ => true,
        });
}
