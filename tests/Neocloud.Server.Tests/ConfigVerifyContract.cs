using System.Data;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Neocloud.Exchange.Audit;
using Neocloud.Server.Hosting;
using Neocloud.Storage;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>
/// The configuration is on the journal: after organizations, rate limits, tokens issued, rotated and revoked, webhooks
/// added, removed and moved back, and procurements started and stopped over real HTTP, <c>journal verify</c>'s audit
/// finds their rows to be exactly what the journal's facts write (after every command); an edited, deleted or added row
/// is named by table, key and column, while what changes with use (a token's last use, a hook's cursor, a
/// procurement's next bid) is not checked (each tamper in a transaction rolled back, on SQLite and PostgreSQL).
/// </summary>
public abstract class ConfigVerifyContract : IAsyncLifetime
{
    private TestServer _server = null!;
    private HttpClient _admin = null!, _lab = null!;
    private readonly List<(string Step, IReadOnlyList<ReadModelProblem> Problems)> _afterEach = [];
    private string _token = null!, _hook = null!, _procurement = null!;

    /// <summary>Chooses the store.</summary>
    protected abstract ServerOptions Configure(ServerOptions options);

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(options => Configure(options) with { WebhookAllowHosts = ["127.0.0.1"] });
        _admin = _server.Admin();
        await StepAsync("bootstrap", () => Task.CompletedTask);
        await StepAsync("organization created", async () => await Created(_admin.PostAsJsonAsync("/api/v1/admin/organizations", new { id = "lab", name = "Lab" })));
        await StepAsync("rate limit set", async () =>
            (await _admin.PutAsJsonAsync("/api/v1/admin/organizations/lab/rate-limit", new { requestsPerSecond = 500 })).EnsureSuccessStatusCode());
        var issued = await Created(_admin.PostAsJsonAsync("/api/v1/admin/organizations/lab/tokens", new { label = "desk", scopes = new[] { "market:read", "market:trade" } }));
        _token = issued.GetProperty("id").GetString()!;
        _lab = _server.Client(issued.GetProperty("token").GetString());
        await StepAsync("token issued", () => Task.CompletedTask);
        var spare = (await Created(_admin.PostAsJsonAsync("/api/v1/admin/organizations/lab/tokens", new { scopes = new[] { "market:read" } }))).GetProperty("id").GetString();
        await StepAsync("token rotated", async () => await Created(_admin.PostAsJsonAsync($"/api/v1/admin/tokens/{spare}/rotate", new { graceSeconds = 60 })));
        await StepAsync("token revoked", async () => (await _admin.DeleteAsync($"/api/v1/admin/tokens/{spare}")).EnsureSuccessStatusCode());
        await StepAsync("rate limit cleared", async () => (await _admin.DeleteAsync("/api/v1/admin/organizations/lab/rate-limit")).EnsureSuccessStatusCode());
        await StepAsync("rate limit set again", async () =>
            (await _admin.PutAsJsonAsync("/api/v1/admin/organizations/lab/rate-limit", new { requestsPerSecond = 400 })).EnsureSuccessStatusCode());
        await StepAsync("webhook created", async () =>
            _hook = (await Created(_lab.PostAsJsonAsync("/api/v1/webhooks", new { url = "http://127.0.0.1:9/lab" }))).GetProperty("id").GetString()!);
        var removed = (await Created(_lab.PostAsJsonAsync("/api/v1/webhooks", new { url = "http://127.0.0.1:9/gone" }))).GetProperty("id").GetString();
        await StepAsync("webhook deleted", async () => (await _lab.DeleteAsync($"/api/v1/webhooks/{removed}")).EnsureSuccessStatusCode());
        await StepAsync("webhook redelivered", async () => (await _lab.PostAsync($"/api/v1/webhooks/{_hook}/redeliver?from=0", null)).EnsureSuccessStatusCode());
        var body = new { sku = "GB300", gpus = 8, horizonHours = 336, blockHours = 168, maxPrice = "3.10" };
        await StepAsync("procurement started", async () =>
            _procurement = (await Created(_lab.PostAsJsonAsync("/api/v1/procurements", body))).GetProperty("id").GetString()!);
        var stopped = (await Created(_lab.PostAsJsonAsync("/api/v1/procurements", body))).GetProperty("id").GetString();
        await StepAsync("procurement stopped", async () => (await _lab.DeleteAsync($"/api/v1/procurements/{stopped}")).EnsureSuccessStatusCode());
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public void The_configurations_rows_are_what_the_journals_facts_write_after_every_command()
    {
        Assert.Equal(13, _afterEach.Count);
        Assert.All(_afterEach, step => Assert.True(step.Problems.Count == 0,
            $"after {step.Step}: {string.Join("; ", step.Problems.Select(p => $"{p.Table} {p.Key} {p.Column}: {p.Problem}"))}"));
    }

    [Fact]
    public async Task Each_configuration_fact_is_one_journal_row_naming_its_actor_and_no_secret_in_clear()
    {
        await using var connection = await _server.Services.GetRequiredService<ExchangeStore>().OpenConnectionAsync();
        var rows = (await connection.QueryAsync<(string Actor, string Command)>(
            "SELECT organization_id, command FROM journal WHERE command LIKE '{\"book\":\"token.%' OR command LIKE '{\"book\":\"webhook.%' " +
            "OR command LIKE '{\"book\":\"organization.%' OR command LIKE '{\"book\":\"procurement.%'")).ToList();

        Assert.Contains(rows, r => r.Actor == "admin" && r.Command.Contains("\"token.rotated\"", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Actor == "lab" && r.Command.Contains("\"procurement.stopped\"", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Actor == "exchange" && r.Command.Contains("\"token.issued\"", StringComparison.Ordinal));
        Assert.All(rows, r => Assert.DoesNotContain("nc_", r.Command, StringComparison.Ordinal));
        Assert.All(rows, r => Assert.DoesNotContain("whsec_", r.Command, StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Command.Contains("\"webhook.created\"", StringComparison.Ordinal) && r.Command.Contains("dp1:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("api_tokens", "UPDATE api_tokens SET scopes = 'admin market:read' WHERE id = @token", "{token}", "scopes", "edited")]
    [InlineData("api_tokens", "DELETE FROM api_tokens WHERE id = @token", "{token}", null, "deleted")]
    [InlineData("api_tokens", "INSERT INTO api_tokens (id, organization_id, token_hash, scopes, label, created_ms) VALUES ('tok_forged', 'lab', @hash, 'admin', 'x', 1)",
        "tok_forged", null, "added")]
    [InlineData("organizations", "UPDATE organizations SET rate_limit = 1000000 WHERE id = 'lab'", "lab", "rate_limit", "edited")]
    [InlineData("webhooks", "UPDATE webhooks SET url = 'https://attacker.example.com/' WHERE id = @hook", "{hook}", "url", "edited")]
    [InlineData("procurements", "DELETE FROM procurement_misses WHERE procurement_id = @procurement; DELETE FROM procurement_blocks WHERE procurement_id = @procurement; " +
        "DELETE FROM procurements WHERE id = @procurement", "{procurement}", null, "deleted")]
    [InlineData("procurements", "UPDATE procurements SET max_price_ticks = max_price_ticks * 10 WHERE id = @procurement", "{procurement}", "max_price_ticks", "edited")]
    public async Task Every_edited_deleted_or_added_configuration_row_is_named(string table, string sql, string key, string? column, string kind)
    {
        var problems = await TamperedAsync(sql);

        var problem = Assert.Single(problems);
        Assert.Equal((table, Key(key), column), (problem.Table, problem.Key, problem.Column));
        Assert.StartsWith(kind, problem.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UPDATE api_tokens SET last_used_ms = 42 WHERE id = @token")]
    [InlineData("UPDATE webhooks SET cursor_seq = cursor_seq + 7, attempts = attempts + 3, failing_since_ms = 5, lease_owner = 'node-b' WHERE id = @hook")]
    [InlineData("UPDATE procurements SET next_bid = next_bid + 4 WHERE id = @procurement")]
    public async Task What_changes_with_use_is_not_verified(string sql)
    {
        var store = _server.Services.GetRequiredService<ExchangeStore>();
        await using var connection = await store.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead);
        Assert.Equal(1, await connection.ExecuteAsync(sql, Parameters, transaction));

        var verified = await JournalVerifier.VerifyAsync(connection, transaction);
        await transaction.RollbackAsync();

        Assert.Empty(verified.ReadModels);
    }

    private object Parameters => new { token = _token, hook = _hook, procurement = _procurement, hash = new byte[32] };

    private string Key(string key) => key.Replace("{token}", _token, StringComparison.Ordinal).Replace("{hook}", _hook, StringComparison.Ordinal)
        .Replace("{procurement}", _procurement, StringComparison.Ordinal);

    /// <summary>Runs a command, then records what the audit finds right after it.</summary>
    private async Task StepAsync(string step, Func<Task> command)
    {
        await command();
        await using var connection = await _server.Services.GetRequiredService<ExchangeStore>().OpenConnectionAsync();
        // One snapshot of the store, as the CLI reads it: the exchange keeps committing (time's ticks, a procurement's bids) meanwhile.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead);
        _afterEach.Add((step, (await JournalVerifier.VerifyAsync(connection, transaction)).ReadModels));
    }

    /// <summary>Runs <paramref name="sql"/> in a transaction, verifies inside it, rolls it back; the read-model problems found.</summary>
    private async Task<IReadOnlyList<ReadModelProblem>> TamperedAsync(string sql)
    {
        var store = _server.Services.GetRequiredService<ExchangeStore>();
        await using var connection = await store.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead);
        // One row of the table named (a procurement's deletion takes what it bought or missed with it).
        Assert.True(await connection.ExecuteAsync(sql, Parameters, transaction) >= 1);
        var verified = await JournalVerifier.VerifyAsync(connection, transaction);
        await transaction.RollbackAsync();
        Assert.False(verified.Ok);
        Assert.All(verified.Journals, j => Assert.True(j.Ok)); // the chain itself is intact: only a read model was touched
        return verified.ReadModels;
    }

    private static async Task<JsonElement> Created(Task<HttpResponseMessage> sending)
    {
        using var response = await sending;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}

public sealed class SqliteConfigVerifyTests : ConfigVerifyContract
{
    protected override ServerOptions Configure(ServerOptions options) => options;
}

public sealed class PostgresConfigVerifyTests : ConfigVerifyContract
{
    protected override ServerOptions Configure(ServerOptions options) =>
        options with { PostgresConnectionString = PostgresServer.CreateDatabase("config") };
}
