using Dapper;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Accounts;
using Neocloud.Exchange.Audit;
using Neocloud.Market.Commands;
using Neocloud.Storage;

namespace Neocloud.Exchange.Tests;

/// <summary>
/// The accounts against a plain reference: random orders (bids with alternatives, immediate-or-cancel bids, portfolios,
/// asks, cancels), money recorded and limits changed, through a real shard on SQLite. After every step each account's
/// figures are what the store's rows add up to (committed from the open bids, balance from the trades and entries), no
/// accepted order leaves its organization below zero, a margin call is journaled exactly when a step takes an account
/// below zero, every balance and collateral sum to zero with the exchange's, and a restart and a replay of the journal
/// give the same.
/// </summary>
public sealed class AccountPropertyTests
{
    private static readonly string[] s_buyers = ["b1", "b2", "b3"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public async Task Random_orders_money_and_limits_keep_accounts_within_their_limits_and_balanced(int seed)
    {
        var random = new Random(seed);
        await using var rig = await ShardRig.StartAsync(snapshotEvery: 25);
        var desk = new AccountDesk(rig.Market, rig.Store, TimeProvider.System);
        foreach (var organization in s_buyers.Concat(["s1", "s2"]))
            Assert.True((await ConfigJournal.SubmitAsync(rig.Market, "admin", new OrganizationCreated(new OrganizationRecord(organization, organization, 0, null)))).IsAccepted);
        await rig.AcceptAsync(ShardRig.Pool("p1", "s1", 500));
        await rig.AcceptAsync(ShardRig.Pool("p2", "s2", 500, sku: "GB200"));
        foreach (var buyer in s_buyers.Take(2)) Assert.True((await desk.SetLimitAsync("admin", buyer, random.Next(1_000, 40_000) * 100L)).IsAccepted);
        var negative = s_buyers.ToDictionary(b => b, _ => false);
        var open = new List<(string Owner, string Id)>();
        var calls = 0;

        for (var step = 0; step < 120; step++)
        {
            var buyer = s_buyers[random.Next(s_buyers.Length)];
            var id = $"o{seed}-{step}";
            var start = ShardRig.Start + (random.Next(0, 20) * 10);
            var hours = random.Next(10, 200);
            var price = ShardRig.Dollars((random.Next(100, 400) / 100m).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture));
            var kind = random.Next(10);
            var order = kind switch
            {
                < 3 => new BidCommand(id, buyer, "GB300", null, random.Next(1, 30), Domain.Time.HourWindow.Of(start, start + hours), price, random.Next(4) == 0),
                3 => BidCommand.Of(id, buyer, [new Alternative("GB300", price), new Alternative("GB200", ShardRig.Dollars("1.50"))], null, random.Next(1, 30),
                    Domain.Time.HourWindow.Of(start, start + hours), false),
                4 => new PortfolioCommand(id, buyer, [.. Enumerable.Range(0, 2).Select(i =>
                    new BidCommand(PortfolioCommand.LegId(id, i), buyer, "GB300", null, random.Next(1, 10), Domain.Time.HourWindow.Of(start + (i * 200), start + (i * 200) + hours), price, true))]),
                5 or 6 => random.Next(2) == 0
                    ? new AskCommand(id, "s1", "p1", random.Next(1, 40), Domain.Time.HourWindow.Of(start, start + hours), price)
                    : new AskCommand(id, "s2", "p2", random.Next(1, 40), Domain.Time.HourWindow.Of(start, start + hours), price),
                7 when open.Count > 0 => new CancelCommand(open[random.Next(open.Count)].Id),
                _ => (MarketCommand?)null,
            };
            if (order is not null)
            {
                var owner = order switch { CancelCommand c => open.First(o => o.Id == c.OrderId).Owner, AskCommand a => a.Account, BidCommand b => b.Account, PortfolioCommand p => p.Account, _ => buyer };
                var outcome = await rig.Shard.SubmitAsync(new Shard.MarketRequest(owner, order));
                if (order is CancelCommand cancel) open.RemoveAll(o => o.Id == cancel.OrderId);
                else if (outcome.IsAccepted && order is BidCommand && outcome.Value!.Order!.Status == Domain.Orders.OrderStatus.Open) open.Add((owner, id));
                if (outcome.IsAccepted && order is BidCommand or PortfolioCommand && (await desk.AccountAsync(owner)).AvailableUsd is { } left)
                    Assert.True(decimal.Parse(left, System.Globalization.CultureInfo.InvariantCulture) >= 0, $"step {step}: {owner} accepted into {left}");
                if (outcome.Failure is { } failure && order is BidCommand or PortfolioCommand)
                    Assert.True(Outcomes.Failure.IsCreditShort(failure) || failure.Title == "Rejected by the market", failure.ToString());
            }
            else if (kind == 8)
            {
                var money = AccountKinds.Recorded[random.Next(AccountKinds.Recorded.Count)];
                await desk.RecordAsync("admin", buyer, money, random.Next(1, 20_000) * 100L, $"r{step}");
            }
            else
            {
                await desk.SetLimitAsync("admin", buyer, random.Next(3) == 0 ? null : random.Next(100, 30_000) * 100L);
            }

            // The shard's figures are what the rows add up to; a step that took an account below zero journaled one call.
            await using var connection = await rig.Store.OpenConnectionAsync();
            foreach (var organization in s_buyers)
            {
                var figures = await rig.Market.AccountAsync(organization);
                var (committed, balance, collateral) = await FromRowsAsync(connection, organization);
                Assert.Equal((committed, balance, collateral), (figures.CommittedCents, figures.BalanceCents, figures.CollateralCents));
                var below = figures.AvailableCents is < 0;
                if (below && !negative[organization]) calls++;
                negative[organization] = below;
            }
            Assert.Equal(calls, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM events WHERE type = 'account.margin_call'"));
        }

        var (accounts, exchange) = await rig.Market.AccountsAsync();
        Assert.Equal(0, accounts.Sum(a => a.BalanceCents + a.CollateralCents) + exchange);
        var before = s_buyers.Select(b => rig.Market.AccountAsync(b).Result).ToList();
        await rig.RestartAsync();
        Assert.Equal(before, s_buyers.Select(b => rig.Market.AccountAsync(b).Result).ToList());
        await using (var connection = await rig.Store.OpenConnectionAsync())
        {
            var verified = Assert.Single((await JournalVerifier.VerifyAsync(connection, null)).Journals);
            Assert.True(verified.Ok, string.Join("; ", verified.Problems));
        }
    }

    private static async Task<(long Committed, long Balance, long Collateral)> FromRowsAsync(System.Data.Common.DbConnection connection, string organization)
    {
        long committed = 0;
        foreach (var (gpus, hours, price, alternatives) in await connection.QueryAsync<(long, long, long, string?)>(
            "SELECT gpus, end_hour - start_hour, price_ticks, alternatives FROM orders WHERE organization_id = @organization AND side = 'bid' AND status = 'open'", new { organization }))
        {
            var highest = alternatives is null ? price : Orders.BidAlternatives.Commands(alternatives)!.Max(a => a.Limit.Ticks);
            committed += (long)decimal.Ceiling(gpus * hours * (decimal)highest / 100m);
        }
        long balance = 0;
        foreach (var (buyer, gpus, hours, price) in await connection.QueryAsync<(string, long, long, long)>(
            "SELECT buyer_id, gpus, end_hour - start_hour, price_ticks FROM trades WHERE buyer_id = @organization OR seller_id = @organization", new { organization }))
        {
            var notional = (long)decimal.Round(gpus * hours * (decimal)price / 100m, 0, MidpointRounding.ToEven);
            balance += buyer == organization ? -notional : notional;
        }
        var entries = (await connection.QueryAsync<(string, long)>(
            "SELECT kind, amount_cents FROM account_entries WHERE organization_id = @organization", new { organization })).ToList();
        var collateral = entries.Where(e => AccountKinds.IsCollateral(e.Item1)).Sum(e => e.Item2);
        return (committed, balance + entries.Sum(e => e.Item2) - collateral, collateral);
    }
}
