using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Audit;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>
/// The durability promise for the contract book, against the real server process: kill -9 while awards, deliveries,
/// assignment proposals and acceptances are committing for a dozen RFQs at once, restart, retry every command with the
/// same idempotency key, and check that nothing acknowledged was lost, nothing was applied twice, and the book's read
/// models are exactly what the journal's facts write.
/// </summary>
public abstract class ContractCrashContract
{
    private const int Rfqs = 12, Gpus = 20;

    /// <summary>Extra <c>serve</c> arguments that choose the store.</summary>
    protected abstract string[] StoreArguments(TempDirectory data);

    /// <summary>A connection to the store the server wrote, for checks behind its back.</summary>
    protected abstract System.Data.Common.DbConnection OpenStore(TempDirectory data);

    private sealed record Tokens(string Iren, string Microsoft, string Lab);

    [Fact]
    public async Task Kill_9_during_contract_commands_loses_nothing_acknowledged_and_applies_nothing_twice()
    {
        using var data = new TempDirectory("neocloud-contract-crash-");
        var store = StoreArguments(data);
        var month = CalendarMonth.Of(DateTimeOffset.UtcNow);
        var offers = new List<(string Rfq, string Offer)>();
        Tokens tokens;
        ServerProcess restarted;
        using (var server = await ServerProcess.StartAsync(data.Path, store))
        {
            using var http = new HttpClient { BaseAddress = server.Address };
            tokens = new Tokens(
                await ProcessApi.TokenAsync(http, server.AdminToken!, "iren", "crash", "market:read", "market:trade", "pools:write"),
                await ProcessApi.TokenAsync(http, server.AdminToken!, "microsoft", "crash", "market:read", "market:trade"),
                await ProcessApi.TokenAsync(http, server.AdminToken!, "openai", "crash", "market:read", "market:trade"));
            await ProcessApi.PostAsync(http, tokens.Iren, "api/v1/pools", JsonSerializer.Serialize(new
            {
                id = "contract-crash", sku = "GB300", region = "us-tx",
                capacity = new[] { new { start = month.FirstHour.Value, end = month.AddMonths(14).FirstHour.Value, gpus = Rfqs * Gpus } },
            }));
            var closes = DateTimeOffset.UtcNow.AddSeconds(3);
            for (var i = 0; i < Rfqs; i++)
            {
                var rfq = (await ProcessApi.PostAsync(http, tokens.Microsoft, "api/v1/rfqs", JsonSerializer.Serialize(new
                {
                    skus = new[] { "GB300" }, gpus = Gpus, regions = new[] { "us-tx" }, earliestStart = month.ToString(), latestStart = month.ToString(),
                    termMonths = 12, maxPricePerGpuHour = "4.00", prepaymentFraction = 0.1, closesAt = closes.ToString("O"),
                }))).GetProperty("id").GetString()!;
                var offer = (await ProcessApi.PostAsync(http, tokens.Iren, $"api/v1/rfqs/{rfq}/offers", JsonSerializer.Serialize(new
                {
                    sku = "GB300", pricePerGpuHour = "3.00", prepaymentFraction = 0.1, availabilityPercent = 99.5,
                    tranches = new[] { new { pool = "contract-crash", gpus = Gpus, start = month.ToString(), termMonths = 12 } },
                }))).GetProperty("id").GetString()!;
                offers.Add((rfq, offer));
            }
            await Eventually.UntilAsync(async () => (await GetAsync(http, tokens.Microsoft, $"api/v1/rfqs/{offers[^1].Rfq}")).Json?.GetProperty("status").GetString(),
                status => status == "closed", "the RFQs closed");

            // Every command again after the restart, with the same keys: what was committed answers as before, the rest happens now.
            (restarted, _) = await ProcessApi.KillMidwayAndRetryAsync(server, data.Path, store, killAt: Rfqs * 5 / 2,
                (client, answers, ct) => Task.WhenAll(offers.Select(o => ChainAsync(client, tokens, o.Rfq, o.Offer, month, answers, ct))));
        }

        using (restarted)
        {
            using var http = new HttpClient { BaseAddress = restarted.Address };
            // Microsoft's contracts from these RFQs (it is also the buyer of the seeded Microsoft–IREN contract).
            var rfqs = offers.Select(o => o.Rfq).ToHashSet();
            var contracts = (await GetAsync(http, tokens.Microsoft, "api/v1/offtakes")).Json!.Value.EnumerateArray()
                .Where(c => c.GetProperty("rfq").GetString() is { } rfq && rfqs.Contains(rfq)).ToList();
            Assert.Equal(Rfqs, contracts.Count);
            Assert.Equal(offers.Select(o => o.Rfq).Order(StringComparer.Ordinal), contracts.Select(c => c.GetProperty("rfq").GetString()!).Order(StringComparer.Ordinal));
            foreach (var contract in contracts)
            {
                var id = contract.GetProperty("id").GetString()!;
                Assert.Equal("delivered", contract.GetProperty("tranches")[0].GetProperty("state").GetString());
                var assignments = (await GetAsync(http, tokens.Microsoft, $"api/v1/offtakes/{id}/assignments")).Json!.Value.EnumerateArray().ToList();
                var assignment = Assert.Single(assignments);
                Assert.Equal("accepted", assignment.GetProperty("status").GetString());
                Assert.Single(assignment.GetProperty("resalePools").EnumerateArray());
            }
            var assigned = (await GetAsync(http, tokens.Lab, "api/v1/events?limit=1000")).Json!.Value.GetProperty("events").EnumerateArray()
                .Count(e => e.GetProperty("type").GetString() == "contract.assigned");
            Assert.Equal(Rfqs, assigned);
        }

        await using var database = OpenStore(data);
        await database.OpenAsync();
        var verified = await JournalVerifier.VerifyAsync(database, null);
        Assert.True(verified.Ok, string.Join("\n", verified.ReadModels.Select(p => $"{p.Table} {p.Key} {p.Column}: {p.Problem}")
            .Concat(verified.Journals.SelectMany(j => j.Problems.Select(p => $"{p.Sequence}: {p.Problem}")))));
    }

    /// <summary>
    /// One RFQ's contract life, each step keyed: award, deliver tranche 1, propose assigning it to the assignee, the seller's and
    /// the assignee's acceptances. Records each step's answer (the contract, the assignment, or "done") once acknowledged; stops at
    /// the first request the server does not answer (it was killed).
    /// </summary>
    private static async Task ChainAsync(HttpClient http, Tokens tokens, string rfq, string offer, CalendarMonth month, ConcurrentDictionary<string, string> answers,
        CancellationToken ct)
    {
        try
        {
            var award = await PostAsync(http, tokens.Microsoft, $"api/v1/rfqs/{rfq}/award", new { awards = new[] { new { offer } } }, $"award-{rfq}", ct);
            var contract = award[0].GetProperty("id").GetString()!;
            answers[$"award-{rfq}"] = contract;
            await PostAsync(http, tokens.Iren, $"api/v1/offtakes/{contract}/deliveries", new { tranche = 1, month = month.ToString() }, $"deliver-{rfq}", ct);
            answers[$"deliver-{rfq}"] = "done";
            var proposed = await PostAsync(http, tokens.Microsoft, $"api/v1/offtakes/{contract}/assignments",
                new { to = "openai", tranches = new[] { 1 }, fromMonth = month.AddMonths(1).ToString() }, $"assign-{rfq}", ct);
            var assignment = proposed.GetProperty("id").GetString()!;
            answers[$"assign-{rfq}"] = assignment;
            foreach (var (who, token) in new[] { ("iren", tokens.Iren), ("openai", tokens.Lab) })
            {
                // An acceptance is not replayed by key: the one committed before the kill answers 409 (already accepted) when repeated.
                var status = await ProcessApi.SendAsync(http, token, HttpMethod.Post, $"api/v1/offtakes/{contract}/assignments/{assignment}/accept", null, null, ct);
                Assert.True(status.Code is HttpStatusCode.OK or HttpStatusCode.Conflict, $"{who}'s acceptance answered {status.Code}: {status.Text}");
                answers[$"accept-{who}-{rfq}"] = "done";
            }
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            // The server died under this chain.
        }
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, string token, string path, object body, string key, CancellationToken ct)
    {
        var (code, text, json) = await ProcessApi.SendAsync(http, token, HttpMethod.Post, path, JsonSerializer.Serialize(body), key, ct);
        Assert.True(code == HttpStatusCode.Created, $"POST {path} answered {code}: {text}");
        return json!.Value;
    }

    private static async Task<(HttpStatusCode Code, string Text, JsonElement? Json)> GetAsync(HttpClient http, string token, string path) =>
        await ProcessApi.SendAsync(http, token, HttpMethod.Get, path, null, null, CancellationToken.None);

}

public sealed class SqliteContractCrashTests : ContractCrashContract
{
    protected override string[] StoreArguments(TempDirectory data) => [];

    protected override System.Data.Common.DbConnection OpenStore(TempDirectory data) =>
        new SqliteConnection($"Data Source={data.File("exchange.db")};Mode=ReadOnly");
}

public sealed class PostgresContractCrashTests : ContractCrashContract
{
    private string? _connection;

    protected override string[] StoreArguments(TempDirectory data) => ["--db", _connection ??= PostgresServer.CreateDatabase("contractcrash")];

    protected override System.Data.Common.DbConnection OpenStore(TempDirectory data) => new Npgsql.NpgsqlConnection(_connection);
}
