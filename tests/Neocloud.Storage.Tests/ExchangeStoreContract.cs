using System.Security.Cryptography;
using Dapper;
using Neocloud.Domain.Offtake;
using Neocloud.Domain.Orders;
using Neocloud.Storage.Schema;
using Neocloud.Testing;

namespace Neocloud.Storage.Tests;

/// <summary>What every store must do, run against a real SQLite file and a real PostgreSQL server.</summary>
public abstract class ExchangeStoreContract : StoreContractBase
{
    [Fact]
    public async Task Opening_twice_keeps_the_schema_and_the_data()
    {
        await CommitFactAsync(new OrganizationCreated(new OrganizationRecord("iren", "IREN", 1)));
        await using var again = await ExchangeStore.OpenAsync(Store.Options);
        Assert.Equal("IREN", (await again.GetOrganizationAsync("iren"))?.Name);
    }

    [Fact]
    public async Task A_store_keeps_its_schema_version_and_refuses_to_open_a_newer_one()
    {
        await using (var connection = await Store.OpenConnectionAsync())
        {
            Assert.Equal((long)SchemaScript.Version, await connection.ExecuteScalarAsync<long>("SELECT version FROM schema_version WHERE id = 1"));
            // A store from before versions were kept, without the column and the tables later versions added: it opens and is brought up.
            await connection.ExecuteAsync("DELETE FROM schema_version");
            await connection.ExecuteAsync("ALTER TABLE orders DROP COLUMN alternatives");
            await connection.ExecuteAsync("DROP TABLE offtake_assignments");
            await connection.ExecuteAsync("DROP TABLE offtake_invoices");
        }
        await using (var upgraded = await ExchangeStore.OpenAsync(Store.Options))
        await using (var connection = await upgraded.OpenConnectionAsync())
        {
            Assert.Equal((long)SchemaScript.Version, await connection.ExecuteScalarAsync<long>("SELECT version FROM schema_version WHERE id = 1"));
            Assert.Null(await connection.ExecuteScalarAsync<string?>("SELECT alternatives FROM orders"));
            Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM offtake_assignments"));
            Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM offtake_invoices"));
            await connection.ExecuteAsync("UPDATE schema_version SET version = @newer", new { newer = SchemaScript.Version + 1 });
        }

        var refused = await Assert.ThrowsAsync<StoreVersionException>(() => ExchangeStore.OpenAsync(Store.Options));

        Assert.Equal(SchemaScript.Version + 1, refused.Stored);
    }

    [Fact]
    public async Task A_commit_writes_journal_and_read_models_together()
    {
        await CommitFactAsync(new OrganizationCreated(new OrganizationRecord("iren", "IREN", 1)));
        await CommitFactAsync(new OrganizationCreated(new OrganizationRecord("msft", "Microsoft", 1)));
        var batch = new CommitBatch();
        batch.Journal.Add(new JournalEntry(1, 10, "iren", """{"op":"pool","id":"p1"}"""));
        batch.Pools.Add(new PoolRecord("p1", "iren", "iren-childress", "GB300", "us-tx", 1));
        batch.Capacity.Add(new CapacitySegmentRecord("p1", 100, 200, 576));
        batch.Journal.Add(new JournalEntry(2, 11, "iren", """{"op":"ask","id":"a1"}"""));
        batch.NewOrders.Add(Order("a1", "iren", OrderSide.Ask, sequence: 2));
        batch.Journal.Add(new JournalEntry(3, 12, "msft", """{"op":"bid","id":"b1"}"""));
        batch.NewOrders.Add(Order("b1", "msft", OrderSide.Bid, sequence: 3) with { Status = OrderStatus.Filled, TradedGpuHours = 640 });
        batch.OrderUpdates.Add(new OrderUpdate("a1", OrderStatus.Open, 640, 12));
        batch.Trades.Add(Trade(1, 3));
        batch.Idempotency.Add(new IdempotencyRecord("msft", "k1", "h", 201, "{}", 12));

        await Store.CommitAsync(batch);

        var journal = await ToListAsync(Store.ReadJournalAsync(1));
        Assert.Equal([2L, 3L], journal.Select(j => j.Sequence));
        Assert.Equal(3, await Store.LastSequenceAsync());
        Assert.Equal(640, (await Store.GetOrderAsync("a1"))?.TradedGpuHours);
        Assert.Equal(Order("b1", "msft", OrderSide.Bid, sequence: 3) with { Status = OrderStatus.Filled, TradedGpuHours = 640 }, await Store.GetOrderAsync("b1"));
        Assert.Equal(Order("a1", "iren", OrderSide.Ask, sequence: 2) with { TradedGpuHours = 640, UpdatedMs = 12 }, await Store.GetOrderAsync("a1"));
        Assert.Equal([new CapacitySegmentRecord("p1", 100, 200, 576)], await Store.CapacityAsync("p1"));
        Assert.Equal("msft", (await Store.GetTradeForAsync("msft", 1))?.BuyerId);
        Assert.Null(await Store.GetTradeForAsync("someone-else", 1));
        Assert.Equal(201, (await Store.FindIdempotencyAsync("msft", "k1"))?.StatusCode);
    }

    [Fact]
    public async Task A_failed_commit_writes_nothing()
    {
        var first = new CommitBatch();
        first.Journal.Add(new JournalEntry(1, 10, "iren", "{}"));
        await Store.CommitAsync(first);

        var broken = new CommitBatch();
        broken.Journal.Add(new JournalEntry(2, 11, "iren", "{}"));
        broken.NewOrders.Add(Order("a2", "iren", OrderSide.Ask, sequence: 2));
        broken.Journal.Add(new JournalEntry(1, 12, "iren", "{}")); // sequence 1 again: the whole batch must fail

        await Assert.ThrowsAnyAsync<Exception>(() => Store.CommitAsync(broken));

        Assert.Equal(1, await Store.LastSequenceAsync());
        Assert.Null(await Store.GetOrderAsync("a2"));

        // The store takes the next batch as if the failed one had never been sent.
        var next = new CommitBatch();
        next.Journal.Add(new JournalEntry(2, 13, "iren", "{}"));
        next.NewOrders.Add(Order("a2", "iren", OrderSide.Ask, sequence: 2));
        await Store.CommitAsync(next);
        Assert.Equal(2, await Store.LastSequenceAsync());
        Assert.Equal("a2", (await Store.GetOrderAsync("a2"))?.Id);
    }

    [Fact]
    public async Task Orders_page_by_cursor_and_filter_open_from_finished()
    {
        var batch = new CommitBatch();
        for (var i = 1; i <= 5; i++)
        {
            batch.Journal.Add(new JournalEntry(i, i, "msft", "{}"));
            batch.NewOrders.Add(Order($"b{i}", "msft", OrderSide.Bid, sequence: i) with { Status = i % 2 == 0 ? OrderStatus.Filled : OrderStatus.Open });
        }
        batch.NewOrders.Add(Order("x1", "meta", OrderSide.Bid, sequence: 6));
        batch.Journal.Add(new JournalEntry(6, 6, "meta", "{}"));
        await Store.CommitAsync(batch);

        var first = await Store.ListOrdersAsync("msft", open: null, after: null, limit: 2);
        var second = await Store.ListOrdersAsync("msft", open: null, after: first.Next, limit: 2);
        var third = await Store.ListOrdersAsync("msft", open: null, after: second.Next, limit: 2);
        var open = await Store.ListOrdersAsync("msft", open: true, after: null, limit: 10);

        Assert.Equal(["b1", "b2"], first.Items.Select(o => o.Id));
        Assert.Equal(["b3", "b4"], second.Items.Select(o => o.Id));
        Assert.Equal(["b5"], third.Items.Select(o => o.Id));
        Assert.Null(third.Next);
        Assert.Equal(["b1", "b3", "b5"], open.Items.Select(o => o.Id));
    }

    [Fact]
    public async Task Every_state_is_stored_as_its_text_and_read_back_equal()
    {
        var orders = new List<OrderRecord>();
        foreach (var status in Enum.GetValues<OrderStatus>())
        {
            orders.Add(Order($"a-{status}", "iren", OrderSide.Ask, orders.Count + 1) with { Status = status });
            foreach (var tif in Enum.GetValues<TimeInForce>())
                orders.Add(Order($"b-{tif}-{status}", "msft", OrderSide.Bid, orders.Count + 1) with { Tif = tif, Status = status });
        }
        var batch = new CommitBatch();
        foreach (var order in orders)
        {
            batch.Journal.Add(new JournalEntry(order.PlacedSequence, 1, order.OrganizationId, "{}"));
            batch.NewOrders.Add(order);
        }
        batch.OrderUpdates.Add(new OrderUpdate("a-Open", OrderStatus.Filled, 0, 1));
        await Store.CommitAsync(batch);

        var rfqs = new[] { RfqStatus.Open, RfqStatus.Awarded, RfqStatus.Withdrawn }.Select(s => new RfqRecord($"rfq-{s}", "msft", s, 100, 1, "{}")).ToList();
        foreach (var rfq in rfqs) await CommitFactAsync(new RfqOpened(rfq));
        var offers = Enum.GetValues<OfferStatus>().Select(s => new OfferRecord($"off-{s}", "rfq-Open", "iren", s, 2, "{}")).ToList();
        foreach (var offer in offers) await CommitFactAsync(new OfferMade(offer));
        var contracts = Enum.GetValues<ContractStatus>()
            .Select(s => new OfftakeRecord($"otc-{s}", null, null, "msft", "iren", "GB300", "us-tx", s, null, 3, "{}")).ToList();
        await CommitFactAsync(new ContractAwarded(null, contracts, []));

        foreach (var order in orders)
            Assert.Equal(order.Id == "a-Open" ? order with { Status = OrderStatus.Filled, UpdatedMs = 1 } : order, await Store.GetOrderAsync(order.Id));
        foreach (var rfq in rfqs) Assert.Equal(rfq, await Store.GetRfqAsync(rfq.Id));
        foreach (var offer in offers) Assert.Equal(offer, await Store.GetOfferAsync(offer.Id));
        Assert.Equal(offers.OrderBy(o => o.Id, StringComparer.Ordinal), await Store.OffersAsync("rfq-Open", null));
        foreach (var contract in contracts) Assert.Equal(contract, await Store.GetOfftakeAsync(contract.Id));

        // The columns hold the same text as before the states were enums, so databases written then still load.
        await using var connection = await Store.OpenConnectionAsync();
        Assert.Equal(["ask", "bid"], await connection.QueryAsync<string>("SELECT DISTINCT side FROM orders ORDER BY side"));
        Assert.Equal(["GTC", "IOC"], await connection.QueryAsync<string>("SELECT DISTINCT tif FROM orders WHERE tif IS NOT NULL ORDER BY tif"));
        Assert.Equal(["cancelled", "filled", "open"], await connection.QueryAsync<string>("SELECT DISTINCT status FROM orders ORDER BY status"));
        Assert.Equal(["awarded", "open", "withdrawn"], await connection.QueryAsync<string>("SELECT status FROM rfqs ORDER BY status"));
        Assert.Equal(["awarded", "not-awarded", "submitted"], await connection.QueryAsync<string>("SELECT status FROM offers ORDER BY status"));
        Assert.Equal(["active", "terminated"], await connection.QueryAsync<string>("SELECT status FROM offtakes ORDER BY status"));
    }

    [Fact]
    public async Task Tokens_are_found_by_hash_rotated_and_revoked_as_their_facts_say()
    {
        await CommitFactAsync(new OrganizationCreated(new OrganizationRecord("msft", "Microsoft", 1)));
        var hash = SHA256.HashData("secret"u8);
        await CommitFactAsync(new TokenIssued(new TokenRecord("t1", "msft", hash, "market:read market:trade", "desk", 5, null, ExpiresMs: 1_000)));
        await CommitFactAsync(new TokenRotated("t1", 60, new TokenRecord("t2", "msft", SHA256.HashData("new"u8), "market:read market:trade", "desk", 6, null, 1_000)));

        Assert.Equal("msft", (await Store.FindTokenByHashAsync(hash))?.OrganizationId);
        Assert.Null(await Store.FindTokenByHashAsync(SHA256.HashData("other"u8)));
        Assert.Equal((60L, 1_000L), ((await Store.GetTokenAsync("t1"))!.ExpiresMs!.Value, (await Store.GetTokenAsync("t2"))!.ExpiresMs!.Value));
        await CommitFactAsync(new TokenRevoked("t2", 9));
        Assert.Equal(9, (await Store.GetTokenAsync("t2"))?.RevokedMs);
    }

    [Fact]
    public async Task An_organizations_rate_limit_is_set_and_cleared()
    {
        await CommitFactAsync(new OrganizationCreated(new OrganizationRecord("lab", "Lab", 1)));

        await CommitFactAsync(new OrganizationRateLimitSet("lab", 250));
        Assert.Equal(250, (await Store.GetOrganizationAsync("lab"))?.RateLimit);
        Assert.Equal(250, (await Store.ListOrganizationsAsync(null, 10)).Items.Single(o => o.Id == "lab").RateLimit);
        await CommitFactAsync(new OrganizationRateLimitSet("lab", null));
        Assert.Null((await Store.GetOrganizationAsync("lab"))?.RateLimit);
    }

    [Fact]
    public async Task The_admin_token_made_at_first_start_is_pending_once_until_its_fact_is_committed()
    {
        var hash = SHA256.HashData("admin"u8);

        Assert.True(await Store.TryMarkAdminTokenPendingAsync("tok_a", hash, 7));
        Assert.False(await Store.TryMarkAdminTokenPendingAsync("tok_b", SHA256.HashData("other"u8), 8));
        var pending = await Store.PendingAdminTokenAsync();
        Assert.Equal(("tok_a", Convert.ToHexString(hash), 7L), (pending!.Value.Id, Convert.ToHexString(pending.Value.Hash), pending.Value.CreatedMs));

        await CommitFactAsync(new OrganizationCreated(new OrganizationRecord("admin", "Exchange administrators", 7)));
        await CommitFactAsync(new TokenIssued(new TokenRecord("tok_a", "admin", hash, "admin", "bootstrap", 7, null), Bootstrap: true));

        Assert.Null(await Store.PendingAdminTokenAsync());
        Assert.Equal("admin", (await Store.FindTokenByHashAsync(hash))?.OrganizationId);
    }

    [Fact]
    public async Task Only_the_two_newest_snapshots_are_kept()
    {
        for (var sequence = 10; sequence <= 40; sequence += 10)
            await Store.SaveSnapshotAsync(new SnapshotRecord(sequence, sequence, [(byte)sequence]));

        var latest = await Store.LatestSnapshotAsync();

        Assert.Equal(40, latest?.Sequence);
        Assert.Equal([(byte)40], latest!.State);
    }

    private static OrderRecord Order(string id, string organization, OrderSide side, long sequence) =>
        new(id, organization, side, "GB300", "us-tx", side == OrderSide.Ask ? "p1" : null, 64, 100, 110, 24_500, side == OrderSide.Bid ? TimeInForce.Gtc : null,
            OrderStatus.Open, 0, sequence, sequence, sequence);

    private static TradeRecord Trade(long tradeNo, long sequence) =>
        new(tradeNo, sequence, "b1", "a1", "msft", "iren", "p1", "GB300", "us-tx", 64, 100, 110, 24_500, 12);

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items) list.Add(item);
        return list;
    }
}

public sealed class SqliteStoreTests : ExchangeStoreContract, IDisposable
{
    private readonly TempDirectory _directory = new("neocloud-store-");

    protected override StoreOptions CreateOptions() => StoreOptions.SqliteFile(_directory.File("exchange.db"));

    public void Dispose() => _directory.Dispose();
}

public sealed class PostgresStoreTests : ExchangeStoreContract
{
    protected override StoreOptions CreateOptions() => StoreOptions.Postgres(PostgresServer.CreateDatabase("store"));
}
