using Microsoft.Extensions.Logging;
using Neocloud.Domain.Orders;
using Neocloud.Domain.Money;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Orders;
using Neocloud.Exchange.Seed;
using Neocloud.Exchange.Shard;
using Neocloud.Market.Commands;

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
public sealed partial class DemoTraders(IMarket exchange, Accounts.AccountDesk accounts, TimeProvider clock, ILogger<DemoTraders> log)
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
    public const int SettleEvery = 100;

    /// <summary>
    /// Gives each demo buyer its limit and collateral, once (a buyer with a limit already keeps what it has), and has
    /// the paying ones settle what they owe (the seeded contract's prepayment and invoices included).
    /// </summary>
    public async Task OpenAccountsAsync()
    {
        foreach (var (buyer, (limit, collateral, _)) in Budgets)
        {
            if ((await exchange.AccountAsync(buyer)).LimitCents is not null) continue;
            await accounts.SetLimitAsync(Accounts.AccountDesk.Actor, buyer, limit);
            if (collateral > 0) await accounts.RecordAsync(Accounts.AccountDesk.Actor, buyer, Storage.AccountKinds.Collateral, collateral, "demo: letter of credit");
        }
        await SettleAsync();
    }

    private async Task SettleAsync()
    {
        foreach (var (buyer, (_, _, settles)) in Budgets)
        {
            if (settles && (await exchange.AccountAsync(buyer)).BalanceCents is < 0 and var owed)
                await accounts.RecordAsync(Accounts.AccountDesk.Actor, buyer, Storage.AccountKinds.Payment, -owed, "demo: treasury settlement");
        }
    }

    /// <summary>Trades until <paramref name="stoppingToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var random = new Random(20251103);
        var resting = new List<(string Owner, string Id)>();
        var placed = 0;
        await OpenAccountsAsync();
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
            var request = random.Next(10) switch
            {
                < 4 => Ask(random, now),
                < 9 => Bid(random, now),
                _ when resting.Count > 0 => Cancel(random, resting),
                _ => Bid(random, now),
            };
            var outcome = await exchange.SubmitAsync(request);
            if (outcome.Value?.Order is { Status: OrderStatus.Open } order) resting.Add((request.OrganizationId, order.Id));
            if (++placed % 500 == 0) LogProgress(placed);
            if (placed % SettleEvery == 0) await SettleAsync();
        }
    }

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
