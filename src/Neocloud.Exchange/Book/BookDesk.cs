using Neocloud.Domain.Money;
using Neocloud.Domain.Time;
using Neocloud.Exchange.MarketData;
using Neocloud.Exchange.Offtake;
using Neocloud.Exchange.Outcomes;
using Neocloud.Offtake.Contracts;
using Neocloud.Storage;

namespace Neocloud.Exchange.Book;

/// <summary>
/// An organization's book marked to the forward curves (DESIGN.md, "Forward curve and marks"): each contract it is a
/// party to, for its side, and its spot holdings, read as of the clock's now.
/// </summary>
public sealed class BookDesk(ExchangeStore store, OfftakeDesk offtakes, MarketQueries market, TimeProvider clock)
{
    /// <summary>A contract's mark for the caller, or not found when the caller is not a party to it.</summary>
    public async Task<Outcome<ContractMarksView>> ContractMarksAsync(string caller, string id, CancellationToken ct)
    {
        if (await offtakes.ContractAsync(caller, id, ct) is not { } state) return OfftakeDesk.NoContract(id);
        var now = clock.GetUtcNow();
        var curve = await market.CurveAsync(state.Terms.Sku, now, ct);
        return View(state, caller, now, Mark(state, caller, now, curve));
    }

    /// <summary>The caller's whole book: its contracts and spot holdings, by SKU and by calendar year.</summary>
    public async Task<BookMarksView> BookAsync(string caller, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var curves = new Dictionary<string, ForwardCurveView>();
        async Task<ForwardCurveView> CurveOf(string sku) =>
            curves.TryGetValue(sku, out var known) ? known : curves[sku] = await market.CurveAsync(sku, now, ct);

        var contracts = new List<BookContractView>();
        var parts = new List<(string Sku, int Year, bool Spot, decimal Usd)>();
        foreach (var record in await store.OfftakesForAsync(caller, ct))
        {
            var state = await OfftakeState.LoadAsync(store, record, ct);
            var mark = Mark(state, caller, now, await CurveOf(record.Sku));
            contracts.Add(new BookContractView(record.Id, record.Sku, mark.Side, mark.TotalUsd));
            // Months without a curve price count nothing, but their years still show.
            parts.AddRange(mark.Months.Select(m => (record.Sku, m.Month.Year, false, m.DiscountedUsd ?? 0m)));
        }

        var spot = new List<BookSpotView>();
        foreach (var trade in await store.OpenTradesForAsync(caller, Hour.FromUtc(now).Value, ct))
        {
            var curve = await CurveOf(trade.Sku);
            foreach (var side in new[] { MarkSide.Buyer, MarkSide.Seller }.Where(s => (s == MarkSide.Buyer ? trade.BuyerId : trade.SellerId) == caller))
            {
                var months = SpotMarks.Of(trade, side, now, curve.PriceOf);
                if (months.Count == 0) continue;
                spot.Add(new BookSpotView(trade.TradeNo, trade.Sku, side, months.Sum(m => m.GpuHours), Price.FromTicks(trade.PriceTicks).Dollars,
                    Cents(months.Sum(m => m.DiscountedUsd ?? 0m))));
                parts.AddRange(months.Select(m => (trade.Sku, m.Month.Year, true, m.DiscountedUsd ?? 0m)));
            }
        }

        var bySku = parts.GroupBy(p => p.Sku).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new BookSkuView(g.Key, Sum(g, false), Sum(g, true), Cents(g.Sum(p => p.Usd)))).ToList();
        var byYear = parts.GroupBy(p => p.Year).OrderBy(g => g.Key)
            .Select(g => new BookYearView(g.Key, Sum(g, false), Sum(g, true), Cents(g.Sum(p => p.Usd)))).ToList();
        // A SKU whose contracts have no months left still shows, at zero.
        foreach (var sku in contracts.Select(c => c.Sku).Concat(spot.Select(s => s.Sku)).Distinct().Where(s => bySku.All(b => b.Sku != s)))
            bySku.Add(new BookSkuView(sku, 0m, 0m, 0m));
        return new BookMarksView(now, [.. bySku.OrderBy(s => s.Sku, StringComparer.Ordinal)], byYear, contracts, spot, Sum(parts, false), Sum(parts, true),
            Cents(parts.Sum(p => p.Usd)));
    }

    /// <summary>The caller's side of a contract it is a party to.</summary>
    public static MarkSide SideOf(OfftakeState state, string caller) =>
        caller == state.Record.BuyerId ? MarkSide.Buyer : caller == state.Record.SellerId ? MarkSide.Seller : MarkSide.Assignee;

    /// <summary>The annual rate a contract is marked at: its RFQ's, else 10%.</summary>
    public static decimal RateOf(OfftakeState state) => state.Record.RfqId is not null ? state.Terms.DiscountRateAnnual : ContractMarks.DefaultRatePerYear;

    private static ContractMark Mark(OfftakeState state, string caller, DateTimeOffset now, ForwardCurveView curve) =>
        ContractMarks.Of(state.Terms, state.History, SideOf(state, caller), caller, RateOf(state), CalendarMonth.Of(now), curve.PriceOf);

    private static ContractMarksView View(OfftakeState state, string caller, DateTimeOffset now, ContractMark mark) =>
        new(state.Record.Id, state.Record.Sku, SideOf(state, caller), now, mark.RatePerYear, mark.Months.Select(MarkMonthView.Of).ToList(), mark.TotalUsd);

    private static decimal Sum(IEnumerable<(string Sku, int Year, bool Spot, decimal Usd)> parts, bool spot) =>
        Cents(parts.Where(p => p.Spot == spot).Sum(p => p.Usd));

    private static decimal Cents(decimal usd) => decimal.Round(usd, 2, MidpointRounding.ToEven);
}
