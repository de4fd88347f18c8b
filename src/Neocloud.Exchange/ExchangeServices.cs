using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Book;
using Neocloud.Exchange.Demo;
using Neocloud.Exchange.Events;
using Neocloud.Exchange.Indices;
using Neocloud.Exchange.MarketData;
using Neocloud.Exchange.Offtake;
using Neocloud.Exchange.Orders;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Planning;
using Neocloud.Exchange.Pools;
using Neocloud.Exchange.Procurement;
using Neocloud.Exchange.Shard;
using Neocloud.Exchange.Webhooks;
using Neocloud.Storage;

namespace Neocloud.Exchange;

/// <summary>
/// The core's set-up for any host: the store and clock, the desks, market queries, the index book, the book desk, the
/// event feed and the webhook desk (<see cref="AddExchangeCore"/>); the market they reach is added beside it, one
/// machine's (<see cref="AddExchangeLocalMarket"/>) or a cluster's (Neocloud.Cluster's <c>AddExchangeCluster</c>).
/// The host adds what runs them (start-up, procurement top-ups, timed events, webhook delivery).
/// </summary>
public static class ExchangeServices
{
    /// <summary>The core's services over one opened store and clock; the webhook desk judges URLs by <paramref name="webhooks"/>.</summary>
    public static IServiceCollection AddExchangeCore(this IServiceCollection services, ExchangeStore store, TimeProvider clock, WebhookPolicy webhooks)
    {
        services.AddSingleton(store);
        services.AddSingleton(clock);
        services.AddSingleton<TokenDirectory>();
        services.AddSingleton<AccessDesk>();
        services.AddSingleton<MarketQueries>();
        services.AddSingleton<Approvals.ApprovalGate>();
        services.AddSingleton<Approvals.ApprovalDesk>();
        services.AddSingleton<OrderDesk>();
        services.AddSingleton<Accounts.AccountDesk>();
        services.AddSingleton<Accounts.MarginSweep>();
        services.AddSingleton<Audit.AuditDesk>();
        services.AddSingleton<PoolDesk>();
        services.AddSingleton<OfftakeDesk>();
        services.AddSingleton<IndexBook>();
        services.AddSingleton<BookDesk>();
        services.AddSingleton<RfqPlanOffers>();
        services.AddSingleton<StoredAnswers>();
        services.AddSingleton<ProcurementRunner>();
        services.AddSingleton<ProcurementDesk>();
        services.AddSingleton<EventFeed>();
        services.AddSingleton<TimedEvents>();
        services.AddSingleton(webhooks);
        services.AddSingleton<WebhookDesk>();
        services.AddSingleton<Alerts.AlertDesk>();
        services.AddSingleton<Alerts.AlertSweep>();
        return services;
    }

    /// <summary>
    /// One machine's market: every market group in one in-process shard over the store (a snapshot every
    /// <paramref name="snapshotEvery"/> commands) running the <paramref name="engine"/> matching engine, credit required of
    /// every organization when <paramref name="requireCredit"/>, reached through <see cref="LocalMarket"/>; the topology
    /// names this node by <paramref name="url"/>.
    /// </summary>
    public static IServiceCollection AddExchangeLocalMarket(this IServiceCollection services, int snapshotEvery, string url, bool requireCredit = false,
        string engine = Market.Engine.MarketEngines.Default)
    {
        services.AddSingleton(provider => new MarketShard(provider.GetRequiredService<ExchangeStore>(), provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<MarketShard>>(), snapshotEvery, () => Market.Engine.MarketEngines.Create(engine), requireCredit: requireCredit));
        services.AddSingleton<IMarket, LocalMarket>();
        services.AddSingleton<ITopology>(provider => new LocalTopology(provider.GetRequiredService<MarketShard>(), url));
        return services;
    }

    /// <summary>The demo traders, who place random orders on the market when the host runs them.</summary>
    public static IServiceCollection AddExchangeDemoTraders(this IServiceCollection services) => services.AddSingleton<DemoTraders>();
}
