using Neocloud.Domain.Orders;
using Neocloud.Exchange.Events;
using Neocloud.Exchange.Orders;
using Neocloud.Exchange.Outcomes;
using Neocloud.Market.Commands;
using Neocloud.Market.Engine;
using Neocloud.Market.Replay;
using Neocloud.Storage;

namespace Neocloud.Exchange.Shard;

public sealed partial class MarketShard
{
    /// <summary>Applies one request to the engine and adds its journal rows, read-model changes and idempotency record to the batch.</summary>
    private Outcome<Committed> Apply(CommandItem item, DateTimeOffset now)
    {
        var idempotency = item.Idempotency;
        if (idempotency is not null && _recentKeys.TryGetValue((idempotency.Key.OrganizationId, idempotency.Key.Key), out var seen))
        {
            // The same key arrived twice before the first was stored: the second gets the first's answer.
            return seen.Hash == idempotency.Key.RequestHash ? Outcome<Committed>.Replay(seen.Answer) : Failure.KeyReused;
        }

        var nowMs = now.ToUnixTimeMilliseconds();
        var outcome = item.Request switch
        {
            TransactionRequest transaction => ApplyTransaction(transaction, nowMs),
            MarketRequest request => CreditRefusal(request.Command) ?? ApplyOne(request.Command, request, nowMs),
            _ => throw new ArgumentException($"unknown request {item.Request.GetType().Name}", nameof(item)),
        };

        // A refusal for want of credit changed nothing and is not kept under the key: a retry is checked again.
        if (idempotency is not null && !(outcome.Failure is { } failure && Failure.IsCreditShort(failure)))
        {
            var answer = idempotency.Answer(outcome);
            _batch.Idempotency.Add(idempotency.Record(answer, nowMs));
            if (_recentKeys.Count > 100_000) PruneKeys(now);
            _recentKeys[(idempotency.Key.OrganizationId, idempotency.Key.Key)] = (idempotency.Key.RequestHash, answer, now);
        }
        return outcome;
    }

    /// <summary>
    /// Decides the transaction's book fact, then applies the steps in order; on the first rejection releases what the
    /// earlier steps reserved, and stores nothing else. Once all are applied the fact is journaled after them, its rows
    /// and events in the same commit, and the book state moves.
    /// </summary>
    private Outcome<Committed> ApplyTransaction(TransactionRequest transaction, long nowMs)
    {
        var decision = transaction.Fact switch
        {
            AccountFact account => _accounts.Decide(account, _config),
            ConfigFact config => _config.Decide(config, nowMs),
            AlertFact alert => DecideAlert(alert, nowMs),
            { } fact => _book.Decide(fact, nowMs),
            null => null,
        };
        if (decision?.Refusal is { } refusal) return refusal;
        if (decision?.Fact is ContractAwarded awarded && AwardRefusal(awarded, transaction.OrganizationId) is { } shortOfCredit) return shortOfCredit;
        var reserved = new List<ReserveCommand>();
        var last = Outcome<Committed>.Accepted(Committed.Nothing);
        foreach (var step in decision is { RunSteps: false } ? [] : transaction.Steps)
        {
            last = ApplyOne(step, transaction, nowMs);
            if (!last.IsAccepted)
            {
                // The reservations made are journaled, so their release is too: a replay walks the same way.
                foreach (var reservation in reserved)
                    ApplyOne(new ReleaseCommand(reservation.ReservationId, reservation.Window.Start), transaction, nowMs);
                return last;
            }
            if (step is ReserveCommand reserve) reserved.Add(reserve);
        }
        if (decision is null) return last;
        var decided = decision.Fact;
        var sequence = Interlocked.Increment(ref _sequence);
        decided = WithAccounts(decided, sequence, nowMs);
        if (decided is ConfigFact configured) _config.Apply(configured);
        else if (decided is AlertFact alert)
        {
            var named = NamedAlertEvents(alert, sequence, nowMs, Group);
            _alerts.Apply(named);
            decided = named;
        }
        else if (decided is not AccountFact) _book.Apply(decided);
        _batch.Journal.Add(new JournalEntry(sequence, nowMs, transaction.OrganizationId, BookFacts.Format(decided), transaction.Actor));
        _batch.Facts.Add(decided);
        _batch.Events.AddRange(decided.Events);
        return last.Map(committed => committed with { Fact = decided });
    }

    /// <summary>
    /// Runs one command through the engine; when accepted, journals it (as <paramref name="line"/> when a rebuild gives
    /// the line it replays, else as the command's replay line) and records what it changed, its events named after the
    /// line (<see cref="ExchangeEvent.IdSeed"/>) so a replay names them alike.
    /// </summary>
    private Outcome<Committed> ApplyOne(MarketCommand command, ShardRequest request, long nowMs, string? line = null)
    {
        _events.Clear();
        _engine.Apply(command, _events);
        if (_events.Count > 0 && _events[0].Kind == EventKind.Rejected)
        {
            RejectionEvent(request, command, _events[0].Reason!, nowMs);
            return Failure.MarketRejected(_events[0].Reason!);
        }

        var sequence = Interlocked.Increment(ref _sequence);
        line ??= JournalLine(command, request);
        _batch.Journal.Add(new JournalEntry(sequence, nowMs, request.OrganizationId, line, request.Actor));
        var firstEvent = _batch.Events.Count;
        var committed = Record(command, request, ReadSequence(sequence), nowMs);
        NameEvents(firstEvent, sequence, nowMs, line);
        return committed;
    }

    /// <summary>
    /// A command's journal line: its replay line, and for a pool the site it stands on (a field the replay format does
    /// not read, kept so a rebuild writes the pool's site as the original did).
    /// </summary>
    private static string JournalLine(MarketCommand command, ShardRequest request) =>
        command is PoolCommand && request is MarketRequest { SiteId: { } site } ? PoolSite.With(ReplayCodec.Format(command), site) : ReplayCodec.Format(command);

    /// <summary>Gives the events added to the batch since <paramref name="firstEvent"/> the ids their journal line determines.</summary>
    private void NameEvents(int firstEvent, long sequence, long nowMs, string line)
    {
        var events = _batch.Events;
        if (events.Count == firstEvent) return;
        var seed = ExchangeEvent.IdSeed(Group ?? JournalChain.NoShard, sequence, nowMs, line);
        for (var i = firstEvent; i < events.Count; i++) events[i] = events[i] with { Id = ExchangeEvent.IdAt(seed, i - firstEvent) };
    }

    /// <summary>The read-model rows and events of an accepted command, added to the batch.</summary>
    private Committed Record(MarketCommand command, ShardRequest request, long readSequence, long nowMs)
    {
        switch (command)
        {
            case PoolCommand pool:
            {
                var record = new PoolRecord(pool.PoolId, pool.Provider, (request as MarketRequest)?.SiteId, pool.Sku, pool.Region, readSequence);
                _batch.Pools.Add(record);
                foreach (var step in pool.Capacity) _batch.Capacity.Add(new CapacitySegmentRecord(pool.PoolId, step.Start, step.End, step.Gpus));
                return new Committed(null, [], record);
            }
            case CapacityCommand add:
                _batch.Capacity.Add(new CapacitySegmentRecord(add.PoolId, add.Step.Start, add.Step.End, add.Step.Gpus));
                return Committed.Nothing;
            case BidCommand bid:
            {
                var trades = Trades(readSequence, nowMs);
                var status = trades.Count > 0 ? OrderStatus.Filled : Rested() ? OrderStatus.Open : OrderStatus.Cancelled;
                if (status == OrderStatus.Open) _accounts.Rest(bid.OrderId, bid.Account, Accounts.AccountState.BidCost(bid));
                var order = new OrderRecord(bid.OrderId, bid.Account, OrderSide.Bid, bid.Sku, bid.PoolId is null ? bid.Region : null, bid.PoolId, bid.Gpus,
                    bid.Window.Start.Value, bid.Window.End.Value, bid.Limit.Ticks, bid.ImmediateOrCancel ? TimeInForce.Ioc : TimeInForce.Gtc, status,
                    trades.Sum(t => t.GpuHours), readSequence, nowMs, nowMs, BidAlternatives.Format(bid.Alternatives));
                _batch.NewOrders.Add(order);
                foreach (var trade in trades)
                    _batch.OrderUpdates.Add(new OrderUpdate(trade.AskId, _engine.IsOpen(trade.AskId) ? OrderStatus.Open : OrderStatus.Filled, trade.GpuHours, nowMs));
                OrderEvents(order, trades, nowMs);
                return new Committed(order, trades, null);
            }
            case AskCommand ask:
            {
                var trades = Trades(readSequence, nowMs);
                var pool = _engine.Pool(ask.PoolId)!;
                var order = new OrderRecord(ask.OrderId, ask.Account, OrderSide.Ask, pool.Sku, pool.Region, ask.PoolId, ask.Gpus, ask.Window.Start.Value,
                    ask.Window.End.Value, ask.Price.Ticks, null, Rested() ? OrderStatus.Open : OrderStatus.Filled, trades.Sum(t => t.GpuHours), readSequence, nowMs, nowMs);
                _batch.NewOrders.Add(order);
                foreach (var trade in trades) _batch.OrderUpdates.Add(new OrderUpdate(trade.BidId, OrderStatus.Filled, trade.GpuHours, nowMs));
                OrderEvents(order, trades, nowMs);
                return new Committed(order, trades, null);
            }
            case PortfolioCommand portfolio:
            {
                var trades = Trades(readSequence, nowMs);
                var cancelledLeg = _events[^1].Kind == EventKind.Cancelled ? _events[^1].Leg : (int?)null;
                var legs = portfolio.Legs.Select((leg, i) => PortfolioLeg.Of(leg, cancelledLeg is null ? trades[i].TradeNo : null)).ToList();
                var record = new PortfolioRecord(portfolio.OrderId, portfolio.Account, cancelledLeg is null ? PortfolioLeg.Filled : PortfolioLeg.Cancelled,
                    cancelledLeg, PortfolioLeg.Format(legs), readSequence, nowMs);
                _batch.Portfolios.Add(record);
                foreach (var trade in trades)
                    _batch.OrderUpdates.Add(new OrderUpdate(trade.AskId, _engine.IsOpen(trade.AskId) ? OrderStatus.Open : OrderStatus.Filled, trade.GpuHours, nowMs));
                PortfolioEvents(record, trades, nowMs);
                return new Committed(null, trades, null) { Portfolio = record };
            }
            case CancelCommand cancel:
                _accounts.Closed(cancel.OrderId);
                _batch.OrderUpdates.Add(new OrderUpdate(cancel.OrderId, OrderStatus.Cancelled, 0, nowMs));
                _batch.Events.Add(ExchangeEvent.Of(request.OrganizationId, EventTypes.OrderCancelled, nowMs, new OrderClosed(cancel.OrderId, "cancelled by its owner")));
                return Committed.Nothing;
            case ReserveCommand or ReleaseCommand:
                return Committed.Nothing;
            default:
                throw new ArgumentException($"unknown command {command.GetType().Name}", nameof(command));
        }
    }

    /// <summary>
    /// The credit check before an order counts (DESIGN.md "Accounts and counterparty risk"): a bid's or portfolio's
    /// maximum cost against what its organization has available, from the accounts in memory. Null when it may go on.
    /// </summary>
    private Outcome<Committed>? CreditRefusal(MarketCommand command)
    {
        var refusal = command switch
        {
            BidCommand bid => _accounts.Check(bid.Account, Accounts.AccountState.BidCost(bid)),
            PortfolioCommand portfolio => _accounts.Check(portfolio.Account, Accounts.AccountState.PortfolioCost(portfolio)),
            _ => null,
        };
        return refusal is null ? null : (Outcome<Committed>?)refusal;
    }

    /// <summary>An award's check: the prepayments its awarding buyer would be debited, against what it has available.</summary>
    private Failure? AwardRefusal(ContractAwarded awarded, string awarder)
    {
        // A contract recorded by an administrator (a deal signed elsewhere, or the seed) is not the buyer's order to check.
        var prepayments = awarded.Contracts.Where(c => c.BuyerId == awarder).Sum(Accounts.AccountEntries.Prepayment);
        return awarded.Contracts.Any(c => c.BuyerId == awarder) ? _accounts.Check(awarder, prepayments) : null;
    }

    /// <summary>
    /// A decided fact with the account entries it causes (named after its journal line), applied to the accounts; with
    /// an <c>account.margin_call</c> event for each organization whose available it takes below zero.
    /// </summary>
    private BookFact WithAccounts(BookFact fact, long sequence, long nowMs)
    {
        var prefix = $"{(Group ?? "j")}:{sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        var entries = Accounts.AccountEntries.Of(fact, AccountShard, prefix, nowMs, _book.SellerOf);
        if (entries.Count > 0) fact = fact with { Entries = entries };
        var falls = _accounts.ApplyFindingFalls(fact);
        if (falls.Count == 0) return fact;
        // Named after the fact's journal line, so two nodes deciding the same fact (a margin sweep on each) write one line.
        var seed = ExchangeEvent.IdSeed(Group ?? JournalChain.NoShard, sequence, nowMs, EventTypes.MarginCall);
        var calls = falls.Select((o, i) => ExchangeEvent.Of(o, EventTypes.MarginCall, nowMs, Accounts.AccountView.Of(_accounts.Figures(o))) with
        {
            Id = ExchangeEvent.IdAt(seed, i),
        }).ToList();
        return fact with { Events = [.. fact.Events, .. calls] };
    }

    private bool Rested()
    {
        foreach (var e in _events)
        {
            if (e.Kind == EventKind.Rested) return true;
        }
        return false;
    }

    private List<TradeRecord> Trades(long sequence, long nowMs)
    {
        var trades = new List<TradeRecord>();
        foreach (var e in _events)
        {
            if (e.Kind != EventKind.Trade) continue;
            var pool = _engine.Pool(e.Pool!)!;
            var trade = new TradeRecord(NextTradeNo(), sequence, e.Bid!, e.Ask!, e.Buyer!, e.Seller!, e.Pool!, pool.Sku, pool.Region,
                e.Gpus, e.Start, e.End, e.PriceTicks, nowMs);
            trades.Add(trade);
            _batch.Trades.Add(trade);
            _accounts.Closed(trade.BidId);
            _accounts.Traded(trade.BuyerId, trade.SellerId, AccountEntry.TradeCents(trade.Gpus, trade.EndHour - trade.StartHour, trade.PriceTicks));
        }
        return trades;
    }

    /// <summary>Applies a journal line again while recovering; a line rejected now means the journal and the engine disagree.</summary>
    private void Replay(IMatchingEngine engine, string journalLine)
    {
        if (JournalReplay.Apply(engine, journalLine, _events) is { } problem) throw new InvalidOperationException($"{problem}: {journalLine}");
    }

    private void PruneKeys(DateTimeOffset now)
    {
        foreach (var (key, entry) in _recentKeys)
        {
            if (now - entry.At > KeyMemory) _recentKeys.Remove(key);
        }
    }
}
