using Neocloud.Domain.Orders;
using Neocloud.Domain.Paging;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Market.Commands;
using Neocloud.Storage;

namespace Neocloud.Exchange.Orders;

/// <summary>
/// An organization's spot trading: place an order through the market shard, cancel one of its own, and read its
/// orders, trades and spot contracts. The API and the dashboard both come here, so they share one set of rules
/// (an organization sees and cancels only its own orders; others' ids are not found).
/// </summary>
public sealed class OrderDesk(IMarket shard, ExchangeStore store, TimeProvider clock, Approvals.ApprovalGate approvals)
{
    /// <summary>A new order id (see <see cref="OrderIds.New"/>).</summary>
    public string NewOrderId() => OrderIds.New(clock);

    /// <summary>Places a bid or an ask for <paramref name="caller"/>: the order as it stands after matching, and its trades.</summary>
    public async Task<Outcome<PlacedView>> PlaceAsync(string caller, MarketCommand order, Idempotency<PlacedView>? key = null)
    {
        if (order is BidCommand bid && await approvals.HoldsAsync(caller, Accounts.AccountState.BidCost(bid)))
            return (await approvals.HoldAsync(caller, Approvals.HeldCommand.Order(bid), Accounts.AccountState.BidCost(bid), Audit.JournalLines.Summary(bid), key))!.Value;
        PlacedView Placed(Committed committed) => PlacedView.Of(committed, caller);
        return (await shard.SubmitAsync(new MarketRequest(caller, order), key?.Before<Committed>(c => c.Map(Placed)))).Map(Placed);
    }

    /// <summary>Places a portfolio order for <paramref name="caller"/>: every leg's trade, or the leg that found nothing.</summary>
    public async Task<Outcome<PortfolioView>> PlacePortfolioAsync(string caller, PortfolioCommand portfolio, Idempotency<PortfolioView>? key = null)
    {
        var cost = Accounts.AccountState.PortfolioCost(portfolio);
        if (await approvals.HoldsAsync(caller, cost))
            return (await approvals.HoldAsync(caller, Approvals.HeldCommand.Order(portfolio), cost, Audit.JournalLines.Summary(portfolio), key))!.Value;
        PortfolioView Placed(Committed committed) => PortfolioView.Of(committed.Portfolio!, committed.Trades.ToDictionary(t => t.TradeNo), caller);
        return (await shard.SubmitAsync(new MarketRequest(caller, portfolio), key?.Before<Committed>(c => c.Map(Placed)))).Map(Placed);
    }

    /// <summary>One of the caller's portfolio orders, with its legs' trades.</summary>
    public async Task<Outcome<PortfolioView>> PortfolioAsync(string caller, string id, CancellationToken ct = default)
    {
        if (await store.GetPortfolioAsync(id, ct) is not { } portfolio || portfolio.OrganizationId != caller) return Failure.NotFound($"no portfolio '{id}'");
        return PortfolioView.Of(portfolio, await LegTradesAsync(caller, [portfolio], ct), caller);
    }

    /// <summary>The caller's portfolio orders, oldest first; the legs' trades of the whole page in one query.</summary>
    public async Task<Page<PortfolioView>> PortfoliosAsync(string caller, string? after, int limit, CancellationToken ct = default)
    {
        var page = await store.ListPortfoliosAsync(caller, after, limit, ct);
        var trades = await LegTradesAsync(caller, page.Items, ct);
        return page.Select(portfolio => PortfolioView.Of(portfolio, trades, caller));
    }

    private async Task<Dictionary<long, TradeRecord>> LegTradesAsync(string caller, IEnumerable<PortfolioRecord> portfolios, CancellationToken ct) =>
        (await store.TradesForAsync(caller, [.. portfolios.SelectMany(p => PortfolioLeg.Parse(p.Legs)).Select(leg => leg.Trade).OfType<long>()], ct))
            .ToDictionary(t => t.TradeNo);

    /// <summary>Cancels a resting bid, or the unsold rest of an ask, of the caller's.</summary>
    public async Task<Outcome<OrderView>> CancelAsync(string caller, string orderId, CancellationToken ct = default)
    {
        if (await store.GetOrderAsync(orderId, ct) is not { } order || order.OrganizationId != caller) return NoOrder(orderId);
        var outcome = await shard.SubmitAsync(new MarketRequest(caller, new CancelCommand(orderId)));
        return outcome.Failure is { Kind: FailureKind.Rejected } refused
            ? Failure.Conflict("Not cancellable", refused.Detail)
            : outcome.Map(_ => OrderView.Of(order with { Status = OrderStatus.Cancelled }));
    }

    /// <summary>One of the caller's orders.</summary>
    public async Task<Outcome<OrderView>> OrderAsync(string caller, string orderId, CancellationToken ct = default) =>
        await store.GetOrderAsync(orderId, ct) is { } order && order.OrganizationId == caller ? OrderView.Of(order) : NoOrder(orderId);

    /// <summary>The caller's orders, open (<paramref name="open"/> true), closed (false) or all (null), oldest first.</summary>
    public async Task<Page<OrderView>> OrdersAsync(string caller, bool? open, string? after, int limit, CancellationToken ct = default) =>
        (await store.ListOrdersAsync(caller, open, after, limit, ct)).Select(OrderView.Of);

    /// <summary>The caller's trades, as buyer or seller.</summary>
    public async Task<Page<TradeView>> TradesAsync(string caller, string? after, int limit, CancellationToken ct = default) =>
        (await store.ListTradesForAsync(caller, after, limit, ct)).Select(t => TradeView.Of(t, caller));

    /// <summary>The caller's spot contracts, as buyer or seller.</summary>
    public async Task<Page<ContractView>> ContractsAsync(string caller, string? after, int limit, CancellationToken ct = default) =>
        (await store.ListTradesForAsync(caller, after, limit, ct)).Select(ContractView.Of);

    /// <summary>One of the caller's spot contracts, by its id <c>c-&lt;trade number&gt;</c>.</summary>
    public async Task<Outcome<ContractView>> ContractAsync(string caller, string id, CancellationToken ct = default)
    {
        var tradeNo = id.StartsWith("c-", StringComparison.Ordinal) && long.TryParse(id[2..], out var n) ? n : -1;
        return await store.GetTradeForAsync(caller, tradeNo, ct) is { } trade ? ContractView.Of(trade) : Failure.NotFound($"no contract '{id}'");
    }

    private static Failure NoOrder(string id) => Failure.NotFound($"no order '{id}'");
}
