using System.Data;
using System.Data.Common;
using System.Net.Http.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Audit;
using Neocloud.Exchange.Events;
using Neocloud.Server.Hosting;
using Neocloud.Storage;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>
/// The contract book is on the journal: after RFQs, offers, an award, deliveries, an SLA report, an assignment declined
/// and one proposed, a withdrawn RFQ and an index upload over real HTTP, and time's ticks (the RFQ closed, last month
/// of the contract closed with its invoice issued), and an ask and a bid that trade, <c>journal verify</c>'s audit finds the
/// book's rows to be exactly what the journal's facts write and the market's what its commands write; an edited, deleted
/// or added row in any of their tables is named by table, key and column (each tamper in a transaction rolled back, on
/// SQLite and PostgreSQL).
/// </summary>
public abstract class LedgerVerifyContract : IAsyncLifetime
{
    private readonly TestClock _clock = new();
    private TestServer _server = null!;
    private HttpClient _iren = null!, _microsoft = null!, _admin = null!;
    private string _contract = null!, _assignment = null!, _rfq = null!;

    /// <summary>Chooses the store.</summary>
    protected abstract ServerOptions Configure(ServerOptions options);

    private CalendarMonth Now => CalendarMonth.Of(_clock.GetUtcNow());

    public async Task InitializeAsync()
    {
        // The host's sweep runs once at start; the test sweeps once the book is set up, so every tick due is journaled
        // before a verify runs and none is written during one.
        _server = await TestServer.StartAsync(options => Configure(options) with { Clock = _clock, EventSweepInterval = TimeSpan.FromDays(1) });
        _iren = _server.Client(await _server.NewOrganizationAsync("iren", Scopes.MarketRead, Scopes.MarketTrade, Scopes.PoolsWrite));
        _microsoft = _server.Client(await _server.NewOrganizationAsync("microsoft", Scopes.MarketRead, Scopes.MarketTrade));
        await _server.NewOrganizationAsync("lab", Scopes.MarketRead, Scopes.MarketTrade);
        _admin = _server.Client(await _server.NewOrganizationAsync("ops", Scopes.Admin, Scopes.MarketRead));
        var start = Now.AddMonths(-2);
        await Market.Created(await _iren.PostAsJsonAsync("/api/v1/pools", new
        {
            id = "iren-ledger", sku = "GB300", region = "us-tx",
            capacity = new[] { new { start = start.FirstHour.Value, end = start.AddMonths(60).FirstHour.Value, gpus = 1000 } },
        }));

        var rfq = _rfq = (await Market.Created(await _microsoft.PostAsJsonAsync("/api/v1/rfqs", Rfq()))).GetProperty("id").GetString()!;
        var offer = (await Market.Created(await _iren.PostAsJsonAsync($"/api/v1/rfqs/{rfq}/offers", new
        {
            sku = "GB300", pricePerGpuHour = "3.00", prepaymentFraction = 0.2, availabilityPercent = 99.5,
            tranches = new object[]
            {
                new { pool = "iren-ledger", gpus = 300, start = Now.AddMonths(-1).ToString(), termMonths = 24 },
                new { pool = "iren-ledger", gpus = 200, start = Now.ToString(), termMonths = 24 },
            },
        }))).GetProperty("id").GetString()!;
        var withdrawn = (await Market.Created(await _microsoft.PostAsJsonAsync("/api/v1/rfqs", Rfq()))).GetProperty("id").GetString()!;
        (await _microsoft.DeleteAsync($"/api/v1/rfqs/{withdrawn}")).EnsureSuccessStatusCode();
        _clock.Advance(TimeSpan.FromMinutes(6));
        _contract = (await Market.Created(await _microsoft.PostAsJsonAsync($"/api/v1/rfqs/{rfq}/award", new { awards = new[] { new { offer } } })))[0]
            .GetProperty("id").GetString()!;
        await Market.Created(await _iren.PostAsJsonAsync($"/api/v1/offtakes/{_contract}/deliveries", new { tranche = 1, month = Now.AddMonths(-1).ToString() }));
        await Market.Created(await _iren.PostAsJsonAsync($"/api/v1/offtakes/{_contract}/sla", new { month = Now.AddMonths(-1).ToString(), availabilityPercent = 98.5 }));
        var declined = (await Market.Created(await _microsoft.PostAsJsonAsync($"/api/v1/offtakes/{_contract}/assignments",
            new { to = "lab", tranches = new[] { 2 }, fromMonth = Now.AddMonths(1).ToString() }))).GetProperty("id").GetString()!;
        (await _iren.PostAsync($"/api/v1/offtakes/{_contract}/assignments/{declined}/decline", null)).EnsureSuccessStatusCode();
        _assignment = (await Market.Created(await _microsoft.PostAsJsonAsync($"/api/v1/offtakes/{_contract}/assignments",
            new { to = "lab", tranches = new[] { 2 }, fromMonth = Now.AddMonths(1).ToString() }))).GetProperty("id").GetString()!;
        (await _iren.PostAsync($"/api/v1/offtakes/{_contract}/assignments/{_assignment}/accept", null)).EnsureSuccessStatusCode();
        (await _admin.PostAsJsonAsync("/api/v1/indices/cpi-ledger", new { values = new[] { new { month = "2026-01", value = 100 } } })).EnsureSuccessStatusCode();
        // The spot market: an ask of IREN's and a bid of Microsoft's that trades against part of it.
        var hour = Now.AddMonths(2).FirstHour.Value;
        await Market.Created(await _iren.PostAsJsonAsync("/api/v1/orders/asks", new { pool = "iren-ledger", gpus = 16, start = hour, end = hour + 48, price = "2.5000" }));
        await Market.Created(await _microsoft.PostAsJsonAsync("/api/v1/orders/bids", new { sku = "GB300", region = "us-tx", gpus = 8, start = hour, end = hour + 24, limit = "3.0000" }));
        // Time's ticks: the RFQ's closing, and last month's close of the contract (tranche 1 served: its invoice issued).
        await _server.Services.GetRequiredService<TimedEvents>().SweepAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private object Rfq() => new
    {
        skus = new[] { "GB300" }, gpus = 500, regions = new[] { "us-tx" }, earliestStart = Now.AddMonths(-1).ToString(), latestStart = Now.AddMonths(1).ToString(),
        termMonths = 24, maxPricePerGpuHour = "4.00", prepaymentFraction = 0.2, closesAt = _clock.GetUtcNow().AddMinutes(5).ToString("O"),
    };

    [Fact]
    public async Task The_books_rows_are_what_the_journals_facts_write()
    {
        var verified = await VerifyAsync(null);

        Assert.True(verified.Ok, string.Join("\n", verified.ReadModels.Select(p => $"{p.Table} {p.Key} {p.Column}: {p.Problem}")
            .Concat(verified.Journals.SelectMany(j => j.Problems.Select(p => $"{p.Sequence}: {p.Problem}")))));
        Assert.Empty(verified.ReadModels);
    }

    [Fact]
    public async Task An_edited_contract_is_named_by_table_key_and_column()
    {
        // The auditor's edit: the price cut by a dollar and the contract marked terminated, straight in the store.
        var problems = await TamperedAsync(
            "UPDATE offtakes SET terms = REPLACE(terms, '\"pricePerGpuHour\":3', '\"pricePerGpuHour\":2'), status = 'terminated' WHERE id = @id",
            new { id = _contract });

        Assert.Equal([("offtakes", _contract, "status"), ("offtakes", _contract, "terms")], problems.Select(p => (p.Table, p.Key, p.Column!)).Order());
    }

    [Theory]
    [InlineData("offtake_deliveries", "DELETE FROM offtake_deliveries WHERE contract_id = @contract", "{contract}/1", null, "deleted")]
    [InlineData("offtake_deliveries", "INSERT INTO offtake_deliveries (contract_id, tranche, month, reported_ms) VALUES (@contract, 2, '2026-01', 1)",
        "{contract}/2", null, "added")]
    [InlineData("offtake_sla", "UPDATE offtake_sla SET availability = '100' WHERE contract_id = @contract", null, "availability", "edited")]
    [InlineData("offtake_assignments", "UPDATE offtake_assignments SET status = 'declined' WHERE id = @assignment", "{assignment}", "status", "edited")]
    [InlineData("offtake_assignments", "DELETE FROM offtake_assignments WHERE id = @assignment", "{assignment}", null, "deleted")]
    [InlineData("rfqs", "UPDATE rfqs SET status = 'open' WHERE status = 'withdrawn'", null, "status", "edited")]
    [InlineData("offers", "UPDATE offers SET status = 'not-awarded' WHERE status = 'awarded'", null, "status", "edited")]
    [InlineData("price_indices", "UPDATE price_indices SET value = '90' WHERE name = 'cpi-ledger'", "cpi-ledger/2026-01", "value", "edited")]
    [InlineData("price_indices", "INSERT INTO price_indices (name, month, value, updated_ms) VALUES ('cpi-ledger', '2026-02', '101', 1)", "cpi-ledger/2026-02", null,
        "added")]
    public async Task Every_edited_deleted_or_added_book_row_is_named(string table, string sql, string? key, string? column, string kind)
    {
        var problems = await TamperedAsync(sql, new { contract = _contract, assignment = _assignment });

        var problem = Assert.Single(problems);
        Assert.Equal(table, problem.Table);
        if (key is not null) Assert.Equal(key.Replace("{contract}", _contract, StringComparison.Ordinal).Replace("{assignment}", _assignment, StringComparison.Ordinal), problem.Key);
        Assert.Equal(column, problem.Column);
        Assert.StartsWith(kind, problem.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("offtake_invoices", "UPDATE offtake_invoices SET invoice = REPLACE(invoice, '\"dueUsd\":', '\"dueUsd\":1') WHERE contract_id = @contract",
        "{contract}/{last}/microsoft", "invoice", "edited")]
    [InlineData("offtake_invoices", "UPDATE offtake_invoices SET issued_ms = issued_ms + 1 WHERE contract_id = @contract", "{contract}/{last}/microsoft", "issued_ms",
        "edited")]
    [InlineData("offtake_invoices", "DELETE FROM offtake_invoices WHERE contract_id = @contract", "{contract}/{last}/microsoft", null, "deleted")]
    [InlineData("offtake_invoices", "INSERT INTO offtake_invoices (contract_id, month, payer, issued_ms, invoice) VALUES (@contract, @now, 'lab', 1, '{}')",
        "{contract}/{now}/lab", null, "added")]
    [InlineData("offtake_months", "UPDATE offtake_months SET late_tranches = '[1]' WHERE contract_id = @contract", "{contract}/{last}", "late_tranches", "edited")]
    [InlineData("offtake_months", "DELETE FROM offtake_months WHERE contract_id = @contract", "{contract}/{last}", null, "deleted")]
    [InlineData("rfq_closings", "UPDATE rfq_closings SET offers = 7 WHERE rfq_id = @rfq", "{rfq}", "offers", "edited")]
    [InlineData("rfq_closings", "DELETE FROM rfq_closings WHERE rfq_id = @rfq", "{rfq}", null, "deleted")]
    public async Task Every_edited_deleted_or_added_tick_row_is_named(string table, string sql, string key, string? column, string kind)
    {
        var problems = await TamperedAsync(sql, new { contract = _contract, rfq = _rfq, now = Now.ToString() });

        var problem = Assert.Single(problems);
        Assert.Equal((table, column), (problem.Table, problem.Column));
        Assert.Equal(key.Replace("{contract}", _contract, StringComparison.Ordinal).Replace("{rfq}", _rfq, StringComparison.Ordinal)
            .Replace("{last}", Now.AddMonths(-1).ToString(), StringComparison.Ordinal).Replace("{now}", Now.ToString(), StringComparison.Ordinal), problem.Key);
        Assert.StartsWith(kind, problem.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("orders", "UPDATE orders SET status = 'cancelled' WHERE side = 'ask' AND pool_id = 'iren-ledger'", "status", "edited")]
    [InlineData("orders", "UPDATE orders SET price_ticks = price_ticks - 1000 WHERE side = 'bid' AND organization_id = 'microsoft'", "price_ticks", "edited")]
    [InlineData("orders", "DELETE FROM orders WHERE side = 'bid' AND organization_id = 'microsoft'", null, "deleted")]
    [InlineData("orders", "INSERT INTO orders (id, organization_id, side, sku, gpus, start_hour, end_hour, price_ticks, status, traded_gpu_hours, placed_sequence, " +
        "placed_ms, updated_ms) VALUES ('ord-forged', 'microsoft', 'bid', 'GB300', 8, 1, 2, 30000, 'open', 0, 1, 1, 1)", null, "added")]
    [InlineData("trades", "UPDATE trades SET price_ticks = price_ticks - 1000 WHERE pool_id = 'iren-ledger'", "price_ticks", "edited")]
    [InlineData("trades", "UPDATE trades SET gpus = gpus * 2 WHERE pool_id = 'iren-ledger'", "gpus", "edited")]
    [InlineData("trades", "DELETE FROM trades WHERE pool_id = 'iren-ledger'", null, "deleted")]
    [InlineData("trades", "INSERT INTO trades (trade_no, sequence, bid_id, ask_id, buyer_id, seller_id, pool_id, sku, region, gpus, start_hour, end_hour, price_ticks, " +
        "executed_ms) VALUES (990001, 1, 'b', 'a', 'microsoft', 'iren', 'iren-ledger', 'GB300', 'us-tx', 8, 1, 2, 30000, 1)", null, "added")]
    [InlineData("pool_capacity", "UPDATE pool_capacity SET gpus = gpus + 1000 WHERE pool_id = 'iren-ledger'", "gpus", "edited")]
    [InlineData("pools", "UPDATE pools SET region = 'us-ca' WHERE id = 'iren-ledger'", "region", "edited")]
    public async Task Every_edited_deleted_or_added_market_row_is_named(string table, string sql, string? column, string kind)
    {
        var problems = await TamperedAsync(sql, new { });

        var problem = Assert.Single(problems);
        Assert.Equal((table, column), (problem.Table, problem.Column));
        Assert.StartsWith(kind, problem.Problem, StringComparison.Ordinal);
    }

    /// <summary>Runs <paramref name="sql"/> in a transaction, verifies inside it, rolls it back; the read-model problems found.</summary>
    private async Task<IReadOnlyList<ReadModelProblem>> TamperedAsync(string sql, object parameters)
    {
        var store = _server.Services.GetRequiredService<ExchangeStore>();
        await using var connection = await store.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead);
        Assert.Equal(1, await connection.ExecuteAsync(sql, parameters, transaction));
        var verified = await JournalVerifier.VerifyAsync(connection, transaction);
        await transaction.RollbackAsync();
        Assert.False(verified.Ok);
        Assert.All(verified.Journals, j => Assert.True(j.Ok)); // the chain itself is intact: only a read model was touched
        return verified.ReadModels;
    }

    private async Task<LedgerVerification> VerifyAsync(DbTransaction? transaction)
    {
        var store = _server.Services.GetRequiredService<ExchangeStore>();
        await using var connection = await store.OpenConnectionAsync();
        return await JournalVerifier.VerifyAsync(connection, transaction);
    }
}

public sealed class SqliteLedgerVerifyTests : LedgerVerifyContract
{
    protected override ServerOptions Configure(ServerOptions options) => options;
}

public sealed class PostgresLedgerVerifyTests : LedgerVerifyContract
{
    protected override ServerOptions Configure(ServerOptions options) =>
        options with { PostgresConnectionString = PostgresServer.CreateDatabase("ledger") };
}
