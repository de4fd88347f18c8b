using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>
/// The durability promise, against the real server process: kill -9 in the middle of concurrent order placement,
/// restart, and check that every acknowledged order is there, nothing else half-exists, no GPU-hour is oversold,
/// and the stored trades are exactly what replaying the journal produces.
/// </summary>
public abstract class CrashContract
{
    private const int PoolStart = 490_000, PoolEnd = 490_500, Capacity = 2_000;

    /// <summary>Extra <c>serve</c> arguments that choose the store.</summary>
    protected abstract string[] StoreArguments(TempDirectory data);

    /// <summary>A connection to the store the server wrote, for checks behind its back.</summary>
    protected abstract System.Data.Common.DbConnection OpenStore(TempDirectory data);

    [Fact]
    public async Task Kill_9_under_load_loses_no_acknowledged_order_and_oversells_nothing()
    {
        using var data = new TempDirectory("neocloud-crash-");
        // Snapshots every 50 commands, so recovery is a snapshot plus the journal after it, not just a replay.
        var store = StoreArguments(data).Concat(["--snapshot-every", "50"]).ToArray();
        var acknowledged = new ConcurrentDictionary<string, string>();
        string provider, admin;
        var buyers = new List<string>();

        using (var server = await ServerProcess.StartAsync(data.Path, store))
        {
            using var http = new HttpClient { BaseAddress = server.Address };
            admin = server.AdminToken!;
            provider = await ProcessApi.TokenAsync(http, server.AdminToken!, "iren", "crash", "market:read", "market:trade", "pools:write");
            foreach (var buyer in new[] { "microsoft", "meta", "openai" })
                buyers.Add(await ProcessApi.TokenAsync(http, server.AdminToken!, buyer, "crash", "market:read", "market:trade"));
            await ProcessApi.PostAsync(http, provider, "api/v1/pools",
                $$"""{"id":"crash","sku":"GB300","region":"us-tx","capacity":[{"start":{{PoolStart}},"end":{{PoolEnd}},"gpus":{{Capacity}}}]}""");
            // Two of the buyers trade against a credit limit, one with collateral too; the third has none.
            foreach (var (buyer, limit) in new[] { ("openai", "150000.00"), ("meta", "120000.00") })
            {
                var set = await ProcessApi.SendAsync(http, admin, HttpMethod.Put, $"api/v1/admin/organizations/{buyer}/credit", $$"""{"limitUsd":"{{limit}}"}""", null, CancellationToken.None);
                Assert.Equal(HttpStatusCode.OK, set.Code);
            }
            await ProcessApi.PostAsync(http, admin, "api/v1/admin/organizations/meta/ledger", """{"kind":"collateral","amountUsd":"30000.00","reference":"crash"}""");

            using var load = new CancellationTokenSource();
            var placing = new RandomOrders("crash", PoolStart, provider, buyers, MaxHours: 100, MaxAskGpus: 80, MaxBidGpus: 40);
            var clients = Enumerable.Range(0, 16).Select(i => placing.PlaceAsync(server.Address, i, acknowledged, load.Token)).ToList();
            while (acknowledged.Count < 400) await Task.Delay(20);
            server.Kill();
            await load.CancelAsync();
            await Task.WhenAll(clients);
        }

        using (var restarted = await ServerProcess.StartAsync(data.Path, store))
        {
            using var http = new HttpClient { BaseAddress = restarted.Address };
            foreach (var (id, token) in acknowledged)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/orders/{id}");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await http.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"acknowledged order {id} is missing after the crash");
            }

            // The accounts the restarted shard holds in memory are what the store's rows add up to, and within the limits.
            using (var rows = OpenStore(data))
            {
                rows.Open();
                foreach (var (organization, limit) in new[] { ("openai", 15_000_000L), ("meta", 12_000_000L + 3_000_000L), ("microsoft", long.MaxValue) })
                {
                    var (_, _, json) = await ProcessApi.SendAsync(http, admin, HttpMethod.Get, $"api/v1/admin/organizations/{organization}/account", null, null, CancellationToken.None);
                    var account = json!.Value;
                    var (committed, balance) = AccountFromRows(rows, organization);
                    Assert.Equal((committed, balance), (Cents(account.GetProperty("committedUsd")), Cents(account.GetProperty("balanceUsd"))));
                    if (limit != long.MaxValue) Assert.True(committed - balance <= limit, $"{organization} commits {committed} and owes {-balance}, over its limit {limit}");
                }
            }

            using var poolRequest = new HttpRequestMessage(HttpMethod.Get, "api/v1/pools/crash");
            poolRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", provider);
            using var poolResponse = await http.SendAsync(poolRequest);
            var pool = JsonDocument.Parse(await poolResponse.Content.ReadAsStringAsync()).RootElement;
            foreach (var step in pool.GetProperty("usage").EnumerateArray())
            {
                var used = step.GetProperty("sold").GetInt32() + step.GetProperty("offered").GetInt32();
                Assert.True(used <= step.GetProperty("capacity").GetInt32(), $"oversold: {step}");
            }
        }

        using var database = OpenStore(data);
        database.Open();
        var orders = Count(database, "SELECT COUNT(*) FROM orders");
        var orderCommands = Count(database, "SELECT COUNT(*) FROM journal WHERE command LIKE '{\"op\":\"bid\"%' OR command LIKE '{\"op\":\"ask\"%'");
        Assert.Equal(orderCommands, orders);
        // Orders the server accepted but could not acknowledge before it died are at most the requests in flight.
        Assert.InRange(orders - acknowledged.Count, 0, 16);
        Assert.Equal(0, Count(database, "SELECT COUNT(*) FROM trades t WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = t.bid_id) OR NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = t.ask_id)"));
        var journal = Lines(database, "SELECT command FROM journal ORDER BY sequence");
        var stored = Lines(database, "SELECT bid_id || ' ' || ask_id || ' ' || gpus || ' ' || start_hour || ' ' || end_hour || ' ' || price_ticks FROM trades ORDER BY trade_no");
        Assert.Equal(JournalReplay.Trades(journal), stored);
        Assert.True(Count(database, "SELECT COUNT(*) FROM snapshots") > 0, "no snapshot was taken during the load");

        // The outbox was written in the same commits: each organization's events numbered 1..n without a gap, every
        // stored order heard of by its owner, both parties told of every trade, and no event of an order never stored.
        Assert.Equal(0, Count(database, "SELECT COUNT(*) FROM (SELECT organization_id FROM events GROUP BY organization_id HAVING MAX(seq) <> COUNT(*) OR MIN(seq) <> 1) AS gaps"));
        Assert.Equal(0, Count(database, "SELECT COUNT(*) FROM event_counters c WHERE c.seq <> (SELECT MAX(seq) FROM events e WHERE e.organization_id = c.organization_id)"));
        Assert.Equal(0, Count(database, "SELECT COUNT(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.organization_id = o.organization_id AND e.data LIKE '%' || o.id || '%')"));
        Assert.Equal(2 * Count(database, "SELECT COUNT(*) FROM trades"), Count(database, "SELECT COUNT(*) FROM events WHERE type = 'trade.executed'"));
        Assert.Equal(0, Count(database, "SELECT COUNT(*) FROM events e WHERE e.type = 'order.rested' AND NOT EXISTS (SELECT 1 FROM orders o WHERE e.data LIKE '%\"id\":\"' || o.id || '\"%')"));
        Assert.True(Count(database, "SELECT COUNT(*) FROM events WHERE type = 'order.filled'") > 0, "the load made no fills");
    }

    private static long Cents(JsonElement money) =>
        (long)(decimal.Parse(money.GetString()!, System.Globalization.CultureInfo.InvariantCulture) * 100m);

    /// <summary>An organization's committed (its open bids' maximum cost, up to the cent) and balance, from the store's rows alone.</summary>
    private static (long Committed, long Balance) AccountFromRows(System.Data.Common.DbConnection connection, string organization)
    {
        long committed = 0, balance = 0;
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT gpus, end_hour - start_hour, price_ticks FROM orders WHERE organization_id = '{organization}' AND side = 'bid' AND status = 'open'";
            using var reader = command.ExecuteReader();
            while (reader.Read()) committed += (long)decimal.Ceiling(reader.GetInt64(0) * reader.GetInt64(1) * (decimal)reader.GetInt64(2) / 100m);
        }
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT buyer_id, gpus, end_hour - start_hour, price_ticks FROM trades WHERE buyer_id = '{organization}' OR seller_id = '{organization}'";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var notional = (long)decimal.Round(reader.GetInt64(1) * reader.GetInt64(2) * (decimal)reader.GetInt64(3) / 100m, 0, MidpointRounding.ToEven);
                balance += reader.GetString(0) == organization ? -notional : notional;
            }
        }
        balance += Count(connection, $"SELECT COALESCE(SUM(amount_cents), 0) FROM account_entries WHERE organization_id = '{organization}' AND kind NOT IN ('collateral', 'collateral_return')");
        return (committed, balance);
    }

    private static long Count(System.Data.Common.DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static List<string> Lines(System.Data.Common.DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read()) lines.Add(reader.GetString(0));
        return lines;
    }
}

public sealed class SqliteCrashTests : CrashContract
{
    protected override string[] StoreArguments(TempDirectory data) => [];

    protected override System.Data.Common.DbConnection OpenStore(TempDirectory data) =>
        new SqliteConnection($"Data Source={data.File("exchange.db")};Mode=ReadOnly");
}

public sealed class PostgresCrashTests : CrashContract
{
    private string? _connection;

    protected override string[] StoreArguments(TempDirectory data) => ["--db", _connection ??= PostgresServer.CreateDatabase("crash")];

    protected override System.Data.Common.DbConnection OpenStore(TempDirectory data) => new Npgsql.NpgsqlConnection(_connection);
}
