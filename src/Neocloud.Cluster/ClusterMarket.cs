using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Neocloud.Cluster.Grains;
using Neocloud.Cluster.Wire;
using Neocloud.Domain.Catalog;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Accounts;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Market.Commands;
using Neocloud.Market.Engine;
using Neocloud.Storage;

namespace Neocloud.Cluster;

/// <summary>
/// The market of a cluster node: each request goes to the grain of its market group, wherever Orleans placed it.
/// The group comes from the request's SKU, or its pool's or order's SKU in the read model. Under an idempotency key,
/// the grain stores the raw outcome in the command's own commit; this node then stores its answer over it. A retry
/// that finds only the raw outcome (this node died in between) is answered from it without applying anything again.
/// </summary>
public sealed partial class ClusterMarket(IGrainFactory grains, ExchangeStore store, ILogger<ClusterMarket> log) : IMarket
{
    /// <summary>The answer when the shard's node did not answer: it may or may not have applied the command.</summary>
    public static readonly Failure NoAnswer = new(FailureKind.Unavailable, "Service unavailable",
        "the node holding this market did not answer (it may be failing over); retry with the same Idempotency-Key");

    private readonly ConcurrentDictionary<string, string> _poolSkus = new();

    public event Action? Changed;

    /// <summary>Tells live views that the market changed elsewhere (the keeper saw a shard's sequence move).</summary>
    internal void RaiseChanged() => Changed?.Invoke();

    public async Task<Outcome<Committed>> SubmitAsync(ShardRequest request, Idempotency<Committed>? idempotency = null)
    {
        Outcome<Committed> outcome;
        if (idempotency?.Key.PendingOutcome is { } pending)
        {
            // Applied before, its answer never stored: answer from what the commit kept.
            outcome = OutcomeJson.Read(pending);
        }
        else
        {
            var group = await GroupOfAsync(request);
            if (group.Failure is { } refused) return refused;
            try
            {
                var grain = grains.GetGrain<IMarketGroupGrain>(group.Value!);
                outcome = (await grain.SubmitAsync(ShardCall.Of(request, idempotency?.Key))).ToOutcome();
                // Short of credit in this group: move credit to it from the home shard (and, if the home has too little,
                // from the other groups' unused slices), then try once more.
                if (outcome.Failure is { } failure && Failure.IsCreditShort(failure) && ExposureOf(request) is { } exposure)
                {
                    outcome = await MoveCreditAsync(request.OrganizationId, group.Value!, exposure)
                        ? (await grain.SubmitAsync(ShardCall.Of(request, idempotency?.Key))).ToOutcome()
                        // Refused with what the whole account has available, not this group's part of it.
                        : Failure.CreditShort(exposure, (await AccountAsync(request.OrganizationId)).AvailableCents ?? 0);
                }
            }
            catch (Exception e)
            {
                // Whatever failed — the node died, the call timed out, the silo is stopping — this node has no answer.
                LogNoAnswer(e, group.Value!);
                return NoAnswer;
            }
        }
        if (idempotency is not null && outcome.Replayed is null && !(outcome.Failure is { } shortOf && Failure.IsCreditShort(shortOf)))
        {
            var answer = idempotency.Answer(outcome);
            try
            {
                await store.CompleteIdempotencyAsync(idempotency.Key.OrganizationId, idempotency.Key.Key, answer.Code, answer.Body);
            }
            catch (System.Data.Common.DbException e)
            {
                // The command and its raw outcome are committed: a retry is answered from that outcome, so this answer stands.
                LogAnswerNotStored(e, idempotency.Key.Key);
            }
        }
        if (outcome.IsAccepted) Changed?.Invoke();
        return outcome;
    }

    public async Task<AccountFigures> AccountAsync(string organization)
    {
        var parts = await Task.WhenAll(AllGroups.Select(group => QueryGroup(group, grain => grain.AccountAsync(organization))));
        return parts.Select(p => p.ToFigures()).Aggregate((a, b) => a.Plus(b));
    }

    public async Task<(IReadOnlyList<AccountFigures> Accounts, long ExchangeCents)> AccountsAsync()
    {
        var parts = await Task.WhenAll(AllGroups.Select(group => QueryGroup(group, grain => grain.AccountsAsync())));
        var accounts = parts.SelectMany(p => p.Accounts).Select(a => a.ToFigures()).GroupBy(a => a.Organization, StringComparer.Ordinal)
            .Select(g => g.Aggregate((a, b) => a.Plus(b))).OrderBy(a => a.Organization, StringComparer.Ordinal).ToList();
        return (accounts, parts.Sum(p => p.ExchangeCents));
    }

    public string AccountShardOf(string sku) => MarketGroups.Of(sku);

    public Task LimitChangedAsync(string organization) =>
        Task.WhenAll(AllGroups.Select(group => QueryGroup(group, grain => grain.LearnAccountAsync(organization))));

    private static IReadOnlyList<string> AllGroups => MarketGroups.All(ReferenceCatalog.Embedded);

    /// <summary>The exposure a request adds for its organization, which a credit slice must cover: a bid's or portfolio's maximum cost, an award's prepayments.</summary>
    private static long? ExposureOf(ShardRequest request) => request switch
    {
        MarketRequest { Command: BidCommand bid } => AccountState.BidCost(bid),
        MarketRequest { Command: PortfolioCommand portfolio } => AccountState.PortfolioCost(portfolio),
        TransactionRequest { Fact: ContractAwarded awarded } => awarded.Contracts.Where(c => c.BuyerId == request.OrganizationId).Sum(AccountEntries.Prepayment),
        _ => null,
    };

    /// <summary>
    /// Credit slices (README "Accounts in a cluster"): moves enough of an organization's credit to <paramref name="group"/>'s
    /// shard for <paramref name="exposure"/> more. The home shard grants from what it has (limit + collateral + its entries −
    /// what it granted before); when that is short, every other group first gives back its unused slice. A grant is
    /// journaled by the home shard before the group learns of it, and a group stops counting what it gives back before
    /// the home shard journals it, so no credit is ever counted twice. True when the group now holds more.
    /// </summary>
    private async Task<bool> MoveCreditAsync(string organization, string group, long exposure)
    {
        var home = MarketGroups.Named[0].Name;
        var target = grains.GetGrain<IMarketGroupGrain>(group);
        var part = (await target.LearnAccountAsync(organization)).AvailableCents;
        if (part is null) return true;
        var shortfall = exposure - part.Value;
        if (shortfall <= 0) return true;
        var homeGrain = grains.GetGrain<IMarketGroupGrain>(home);
        // The home shard's part is what it can grant; for an order in the home group itself, it is the part the order needs.
        var needed = group == home ? exposure : shortfall;
        var spare = (await homeGrain.AccountAsync(organization)).AvailableCents ?? 0;
        if (spare < needed)
        {
            foreach (var other in AllGroups.Where(g => g != group && g != home))
            {
                var returned = await grains.GetGrain<IMarketGroupGrain>(other).ReleaseCreditAsync(organization);
                if (returned > 0) await SubmitFactAsync(new CreditReturned(organization, other, returned));
            }
            spare = (await homeGrain.AccountAsync(organization)).AvailableCents ?? 0;
        }
        if (spare < needed) return false;
        if (group == home) return true;
        // Half of what the home shard can spare, or the shortfall if more, so the next orders here need no trip.
        var grant = Math.Max(shortfall, spare / 2);
        var granted = await SubmitFactAsync(new CreditGranted(organization, group, grant, 0));
        if (!granted) return false;
        await target.LearnAccountAsync(organization);
        return true;
    }

    private async Task<bool> SubmitFactAsync(AccountFact fact)
    {
        var home = grains.GetGrain<IMarketGroupGrain>(MarketGroups.Named[0].Name);
        // Credit moved between shards is the exchange's doing, though it happens inside a caller's order.
        var request = new TransactionRequest(AccountDesk.Actor, [], fact, ConfigJournal.HomeSku) { Actor = JournalActor.Exchange.Text };
        var outcome = (await home.SubmitAsync(ShardCall.Of(request, null))).ToOutcome();
        return outcome.IsAccepted;
    }

    public async Task<BookSides> BookAsync(string sku, string? region)
    {
        var book = await Query(sku, grain => grain.BookAsync(sku, region));
        return new BookSides(book.Asks.Select(l => l.ToLevel()).ToList(), book.Bids.Select(l => l.ToLevel()).ToList());
    }

    public async Task<IReadOnlyList<RestingOrder>> RestingAsync(string sku) =>
        (await Query(sku, grain => grain.RestingAsync(sku))).Select(o => o.ToOrder()).ToList();

    public Task<long?> QuoteAsync(string sku, string? region, int gpus, int start, int end, string buyer) =>
        Query(sku, grain => grain.QuoteAsync(sku, region, gpus, start, end, buyer));

    public async Task<IReadOnlyList<AskCandidate>> CandidatesAsync(string sku, string? region, int gpus, int start, int end, long? maxPriceTicks, string buyer) =>
        (await Query(sku, grain => grain.CandidatesAsync(sku, region, gpus, start, end, maxPriceTicks, buyer))).Select(c => c.ToCandidate()).ToList();

    public async Task<IReadOnlyList<UsageStep>> UsageAsync(string poolId, int start, int end)
    {
        if (await PoolSkuAsync(poolId) is not { } sku) return [];
        return (await Query(sku, grain => grain.UsageAsync(poolId, start, end))).Select(u => u.ToStep()).ToList();
    }

    private Task<T> Query<T>(string sku, Func<IMarketGroupGrain, Task<T>> query) => QueryGroup(MarketGroups.Of(sku), query);

    private async Task<T> QueryGroup<T>(string group, Func<IMarketGroupGrain, Task<T>> query)
    {
        try
        {
            return await query(grains.GetGrain<IMarketGroupGrain>(group));
        }
        catch (Exception e) when (e is not (ShardStoppedException or OperationCanceledException))
        {
            LogNoAnswer(e, group);
            throw new ShardStoppedException(group);
        }
    }

    /// <summary>The market group whose shard applies the request, or why there is none.</summary>
    private async Task<Outcome<string>> GroupOfAsync(ShardRequest request)
    {
        switch (request)
        {
            case MarketRequest one:
                return await GroupOfAsync(one.Command) is { } named ? named : Unroutable(one.Command);
            case TransactionRequest many when many.Sku is { } sku:
            {
                // The named group's shard applies every step: a step whose pool lies in another group (an award of an RFQ
                // whose first SKU is in one group, from pools of another) is refused before anything is written.
                var home = MarketGroups.Of(sku);
                foreach (var step in many.Steps)
                {
                    if (await GroupOfAsync(step) is { } group && group != home)
                        return Failure.Conflict("Spans market groups",
                            $"it is kept by the market group {home} and its pools lie in {group}; in a cluster each group is its own shard, so do it one group at a time");
                }
                return home;
            }
            case TransactionRequest { Steps.Count: 0, Fact: not null }:
                // A book fact that names no SKU (an index's values) is journaled by the first group's shard.
                return MarketGroups.Named[0].Name;
            case TransactionRequest many:
            {
                var groups = new HashSet<string>();
                foreach (var step in many.Steps)
                {
                    if (await GroupOfAsync(step) is { } group) groups.Add(group);
                }
                return groups.Count switch
                {
                    1 => groups.First(),
                    0 => Failure.MarketRejected("the request names no pool the market knows"),
                    _ => Failure.Conflict("Spans market groups",
                        $"its pools lie in the market groups {string.Join(", ", groups.Order())}; in a cluster each group is its own shard, so do it one group at a time"),
                };
            }
            default:
                throw new ArgumentException($"unknown request {request.GetType().Name}", nameof(request));
        }
    }

    private async Task<string?> GroupOfAsync(MarketCommand command) => command switch
    {
        BidCommand bid => MarketGroups.Of(bid.Sku),
        PortfolioCommand { Legs.Count: > 0 } portfolio => MarketGroups.Of(portfolio.Legs[0].Sku),
        PoolCommand pool => MarketGroups.Of(pool.Sku),
        AskCommand ask => await PoolSkuAsync(ask.PoolId) is { } sku ? MarketGroups.Of(sku) : null,
        CapacityCommand add => await PoolSkuAsync(add.PoolId) is { } sku ? MarketGroups.Of(sku) : null,
        ReserveCommand reserve => await PoolSkuAsync(reserve.PoolId) is { } sku ? MarketGroups.Of(sku) : null,
        CancelCommand cancel => await store.GetOrderAsync(cancel.OrderId) is { } order ? MarketGroups.Of(order.Sku) : null,
        _ => null,
    };

    /// <summary>The engine's own refusals for what names an unknown pool or order, so a cluster refuses as one machine does.</summary>
    private static Failure Unroutable(MarketCommand command) => command switch
    {
        CancelCommand cancel => Failure.MarketRejected(Rules.NotCancellable(cancel.OrderId)),
        AskCommand ask => Failure.MarketRejected(Rules.UnknownPool("ask", ask.OrderId, ask.PoolId)),
        CapacityCommand add => Failure.MarketRejected(Rules.UnknownPool("capacity", add.PoolId, add.PoolId)),
        ReserveCommand reserve => Failure.MarketRejected(Rules.UnknownPool("reserve", reserve.ReservationId, reserve.PoolId)),
        PortfolioCommand portfolio => Failure.MarketRejected(Rules.Portfolio(portfolio, _ => null) ?? "the portfolio names no market group"),
        _ => Failure.MarketRejected("the command names no market group"),
    };

    private async Task<string?> PoolSkuAsync(string poolId)
    {
        if (_poolSkus.TryGetValue(poolId, out var sku)) return sku;
        if (await store.GetPoolAsync(poolId) is not { } pool) return null;
        return _poolSkus[poolId] = pool.Sku;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "the answer to idempotency key {Key} was not stored; a retry will be answered from the committed outcome")]
    private partial void LogAnswerNotStored(Exception error, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "the shard of {Group} did not answer")]
    private partial void LogNoAnswer(Exception error, string group);
}
