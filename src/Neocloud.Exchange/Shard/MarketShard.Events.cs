using Neocloud.Domain.Orders;
using Neocloud.Exchange.Events;
using Neocloud.Exchange.Orders;
using Neocloud.Market.Commands;
using Neocloud.Storage;

namespace Neocloud.Exchange.Shard;

/// <summary>The events a market command causes, for each organization it touches, added to the batch that commits it.</summary>
public sealed partial class MarketShard
{
    /// <summary>A new order's events: its fills and trades (and its counterparties'), then whether it rests or was cancelled.</summary>
    private void OrderEvents(OrderRecord order, List<TradeRecord> trades, long nowMs)
    {
        var events = _batch.Events;
        foreach (var trade in trades)
        {
            var own = order.Side == OrderSide.Bid ? trade.BidId : trade.AskId;
            var other = order.Side == OrderSide.Bid ? trade.AskId : trade.BidId;
            var otherParty = order.Side == OrderSide.Bid ? trade.SellerId : trade.BuyerId;
            var otherStatus = _engine.IsOpen(other) ? OrderStatus.Open : OrderStatus.Filled;
            var mine = TradeView.Of(trade, order.OrganizationId);
            var theirs = TradeView.Of(trade, otherParty);
            events.Add(ExchangeEvent.Of(order.OrganizationId, EventTypes.OrderFilled, nowMs, new OrderFill(own, order.Status, mine)));
            events.Add(ExchangeEvent.Of(order.OrganizationId, EventTypes.TradeExecuted, nowMs, mine));
            events.Add(ExchangeEvent.Of(otherParty, EventTypes.OrderFilled, nowMs, new OrderFill(other, otherStatus, theirs)));
            events.Add(ExchangeEvent.Of(otherParty, EventTypes.TradeExecuted, nowMs, theirs));
        }
        if (Rested()) events.Add(ExchangeEvent.Of(order.OrganizationId, EventTypes.OrderRested, nowMs, OrderView.Of(order)));
        else if (order.Status == OrderStatus.Cancelled)
            events.Add(ExchangeEvent.Of(order.OrganizationId, EventTypes.OrderCancelled, nowMs, new OrderClosed(order.Id, "immediate-or-cancel bid found no ask to fill it")));
    }

    /// <summary>A portfolio's events: each leg's trade for both parties, or its cancellation.</summary>
    private void PortfolioEvents(PortfolioRecord portfolio, List<TradeRecord> trades, long nowMs)
    {
        var events = _batch.Events;
        foreach (var trade in trades)
        {
            var bought = TradeView.Of(trade, portfolio.OrganizationId);
            var sold = TradeView.Of(trade, trade.SellerId);
            events.Add(ExchangeEvent.Of(portfolio.OrganizationId, EventTypes.OrderFilled, nowMs, new OrderFill(portfolio.Id, OrderStatus.Filled, bought)));
            events.Add(ExchangeEvent.Of(portfolio.OrganizationId, EventTypes.TradeExecuted, nowMs, bought));
            var status = _engine.IsOpen(trade.AskId) ? OrderStatus.Open : OrderStatus.Filled;
            events.Add(ExchangeEvent.Of(trade.SellerId, EventTypes.OrderFilled, nowMs, new OrderFill(trade.AskId, status, sold)));
            events.Add(ExchangeEvent.Of(trade.SellerId, EventTypes.TradeExecuted, nowMs, sold));
        }
        if (portfolio.CancelledLeg is { } leg)
            events.Add(ExchangeEvent.Of(portfolio.OrganizationId, EventTypes.OrderCancelled, nowMs, new OrderClosed(portfolio.Id, $"leg {leg} found no ask; nothing traded")));
    }

    /// <summary>
    /// A refused order or cancel: the organization hears why, in the commit that answers it. The refusal is journaled as
    /// a fact carrying the event (<see cref="OrderRejected"/>), so a rebuild numbers the organization's events alike.
    /// </summary>
    private void RejectionEvent(ShardRequest request, MarketCommand command, string reason, long nowMs)
    {
        var id = command switch
        {
            BidCommand bid => bid.OrderId,
            AskCommand ask => ask.OrderId,
            PortfolioCommand portfolio => portfolio.OrderId,
            CancelCommand cancel => cancel.OrderId,
            _ => null,
        };
        if (id is null || request is not MarketRequest) return;
        var sequence = Interlocked.Increment(ref _sequence);
        var seed = ExchangeEvent.IdSeed(Group ?? JournalChain.NoShard, sequence, nowMs, id);
        var rejected = new OrderRejected(id, reason, nowMs)
        {
            Events = [ExchangeEvent.Of(request.OrganizationId, EventTypes.OrderRejected, nowMs, new OrderClosed(id, reason)) with { Id = ExchangeEvent.IdAt(seed, 0) }],
        };
        _batch.Journal.Add(new JournalEntry(sequence, nowMs, request.OrganizationId, BookFacts.Format(rejected), request.Actor));
        _batch.Facts.Add(rejected);
        _batch.Events.AddRange(rejected.Events);
    }
}

/// <summary>The data of <c>order.filled</c>: the order, its status after the fill, and the trade from the organization's side.</summary>
public sealed record OrderFill(string OrderId, OrderStatus Status, TradeView Trade);

/// <summary>The data of <c>order.cancelled</c> and <c>order.rejected</c>: the order and why.</summary>
public sealed record OrderClosed(string OrderId, string Reason);
