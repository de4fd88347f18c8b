using System.Data.Common;
using System.Net;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Neocloud.Exchange.Audit;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>
/// The durability promise for the configuration, against the real server process: kill -9 while organizations are
/// created, given tokens and rate limits, and their tokens rotated, for a dozen organizations at once; restart, retry
/// every command (with the same idempotency key where it takes one), and check that nothing acknowledged was lost,
/// nothing was applied twice, and the configuration's rows are exactly what the journal's facts write.
/// </summary>
public abstract class ConfigCrashContract
{
    private const int Organizations = 12;

    /// <summary>Extra <c>serve</c> arguments that choose the store.</summary>
    protected abstract string[] StoreArguments(TempDirectory data);

    /// <summary>A connection to the store the server wrote, for checks behind its back.</summary>
    protected abstract DbConnection OpenStore(TempDirectory data);

    [Fact]
    public async Task Kill_9_during_configuration_commands_loses_nothing_acknowledged_and_applies_nothing_twice()
    {
        using var data = new TempDirectory("neocloud-config-crash-");
        var store = StoreArguments(data);
        string admin;
        ServerProcess restarted;
        IReadOnlyDictionary<string, string> retried;
        using (var server = await ServerProcess.StartAsync(data.Path, store))
        {
            admin = server.AdminToken!;
            (restarted, retried) = await ProcessApi.KillMidwayAndRetryAsync(server, data.Path, store, killAt: Organizations * 4 / 2,
                (http, answers, ct) => Task.WhenAll(Enumerable.Range(0, Organizations).Select(i => ChainAsync(http, admin, i, answers, ct))));
        }

        using (restarted)
        {
            using var http = new HttpClient { BaseAddress = restarted.Address };
            var organizations = (await ProcessApi.SendAsync(http, admin, HttpMethod.Get, "api/v1/admin/organizations", null, null, CancellationToken.None)).Json!.Value;
            for (var i = 0; i < Organizations; i++)
            {
                var organization = Assert.Single(Items(organizations), o => o.GetProperty("id").GetString() == Id(i));
                Assert.Equal(RateLimit(i), organization.GetProperty("rateLimit").GetInt64());
                // One token issued and one rotated from it: a retry made neither again.
                var tokens = Items((await ProcessApi.SendAsync(http, admin, HttpMethod.Get, $"api/v1/admin/organizations/{Id(i)}/tokens", null, null, CancellationToken.None)).Json!.Value);
                Assert.Equal(new[] { retried[$"token-{i}"], retried[$"rotate-{i}"] }.Order(StringComparer.Ordinal),
                    tokens.Select(t => t.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
            }
        }

        await using var database = OpenStore(data);
        await database.OpenAsync();
        var facts = (await database.QueryAsync<string>("SELECT command FROM journal UNION ALL SELECT command FROM shard_journal")).ToList();
        foreach (var kind in new[] { "organization.created", "token.issued", "token.rotated" })
            Assert.Equal(Organizations, facts.Count(f => f.StartsWith($"{{\"book\":\"{kind}\"", StringComparison.Ordinal) && f.Contains("\"crash-", StringComparison.Ordinal)));
        var verified = await JournalVerifier.VerifyAsync(database, null);
        Assert.True(verified.Ok, string.Join("\n", verified.ReadModels.Select(p => $"{p.Table} {p.Key} {p.Column}: {p.Problem}")
            .Concat(verified.Journals.SelectMany(j => j.Problems.Select(p => $"{p.Sequence}: {p.Problem}")))));
    }

    private static string Id(int i) => $"crash-{i:00}";

    private static long RateLimit(int i) => 100 + i;

    private static IEnumerable<JsonElement> Items(JsonElement page) => page.GetProperty("items").EnumerateArray();

    /// <summary>
    /// One organization's set-up, each step keyed where it takes a key: create it, issue a token, set its rate limit (a
    /// PUT, the same however often), rotate the token. Records each step's answer (an id, or "done") once acknowledged;
    /// stops at the first request the server does not answer (it was killed).
    /// </summary>
    private static async Task ChainAsync(HttpClient http, string admin, int i, System.Collections.Concurrent.ConcurrentDictionary<string, string> answers, CancellationToken ct)
    {
        try
        {
            var created = await SendAsync(http, admin, HttpMethod.Post, "api/v1/admin/organizations", new { id = Id(i), name = $"Crash {i}" }, $"org-{i}", ct);
            Assert.True(created.Code == HttpStatusCode.Created, $"creating {Id(i)} answered {created.Code}: {created.Text}");
            answers[$"org-{i}"] = created.Json!.Value.GetProperty("id").GetString()!;
            var issued = await SendAsync(http, admin, HttpMethod.Post, $"api/v1/admin/organizations/{Id(i)}/tokens", new { label = "crash", scopes = new[] { "market:read" } }, $"token-{i}", ct);
            Assert.True(issued.Code == HttpStatusCode.Created, $"a token of {Id(i)} answered {issued.Code}: {issued.Text}");
            var token = issued.Json!.Value.GetProperty("id").GetString()!;
            answers[$"token-{i}"] = token;
            var limited = await SendAsync(http, admin, HttpMethod.Put, $"api/v1/admin/organizations/{Id(i)}/rate-limit", new { requestsPerSecond = RateLimit(i) }, null, ct);
            Assert.True(limited.Code == HttpStatusCode.OK, $"the rate limit of {Id(i)} answered {limited.Code}: {limited.Text}");
            answers[$"limit-{i}"] = limited.Json!.Value.GetProperty("rateLimit").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
            var rotated = await SendAsync(http, admin, HttpMethod.Post, $"api/v1/admin/tokens/{token}/rotate", new { graceSeconds = 60 }, $"rotate-{i}", ct);
            Assert.True(rotated.Code == HttpStatusCode.Created, $"rotating {token} answered {rotated.Code}: {rotated.Text}");
            answers[$"rotate-{i}"] = rotated.Json!.Value.GetProperty("id").GetString()!;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            // The server died under this chain.
        }
    }

    private static Task<(HttpStatusCode Code, string Text, JsonElement? Json)> SendAsync(HttpClient http, string token, HttpMethod method, string path, object body,
        string? key, CancellationToken ct) =>
        ProcessApi.SendAsync(http, token, method, path, JsonSerializer.Serialize(body), key, ct);
}

public sealed class SqliteConfigCrashTests : ConfigCrashContract
{
    protected override string[] StoreArguments(TempDirectory data) => [];

    protected override DbConnection OpenStore(TempDirectory data) => new SqliteConnection($"Data Source={data.File("exchange.db")};Mode=ReadOnly");
}

public sealed class PostgresConfigCrashTests : ConfigCrashContract
{
    private string? _connection;

    protected override string[] StoreArguments(TempDirectory data) => ["--db", _connection ??= PostgresServer.CreateDatabase("configcrash")];

    protected override DbConnection OpenStore(TempDirectory data) => new Npgsql.NpgsqlConnection(_connection);
}
