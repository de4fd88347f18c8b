using Microsoft.Extensions.Logging;
using Neocloud.Domain.Catalog;
using Neocloud.Domain.Orders;
using Neocloud.Domain.Money;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Orders;
using Neocloud.Exchange.Seed;
using Neocloud.Exchange.Shard;
using Neocloud.Market.Commands;
using Neocloud.Storage;

namespace Neocloud.Exchange.Demo;

/// <summary>
/// Simulated neoclouds and hyperscaler/lab buyers for <c>serve --demo</c>: a few orders a second through the same
/// exchange loop as everyone else — asks from the seeded pools, bids from the buyers, and now and then a cancel. A host runs
/// <see cref="RunAsync"/> in the background.
/// <para>
/// Every buyer trades against a credit limit (<see cref="Budgets"/>): each has a limit and collateral, and its treasury
/// settles what it owes every <see cref="SettleEvery"/> orders, except <c>anthropic</c>'s, which never pays: its bids are
/// refused for credit once its trades have used its limit, as a newcomer sees on its desk.
/// </para>
/// </summary>
public sealed partial class DemoTraders(IMarket exchange, Accounts.AccountDesk accounts, Procurement.ProcurementDesk procurements, Alerts.AlertDesk alerts,
    TimeProvider clock, ILogger<DemoTraders> log)
{
    private static readonly string[] s_buyers = ["microsoft", "meta", "openai", "google", "amazon", "anthropic"];

    /// <summary>The demo buyers' credit: limit and collateral in cents, and whether their treasury settles.</summary>
    public static readonly IReadOnlyDictionary<string, (long LimitCents, long CollateralCents, bool Settles)> Budgets =
        new Dictionary<string, (long, long, bool)>(StringComparer.Ordinal)
        {
            ["microsoft"] = (40_000_000_00, 10_000_000_00, true),
            ["meta"] = (25_000_000_00, 5_000_000_00, true),
            ["openai"] = (25_000_000_00, 5_000_000_00, true),
            ["google"] = (25_000_000_00, 5_000_000_00, true),
            ["amazon"] = (25_000_000_00, 5_000_000_00, true),
            ["anthropic"] = (3_000_000_00, 0, false),
        };

    /// <summary>Orders between two settlements of what the paying buyers owe.</summary>
    public const int SettleEvery = 25;

    /// <summary>
    /// Gives each demo buyer its limit and collateral, once (a buyer with a limit already keeps what it has), and has
    /// the paying ones settle what they owe (the seeded contract's prepayment and invoices included).
    /// </summary>
    public async Task OpenAccountsAsync()
    {
        foreach (var (buyer, (limit, collateral, _)) in Budgets)
        {
            if ((await exchange.AccountAsync(buyer)).LimitCents is not null) continue;
            // Settled before the limit is set: an account seen with its limit has the seeded contract's money paid.
            await SettleAsync(buyer);
            if (collateral > 0) await accounts.RecordAsync(Accounts.AccountDesk.Actor, buyer, Storage.AccountKinds.Collateral, collateral, "demo: letter of credit");
            await accounts.SetLimitAsync(Accounts.AccountDesk.Actor, buyer, limit);
        }
        await SettleAsync();
    }

    private async Task SettleAsync()
    {
        foreach (var buyer in Budgets.Keys) await SettleAsync(buyer);
    }

    /// <summary>The buyer's treasury pays what it owes (not the one that never pays).</summary>
    private async Task SettleAsync(string buyer)
    {
        if (Budgets[buyer].Settles && (await exchange.AccountAsync(buyer)).BalanceCents is < 0 and var owed)
            await accounts.RecordAsync(Accounts.AccountDesk.Actor, buyer, Storage.AccountKinds.Payment, -owed, "demo: treasury settlement");
    }

    /// <summary>Trades until <paramref name="stoppingToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var random = new Random(20251103);
        var resting = new List<(string Owner, string Id)>();
        var placed = 0;
        await OpenAccountsAsync();
        await StartProcurementAsync();
        await SetAlertsAsync();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(150 + random.Next(250)), clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var now = Hour.FromUtc(clock.GetUtcNow()).Value;
            // Every order type a desk uses: plain asks and bids most of the time, and bids with alternatives, portfolios
            // and extensions of blocks bought, each made to meet an ask the demo itself offered (so that they trade).
            var request = random.Next(20) switch
            {
                < 8 => Ask(random, now),
                < 14 => Bid(random, now),
                14 or 15 => Alternatives(random, now),
                16 => Portfolio(random, now),
                17 => Extension(random),
                _ when resting.Count > 0 => Cancel(random, resting),
                _ => null,
            } ?? Bid(random, now);
            var outcome = await exchange.SubmitAsync(request);
            if (outcome.IsAccepted) Remember(request.Command, outcome.Value!);
            if (outcome.Value?.Order is { Status: OrderStatus.Open } order) resting.Add((request.OrganizationId, order.Id));
            if (++placed % 500 == 0) LogProgress(placed);
            if (placed % SettleEvery == 0) await SettleAsync();
        }
    }

    /// <summary>The demo's recent asks (that bids with alternatives and portfolios aim at) and the blocks its buyers bought (that extensions follow).</summary>
    private readonly List<AskCommand> _asks = [];
    private readonly List<TradeRecord> _bought = [];
    private const int Remembered = 64;

    private void Remember(MarketCommand command, Committed committed)
    {
        if (command is AskCommand ask && committed.Order is { Status: OrderStatus.Open }) Keep(_asks, ask);
        foreach (var trade in committed.Trades)
        {
            if (Budgets.ContainsKey(trade.BuyerId)) Keep(_bought, trade);
        }
    }

    private static void Keep<T>(List<T> recent, T item)
    {
        if (recent.Count == Remembered) recent.RemoveAt(0);
        recent.Add(item);
    }

    /// <summary>
    /// OpenAI keeps a standing procurement of 72 GB300 for the next two weeks in one-week blocks (once: a restart finds
    /// it active), so the desk's automatic buying shows too.
    /// </summary>
    private async Task StartProcurementAsync()
    {
        const string buyer = "openai";
        var page = await procurements.ProcurementsAsync(buyer, null, 100);
        if (page.Items.Any(p => p.Status == Domain.Procurement.ProcurementStatus.Active)) return;
        if (Procurement.ProcurementTerms.Create("GB300", null, 72, 336, 168, "3.40") is { Value: { } terms })
            await procurements.StartAsync(buyer, terms);
    }

    /// <summary>
    /// Microsoft watches prices (once: a restart finds its alerts set): GB300 printing 3% under its reference, a GB300 bid
    /// 5% over it, an H100 ask 5% under, and next month's GB300 forward above the reference, so the bell rings in the demo.
    /// </summary>
    private async Task SetAlertsAsync()
    {
        const string buyer = "microsoft";
        if ((await alerts.ListAsync(buyer)).Items.Count > 0) return;
        var month = CalendarMonth.Of(clock.GetUtcNow()).AddMonths(1);
        foreach (var (sku, kind, percent, curveMonth) in new (string, string, long, CalendarMonth?)[]
        {
            ("GB300", Alerts.AlertKinds.LastTradeBelow, 97, null), ("GB300", Alerts.AlertKinds.BestBidAbove, 105, null),
            ("H100", Alerts.AlertKinds.BestAskBelow, 95, null), ("GB300", Alerts.AlertKinds.CurveAbove, 100, month),
        })
        {
            var price = Price.FromTicks(MarketSeed.ReferencePrices[sku].Ticks * percent / 100);
            await alerts.SetAsync(buyer, new Alerts.AlertTerms(sku, null, kind, price, curveMonth));
        }
    }

    /// <summary>A bid for one of two SKUs of a market group: the SKU of a recent ask at a little over its price, another below the reference.</summary>
    private MarketRequest? Alternatives(Random random, int now)
    {
        if (RecentAsk(random, now) is not { } ask) return null;
        var pool = MarketSeed.Pools.First(p => p.Id == ask.PoolId);
        var others = MarketGroups.SkusOf(MarketGroups.Of(pool.Sku)).Where(s => s != pool.Sku && MarketSeed.ReferencePrices.ContainsKey(s)).ToList();
        if (others.Count == 0) return null;
        var other = others[random.Next(others.Count)];
        var buyer = s_buyers[random.Next(s_buyers.Length)];
        var alternatives = new List<Alternative> { new(pool.Sku, Over(ask.Price)), new(other, Around(MarketSeed.ReferencePrices[other], random, 0.80, 0.90)) };
        return new MarketRequest(buyer, BidCommand.Of(OrderIds.New(clock), buyer, alternatives, null, Block(pool.Sku), Day(ask.Window), immediateOrCancel: true));
    }

    /// <summary>Two legs, all or none, each meeting a recent ask of one market group.</summary>
    private MarketRequest? Portfolio(Random random, int now)
    {
        if (RecentAsk(random, now) is not { } first) return null;
        var group = MarketGroups.Of(SkuOf(first));
        var second = _asks.LastOrDefault(a => a != first && MarketGroups.Of(SkuOf(a)) == group && a.Window.Start.Value >= now);
        if (second is null) return null;
        var buyer = s_buyers[random.Next(s_buyers.Length)];
        var id = OrderIds.New(clock);
        var legs = new[] { first, second }.Select((ask, i) =>
            new BidCommand(PortfolioCommand.LegId(id, i), buyer, SkuOf(ask), null, Block(SkuOf(ask)), Day(ask.Window), Over(ask.Price), ImmediateOrCancel: false)
            {
                PoolId = ask.PoolId,
            }).ToList();
        return new MarketRequest(buyer, new PortfolioCommand(id, buyer, legs));
    }

    /// <summary>A buyer extends a block it bought: the same GPUs on the same pool for the day after it ends.</summary>
    private MarketRequest? Extension(Random random)
    {
        if (_bought.Count == 0) return null;
        var trade = _bought[random.Next(_bought.Count)];
        _bought.Remove(trade);
        var start = (int)trade.EndHour;
        var limit = Around(MarketSeed.ReferencePrices[trade.Sku], random, 1.05, 1.15);
        return new MarketRequest(trade.BuyerId, new BidCommand(OrderIds.New(clock), trade.BuyerId, trade.Sku, null, (int)trade.Gpus, HourWindow.Of(start, start + 24), limit,
            ImmediateOrCancel: true) { PoolId = trade.PoolId });
    }

    /// <summary>One of the last asks the demo offered whose window has not begun.</summary>
    private AskCommand? RecentAsk(Random random, int now)
    {
        var open = _asks.Where(a => a.Window.Start.Value >= now).ToList();
        return open.Count == 0 ? null : open[random.Next(open.Count)];
    }

    private static string SkuOf(AskCommand ask) => MarketSeed.Pools.First(p => p.Id == ask.PoolId).Sku;

    /// <summary>The first day of an ask's window.</summary>
    private static HourWindow Day(HourWindow window) => HourWindow.Of(window.Start.Value, window.Start.Value + 24);

    /// <summary>The smallest block of a SKU the demo trades: a rack of 72 for GB, else a server of 8.</summary>
    private static int Block(string sku) => sku.StartsWith("GB", StringComparison.Ordinal) ? 72 : 8;

    /// <summary>A limit 2% over an ask's price, in whole cents of ticks.</summary>
    private static Price Over(Price price) => Price.FromTicks((long)decimal.Ceiling(price.Ticks * 1.02m / 100m) * 100);

    private MarketRequest Ask(Random random, int now)
    {
        var pool = MarketSeed.Pools[random.Next(MarketSeed.Pools.Count)];
        var start = now + random.Next(0, 24 * 60);
        var window = HourWindow.Of(start, start + 24 * random.Next(7, 90));
        var price = Around(MarketSeed.ReferencePrices[pool.Sku], random, 0.92, 1.12);
        var gpus = pool.Sku.StartsWith("GB", StringComparison.Ordinal) ? 72 * random.Next(1, 5) : 8 * random.Next(4, 33);
        return new MarketRequest(pool.Provider, new AskCommand(OrderIds.New(clock), pool.Provider, pool.Id, gpus, window, price));
    }

    private MarketRequest Bid(Random random, int now)
    {
        var pool = MarketSeed.Pools[random.Next(MarketSeed.Pools.Count)];
        var start = now + random.Next(0, 24 * 45);
        var hours = random.Next(4) switch { 0 => random.Next(1, 24), 1 => 24 * random.Next(1, 7), _ => 24 * random.Next(7, 30) };
        var limit = Around(MarketSeed.ReferencePrices[pool.Sku], random, 0.88, 1.10);
        var gpus = pool.Sku.StartsWith("GB", StringComparison.Ordinal) ? 72 * random.Next(1, 3) : 8 * random.Next(1, 17);
        var region = random.Next(3) == 0 ? pool.Region : null;
        var buyer = s_buyers[random.Next(s_buyers.Length)];
        return new MarketRequest(buyer, new BidCommand(OrderIds.New(clock), buyer, pool.Sku, region, gpus, HourWindow.Of(start, start + hours), limit,
            ImmediateOrCancel: random.Next(5) == 0));
    }

    private static MarketRequest Cancel(Random random, List<(string Owner, string Id)> resting)
    {
        var index = random.Next(resting.Count);
        var (owner, id) = resting[index];
        resting.RemoveAt(index);
        return new MarketRequest(owner, new CancelCommand(id));
    }

    private static Price Around(Price reference, Random random, double low, double high)
    {
        // The factor is a dimensionless draw; the price itself stays in whole ticks.
        var factor = (decimal)(low + random.NextDouble() * (high - low));
        return Price.FromTicks(Math.Max(1, (long)decimal.Round(reference.Ticks * factor / 100m) * 100));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "demo traders placed {Count} orders")]
    private partial void LogProgress(int count);
}
