using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Neocloud.Exchange.Access;
using Neocloud.Server.Auth;
using Neocloud.Server.Hosting;
using Neocloud.Storage;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>
/// The audit trail over real HTTP (DESIGN.md "People, roles and approvals"), on SQLite and PostgreSQL: every command an
/// organization's callers journal shows with its sequence, time, actor, kind and summary; another organization never sees
/// it; the cursor pages without gaps or repeats.
/// </summary>
public abstract class AuditContract : IAsyncLifetime
{
    private const int S = Market.Start;
    private TestServer _server = null!;
    private HttpClient _meta = null!, _microsoft = null!;

    protected abstract ServerOptions Configure(ServerOptions options);

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(Configure);
        _meta = _server.Client(await _server.NewOrganizationAsync("meta", Scopes.Admin, Scopes.MarketRead, Scopes.MarketTrade));
        _microsoft = _server.Client(await _server.NewOrganizationAsync("microsoft", Scopes.Admin, Scopes.MarketRead, Scopes.MarketTrade));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task An_order_placed_with_a_token_shows_in_its_organizations_audit_with_the_token_its_kind_and_summary()
    {
        var token = await TokenIdAsync(_meta);
        var bid = await Market.BidAsync(_meta, 8, S, S + 24, "3.1000", region: "us-tx");
        var id = bid.GetProperty("order").GetProperty("id").GetString()!;
        (await _meta.DeleteAsync($"/api/v1/orders/{id}")).EnsureSuccessStatusCode();
        await Market.BidAsync(_microsoft, 4, S, S + 48, "2.5000");

        var audit = await AuditAsync(_meta);
        // Microsoft's own requests (its audit also holds the seeded contract the exchange recorded for it).
        var theirs = (await AuditAsync(_microsoft)).Where(e => e.GetProperty("actor").GetProperty("kind").GetString() == "token").ToList();

        Assert.Equal(["bid", "cancel"], audit.Select(e => e.GetProperty("kind").GetString()));
        Assert.Equal([$"bid 8 GB300 us-tx {Hour(S)}→{Hour(S + 24)} at 3.10", $"cancel {id}"], audit.Select(e => e.GetProperty("summary").GetString()));
        Assert.All(audit, e => Assert.Equal($$"""{"kind":"token","id":"{{token}}","name":"test"}""", e.GetProperty("actor").GetRawText()));
        var first = audit[0];
        Assert.True(audit[1].GetProperty("seq").GetInt64() > first.GetProperty("seq").GetInt64());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("shard").ValueKind);
        Assert.InRange(DateTimeOffset.Parse(first.GetProperty("time").GetString()!, CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-5),
            DateTimeOffset.UtcNow.AddMinutes(1));
        // Microsoft sees its own bid only, never Meta's rows.
        Assert.Equal([$"bid 4 GB300 {Hour(S)}→{Hour(S + 48)} at 2.50"], theirs.Select(e => e.GetProperty("summary").GetString()));
        Assert.Equal(await TokenIdAsync(_microsoft), Assert.Single(theirs).GetProperty("actor").GetProperty("id").GetString());
    }

    [Fact]
    public async Task The_administrators_configuration_is_in_its_audit_and_what_the_exchange_seeded_names_the_exchange()
    {
        using var admin = _server.Admin();
        var adminToken = await TokenIdAsync(admin);
        await Market.Created(await admin.PostAsJsonAsync("/api/v1/admin/organizations", new { id = "acme", name = "Acme Compute" }));

        var created = (await AuditAsync(admin)).Single(e => e.GetProperty("summary").GetString() == "organization acme (Acme Compute) created");
        // The Microsoft–IREN contract seeded at first start: recorded for Microsoft by the exchange itself, its reservations first.
        var seeded = (await AuditAsync(_microsoft)).Where(e => e.GetProperty("actor").GetProperty("kind").GetString() != "token").ToList();

        Assert.Equal(("organization.created", "token", adminToken, "bootstrap"), (created.GetProperty("kind").GetString(),
            created.GetProperty("actor").GetProperty("kind").GetString(), created.GetProperty("actor").GetProperty("id").GetString(),
            created.GetProperty("actor").GetProperty("name").GetString()));
        Assert.Equal("contract.awarded", seeded[^1].GetProperty("kind").GetString());
        Assert.StartsWith("contract otc-microsoft-iren", seeded[^1].GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.All(seeded[..^1], e => Assert.Equal("reserve", e.GetProperty("kind").GetString()));
        Assert.All(seeded, e => Assert.Equal("""{"kind":"exchange","id":"exchange","name":"exchange"}""", e.GetProperty("actor").GetRawText()));
    }

    [Fact]
    public async Task The_cursor_pages_without_gaps_or_repeats_and_bad_limits_are_refused()
    {
        for (var i = 0; i < 7; i++) await Market.BidAsync(_meta, 1 + i, S, S + 10, "1.0000");

        var all = (await AuditAsync(_meta, limit: 1000)).Select(e => e.GetProperty("seq").GetInt64()).ToList();
        var paged = (await AuditAsync(_meta, limit: 2)).Select(e => e.GetProperty("seq").GetInt64()).ToList();
        var past = await (await _meta.GetAsync($"/api/v1/audit?after={all[^1]}")).JsonAsync();

        Assert.Equal(7, all.Count);
        Assert.Equal(all, paged);
        Assert.Equal(all.Order(), all);
        Assert.Empty(past.GetProperty("items").EnumerateArray());
        Assert.Equal(["limit"], (await (await _meta.GetAsync("/api/v1/audit?limit=0")).ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(["limit"], (await (await _meta.GetAsync("/api/v1/audit?limit=1001")).ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
    }

    [Fact]
    public async Task A_token_without_the_admin_scope_may_not_read_the_audit()
    {
        using var trader = _server.Client(await _server.NewOrganizationAsync("meta", Scopes.MarketRead, Scopes.MarketTrade));

        await (await trader.GetAsync("/api/v1/audit")).ProblemAsync(HttpStatusCode.Forbidden);
    }

    private static async Task<string> TokenIdAsync(HttpClient client) => (await (await client.GetAsync("/api/v1/me")).JsonAsync()).GetProperty("token").GetString()!;

    /// <summary>Every row of the caller's audit trail, following the cursor a page of <paramref name="limit"/> at a time.</summary>
    private static Task<List<JsonElement>> AuditAsync(HttpClient client, int limit = 100) => Api.AllAsync(client, "/api/v1/audit", limit);

    /// <summary>An hour as the summaries write it: <c>2025-11-24T16</c>.</summary>
    private static string Hour(int hour) => DateTimeOffset.FromUnixTimeSeconds(hour * 3600L).UtcDateTime.ToString("yyyy-MM-dd'T'HH", CultureInfo.InvariantCulture);
}

public sealed class SqliteAuditTests : AuditContract
{
    protected override ServerOptions Configure(ServerOptions options) => options;
}

public sealed class PostgresAuditTests : AuditContract
{
    protected override ServerOptions Configure(ServerOptions options) => options with { PostgresConnectionString = PostgresServer.CreateDatabase("audit") };
}

/// <summary>
/// A journal row's actor is ledger: it survives a restart (the journal replayed) and <c>journal rebuild</c>, and
/// <c>journal verify</c> names the row whose actor was edited in the SQLite file.
/// </summary>
public sealed class AuditJournalTests
{
    private const int S = Market.Start;

    [Fact]
    public async Task The_actor_survives_a_restart_and_a_rebuild_and_verify_names_a_row_whose_actor_was_edited()
    {
        var server = await TestServer.StartAsync();
        var secret = await server.NewOrganizationAsync("meta", Scopes.Admin, Scopes.MarketRead, Scopes.MarketTrade);
        string first, restarted, rebuiltAudit;
        using (var meta = server.Client(secret))
        {
            await Market.BidAsync(meta, 8, S, S + 24, "3.1000");
            first = await AuditTextAsync(meta);
        }

        // Restarted (the journal replayed), the row reads as it did, and a new one after it names its actor too.
        server = await server.RestartAsync();
        using (var meta = server.Client(secret))
        {
            await Market.BidAsync(meta, 2, S, S + 24, "2.0000");
            restarted = await AuditTextAsync(meta);
        }
        await server.StopAsync();

        // Rebuilt from the journal alone, the exchange answers the audit byte for byte as the original.
        var rebuiltData = new TempDirectory("neocloud-audit-rebuilt-");
        var rebuild = await ServerProcess.RunToEndAsync("journal", "rebuild", "--data", server.DataDirectory, "--to", rebuiltData.Path);
        Assert.True(rebuild.ExitCode == 0, rebuild.Output + rebuild.Error);
        await using (var rebuilt = await TestServer.StartOnAsync(server.Options, rebuiltData, server.AdminToken))
        {
            using var meta = rebuilt.Client(secret);
            rebuiltAudit = await AuditTextAsync(meta);
        }

        var clean = await ServerProcess.RunToEndAsync("journal", "verify", "--data", server.DataDirectory);
        var audit = Items(restarted);
        var edited = audit[0].GetProperty("seq").GetInt64();
        await using (var file = new SqliteConnection($"Data Source={Path.Combine(server.DataDirectory, "exchange.db")};Pooling=False"))
        {
            await file.ExecuteAsync("UPDATE journal SET actor = @actor WHERE sequence = @edited",
                new { actor = new JournalActor(JournalActor.TokenKind, "tok_mallory", "test").Text, edited });
        }
        var tampered = await ServerProcess.RunToEndAsync("journal", "verify", "--data", server.DataDirectory);
        await (await server.StartAgainAsync()).DisposeAsync();

        Assert.Equal(2, audit.Count);
        Assert.Equal(Assert.Single(Items(first)).GetRawText(), audit[0].GetRawText());
        Assert.All(audit, e => Assert.Equal("token", e.GetProperty("actor").GetProperty("kind").GetString()));
        Assert.Equal(restarted, rebuiltAudit);
        Assert.True(clean.ExitCode == 0, clean.Output + clean.Error);
        Assert.Equal(1, tampered.ExitCode);
        Assert.Contains($"sequence {edited}: hash does not match", tampered.Output);
    }

    private static async Task<string> AuditTextAsync(HttpClient client) => await (await client.GetAsync("/api/v1/audit")).Content.ReadAsStringAsync();

    private static List<JsonElement> Items(string page) => [.. JsonDocument.Parse(page).RootElement.GetProperty("items").EnumerateArray()];
}

/// <summary>Who the journal names for a caller, from its principal.</summary>
public sealed class CallerActorTests
{
    [Fact]
    public void A_person_acts_as_its_subject_and_name_and_a_token_without_its_identity_as_its_id()
    {
        var person = new ClaimsPrincipal(new ClaimsIdentity([new Claim(Scopes.OrganizationClaim, "meta"), new Claim(Scopes.PersonClaim, "sub-1"),
            new Claim(Scopes.NameClaim, "Ana Souza"), new Claim(Scopes.RoleClaim, "trader")], "Bearer"));
        var token = new ClaimsPrincipal(new ClaimsIdentity([new Claim(Scopes.OrganizationClaim, "meta"), new Claim(Scopes.TokenClaim, "tok_1")], "Bearer"));

        Assert.Equal(new JournalActor(JournalActor.PersonKind, "sub-1", "Ana Souza"), person.Actor());
        Assert.Equal(new JournalActor(JournalActor.TokenKind, "tok_1", "tok_1"), token.Actor());
        Assert.Null(new ClaimsPrincipal(new ClaimsIdentity()).Actor());
    }
}
