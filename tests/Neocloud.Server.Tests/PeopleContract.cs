using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Neocloud.Exchange.Access;
using Neocloud.Server.Auth;
using Neocloud.Server.Identity;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>
/// People (DESIGN.md "People, roles and approvals") over real HTTP, against a real OpenID Connect provider on 127.0.0.1
/// (the development identity provider, OpenIddict): each role can do exactly what the permission table allows, the
/// refusals of forged, foreign, expired, unsigned and HMAC tokens, and four eyes from threshold to the command run.
/// </summary>
public sealed class PeopleContract : IAsyncLifetime
{
    private const int S = Market.Start;
    private const string Org = "microsoft";

    private static readonly DemoPerson[] s_people =
    [
        .. Roles.All.Select(role => Person(role, Org, role)),
        Person("asker", Org, Roles.Trader, Roles.Approver, Roles.Contracts),
        Person("checker", Org, Roles.Approver),
        Person("operator", Bootstrap.AdminOrganization, Roles.Admin),
        Person("stranger", "no-such-org", Roles.Trader),
    ];

    private DevelopmentIdentityProvider _idp = null!;
    private TestServer _server = null!;
    private Market _market = null!;

    private static DemoPerson Person(string name, string organization, params string[] roles) =>
        new($"{name}@{organization}", $"sub-{name}-{organization}", $"{name} of {organization}", $"{name}@{organization}.example", organization, roles);

    public async Task InitializeAsync()
    {
        _idp = await DevelopmentIdentityProvider.StartAsync(new DevelopmentIdentityProviderOptions { People = s_people }, CancellationToken.None);
        _server = await TestServer.StartAsync(o => o with { Oidc = new OidcSettings(_idp.Issuer, _idp.Audience) });
        _market = await Market.OpenAsync(_server);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _idp.DisposeAsync();
    }

    private async Task<HttpClient> SignInAsync(string name, string organization = Org) =>
        _server.Client(await _idp.PasswordTokenAsync($"{name}@{organization}"));

    /// <summary>One request per permission, whose answer is 403 exactly when the caller lacks it.</summary>
    private static readonly (Permission Permission, Func<HttpClient, Task<HttpResponseMessage>> Ask)[] s_probes =
    [
        (Permissions.Read, c => c.GetAsync("/api/v1/orders")),
        (Permissions.Trade, c => c.PostAsJsonAsync("/api/v1/orders/bids", new { })),
        (Permissions.Contracts, c => c.PostAsJsonAsync("/api/v1/rfqs", new { })),
        (Permissions.Fleet, c => c.PostAsJsonAsync("/api/v1/pools", new { })),
        (Permissions.Webhooks, c => c.GetAsync("/api/v1/webhooks")),
        (Permissions.OrganizationAdmin, c => c.PutAsJsonAsync("/api/v1/organization/approvals", new { })),
        (Permissions.Approve, c => c.PostAsync("/api/v1/approvals/apr_none/approve", null)),
        (Permissions.Operator, c => c.GetAsync("/api/v1/admin/organizations")),
    ];

    [Fact]
    public async Task Each_role_can_do_exactly_what_the_permission_table_allows_and_a_refusal_names_the_role()
    {
        foreach (var role in Roles.All)
        {
            var person = await SignInAsync(role);
            foreach (var (permission, ask) in s_probes)
            {
                var response = await ask(person);
                var allowed = permission.Roles.Contains(role) && !permission.OperatorOnly;
                if (allowed)
                {
                    Assert.True(response.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized),
                        $"{role} → {permission.Name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
                else
                {
                    var problem = await response.ProblemAsync(HttpStatusCode.Forbidden);
                    Assert.Contains($"'{permission.Roles[0]}'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
                }
            }
        }
        // The operator organization's admin administers the exchange; an organization's admin does not.
        Assert.Equal(HttpStatusCode.OK, (await (await SignInAsync("operator", Bootstrap.AdminOrganization)).GetAsync("/api/v1/admin/organizations")).StatusCode);
    }

    [Fact]
    public async Task Me_names_the_person_its_organization_and_roles()
    {
        var me = await (await (await SignInAsync("asker")).GetAsync("/api/v1/me")).JsonAsync();
        Assert.Equal(("person", "sub-asker-microsoft", "asker of microsoft", Org), (me.GetProperty("kind").GetString(), me.GetProperty("id").GetString(),
            me.GetProperty("name").GetString(), me.GetProperty("organization").GetString()));
        Assert.Equal([Roles.Approver, Roles.Contracts, Roles.Trader], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).Order());
        var token = await (await _market.Microsoft.GetAsync("/api/v1/me")).JsonAsync();
        Assert.Equal("token", token.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task A_person_of_an_organization_the_exchange_does_not_have_is_refused_403()
    {
        var stranger = await SignInAsync("stranger", "no-such-org");
        var problem = await (await stranger.GetAsync("/api/v1/orders")).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("no-such-org", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forged_foreign_expired_unsigned_and_hmac_tokens_are_refused_401_saying_why()
    {
        var now = DateTime.UtcNow;
        SecurityTokenDescriptor Claims(string issuer, string audience, DateTime expires) => new()
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", "sub-trader-microsoft"), new Claim("org", Org), new Claim("roles", Roles.Trader)]),
            IssuedAt = expires.AddHours(-2),
            NotBefore = expires.AddHours(-2),
            Expires = expires,
        };
        var handler = new JsonWebTokenHandler();
        var issuer = _idp.Issuer.ToString();
        string Signed(SecurityTokenDescriptor descriptor, SigningCredentials credentials)
        {
            descriptor.SigningCredentials = credentials;
            return handler.CreateToken(descriptor);
        }

        // Well made with the provider's own key: accepted, so each refusal below is for its one difference.
        var good = Signed(Claims(issuer, _idp.Audience, now.AddHours(1)), _idp.SigningCredentials);
        Assert.Equal(HttpStatusCode.OK, (await _server.Client(good).GetAsync("/api/v1/orders")).StatusCode);

        using var otherKey = RSA.Create(2048);
        var forgedKey = new RsaSecurityKey(otherKey) { KeyId = _idp.SigningCredentials.Key.KeyId };
        var cases = new (string Token, string Why)[]
        {
            (Signed(Claims(issuer, _idp.Audience, now.AddHours(1)), new SigningCredentials(forgedKey, SecurityAlgorithms.RsaSha256)), "signature"),
            (Signed(Claims("http://127.0.0.1:1/", _idp.Audience, now.AddHours(1)), _idp.SigningCredentials), "not issued by"),
            (Signed(Claims(issuer, "another-api", now.AddHours(1)), _idp.SigningCredentials), "audience"),
            (Signed(Claims(issuer, _idp.Audience, now.AddMinutes(-5)), _idp.SigningCredentials), "expired"),
            (Unsigned(Claims(issuer, _idp.Audience, now.AddHours(1))), "unsigned"),
            (Signed(Claims(issuer, _idp.Audience, now.AddHours(1)),
                new SigningCredentials(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)), SecurityAlgorithms.HmacSha256)), "HMAC"),
        };
        foreach (var (token, why) in cases)
        {
            var problem = await (await _server.Client(token).GetAsync("/api/v1/orders")).ProblemAsync(HttpStatusCode.Unauthorized);
            Assert.Contains(why, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>A JWT with <c>alg: none</c> and no signature.</summary>
    private static string Unsigned(SecurityTokenDescriptor descriptor)
    {
        static string Part(object value) => Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(value));
        var payload = new Dictionary<string, object>
        {
            ["iss"] = descriptor.Issuer, ["aud"] = descriptor.Audience, ["sub"] = "sub-trader-microsoft", ["org"] = Org, ["roles"] = Roles.Trader,
            ["exp"] = new DateTimeOffset(descriptor.Expires!.Value).ToUnixTimeSeconds(), ["nbf"] = new DateTimeOffset(descriptor.NotBefore!.Value).ToUnixTimeSeconds(),
        };
        return $"{Part(new { alg = "none", typ = "JWT" })}.{Part(payload)}.";
    }

    [Fact]
    public async Task A_bid_at_the_threshold_waits_for_another_approver_then_runs_as_of_the_approval()
    {
        var admin = await SignInAsync(Roles.Admin);
        var asker = await SignInAsync("asker");
        var checker = await SignInAsync("checker");
        await Market.AskAsync(_market.Iren, 8, S, S + 10, "2.0000");
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/v1/organization/approvals", new { thresholdUsd = "100.00" })).StatusCode);

        // 8 × 10 × 2.5 = 200 ≥ 100: held, and nothing reaches the market.
        var held = await asker.PostAsJsonAsync("/api/v1/orders/bids", new { sku = "GB300", gpus = 8, start = S, end = S + 10, limit = "2.5000" });
        Assert.Equal(HttpStatusCode.Accepted, held.StatusCode);
        var approval = await held.JsonAsync();
        var id = approval.GetProperty("approval").GetString()!;
        Assert.Equal(("pending", "bid", "200.00", "person", "sub-asker-microsoft"), (approval.GetProperty("status").GetString(), approval.GetProperty("kind").GetString(),
            approval.GetProperty("valueUsd").GetString(), approval.GetProperty("requestedBy").GetProperty("kind").GetString(),
            approval.GetProperty("requestedBy").GetProperty("id").GetString()));
        Assert.Empty((await (await asker.GetAsync("/api/v1/orders")).JsonAsync()).GetProperty("items").EnumerateArray());
        var queue = await (await checker.GetAsync("/api/v1/approvals?status=pending")).JsonAsync();
        Assert.Equal([id], queue.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("approval").GetString()));
        var events = await (await _market.Microsoft.GetAsync("/api/v1/events?limit=1000")).JsonAsync();
        Assert.Contains(events.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "approval.requested");

        // Below the threshold a bid runs at once; another organization never sees the approval.
        Assert.Equal(HttpStatusCode.Created, (await asker.PostAsJsonAsync("/api/v1/orders/bids", new { sku = "GB300", gpus = 1, start = S, end = S + 10, limit = "0.5000" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _market.Meta.GetAsync($"/api/v1/approvals/{id}")).StatusCode);

        // Not by the one who asked, nor by a token (whatever its scopes).
        var own = await (await asker.PostAsync($"/api/v1/approvals/{id}/approve", null)).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("cannot approve", own.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await (await _market.Microsoft.PostAsync($"/api/v1/approvals/{id}/approve", null)).ProblemAsync(HttpStatusCode.Forbidden);
        await (await _server.Admin().PostAsync($"/api/v1/approvals/{id}/approve", null)).ProblemAsync(HttpStatusCode.Forbidden);

        var approved = await (await checker.PostAsync($"/api/v1/approvals/{id}/approve", null)).JsonAsync();
        Assert.Equal(("executed", "sub-checker-microsoft"), (approved.GetProperty("status").GetString(), approved.GetProperty("decidedBy").GetProperty("id").GetString()));
        Assert.Equal("filled", approved.GetProperty("result").GetProperty("order").GetProperty("status").GetString());
        Assert.Equal(2, (await (await asker.GetAsync("/api/v1/orders")).JsonAsync()).GetProperty("items").GetArrayLength());
        // Decided once: a second approval is a conflict.
        await (await (await SignInAsync(Roles.Approver)).PostAsync($"/api/v1/approvals/{id}/approve", null)).ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task An_approval_decided_but_not_run_when_the_node_stopped_runs_its_command_once_when_approved_again()
    {
        var admin = await SignInAsync(Roles.Admin);
        await Market.AskAsync(_market.Iren, 8, S, S + 10, "2.0000");
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/v1/organization/approvals", new { thresholdUsd = "100.00" })).StatusCode);
        var held = await (await SignInAsync("asker")).PostAsJsonAsync("/api/v1/orders/bids", new { sku = "GB300", gpus = 8, start = S, end = S + 10, limit = "2.5000" });
        var id = (await held.JsonAsync()).GetProperty("approval").GetString()!;

        // What a stop between the two commits leaves: the approval journaled as approved, its command not run.
        var market = _server.Services.GetRequiredService<Neocloud.Exchange.Shard.IMarket>();
        var decided = new Neocloud.Storage.ApprovalDecided(id, Org, Neocloud.Storage.ApprovalRecord.Approved,
            new Neocloud.Storage.JournalActor(Neocloud.Storage.JournalActor.PersonKind, "sub-checker-microsoft", "checker of microsoft").Text, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.True((await ConfigJournal.SubmitAsync(market, Org, decided)).IsAccepted);
        Assert.Equal("approved", (await (await admin.GetAsync($"/api/v1/approvals/{id}")).JsonAsync()).GetProperty("status").GetString());
        Assert.Empty((await (await admin.GetAsync("/api/v1/orders")).JsonAsync()).GetProperty("items").EnumerateArray());

        var checker = await SignInAsync("checker");
        var ran = await (await checker.PostAsync($"/api/v1/approvals/{id}/approve", null)).JsonAsync();
        Assert.Equal("executed", ran.GetProperty("status").GetString());
        await (await checker.PostAsync($"/api/v1/approvals/{id}/approve", null)).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Single((await (await admin.GetAsync("/api/v1/orders")).JsonAsync()).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_rejected_command_never_runs_and_a_token_above_the_threshold_is_held_too()
    {
        var admin = await SignInAsync(Roles.Admin);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/v1/organization/approvals", new { thresholdUsd = "1000.00" })).StatusCode);
        var held = await _market.Microsoft.PostAsJsonAsync("/api/v1/orders/bids", new { sku = "GB300", gpus = 100, start = S, end = S + 100, limit = "3.0000" });
        Assert.Equal(HttpStatusCode.Accepted, held.StatusCode);
        var id = (await held.JsonAsync()).GetProperty("approval").GetString()!;
        Assert.Equal("token", (await held.JsonAsync()).GetProperty("requestedBy").GetProperty("kind").GetString());

        var rejected = await (await (await SignInAsync("checker")).PostAsync($"/api/v1/approvals/{id}/reject", null)).JsonAsync();
        Assert.Equal("rejected", rejected.GetProperty("status").GetString());
        Assert.Empty((await (await _market.Microsoft.GetAsync("/api/v1/orders")).JsonAsync()).GetProperty("items").EnumerateArray());
        await (await (await SignInAsync(Roles.Approver)).PostAsync($"/api/v1/approvals/{id}/approve", null)).ProblemAsync(HttpStatusCode.Conflict);

        // Cleared, nothing waits.
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/v1/organization/approvals", new { thresholdUsd = (string?)null })).StatusCode);
        Assert.Equal(HttpStatusCode.Created,
            (await _market.Microsoft.PostAsJsonAsync("/api/v1/orders/bids", new { sku = "GB300", gpus = 100, start = S, end = S + 100, limit = "3.0000" })).StatusCode);
    }

    [Fact]
    public async Task An_approval_after_the_buyers_credit_ran_out_is_refused_with_the_credit_problem()
    {
        var admin = await SignInAsync(Roles.Admin);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/v1/organization/approvals", new { thresholdUsd = "100.00" })).StatusCode);
        var held = await (await SignInAsync("asker")).PostAsJsonAsync("/api/v1/orders/bids", new { sku = "GB300", gpus = 8, start = S, end = S + 10, limit = "2.5000" });
        var id = (await held.JsonAsync()).GetProperty("approval").GetString()!;

        // Meanwhile the limit drops below the bid's 200.00.
        Assert.Equal(HttpStatusCode.OK, (await _server.Admin().PutAsJsonAsync($"/api/v1/admin/organizations/{Org}/credit", new { limitUsd = "50.00" })).StatusCode);
        var problem = await (await (await SignInAsync("checker")).PostAsync($"/api/v1/approvals/{id}/approve", null)).ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(["credit"], problem.ErrorFields());
        var after = await (await _market.Microsoft.GetAsync($"/api/v1/approvals/{id}")).JsonAsync();
        Assert.Equal("failed", after.GetProperty("status").GetString());
        Assert.Empty((await (await _market.Microsoft.GetAsync("/api/v1/orders")).JsonAsync()).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_threshold_is_set_by_the_organizations_admin_with_a_named_field_for_bad_input()
    {
        var admin = await SignInAsync(Roles.Admin);
        var problem = await (await admin.PutAsJsonAsync("/api/v1/organization/approvals", new { thresholdUsd = "-5" })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["thresholdUsd"], problem.ErrorFields());
        var set = await (await admin.PutAsJsonAsync("/api/v1/organization/approvals", new { thresholdUsd = "2500000.00" })).JsonAsync();
        Assert.Equal("2500000.00", set.GetProperty("thresholdUsd").GetString());
        var read = await (await (await SignInAsync(Roles.Viewer)).GetAsync("/api/v1/organization/approvals")).JsonAsync();
        Assert.Equal("2500000.00", read.GetProperty("thresholdUsd").GetString());
        await (await (await SignInAsync(Roles.Trader)).PutAsJsonAsync("/api/v1/organization/approvals", new { thresholdUsd = "1.00" })).ProblemAsync(HttpStatusCode.Forbidden);
    }
}
