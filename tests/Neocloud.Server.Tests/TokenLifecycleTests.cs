using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Neocloud.Exchange.Access;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>Tokens that expire, are rotated with a grace period for the old secret, and show when they were last used.</summary>
public sealed class TokenLifecycleTests : IAsyncLifetime
{
    private readonly TestClock _clock = new();
    private TestServer _server = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(options => options with { Clock = _clock });
        _admin = _server.Admin();
        (await _admin.PostAsJsonAsync("/api/v1/admin/organizations", new { id = "lifecycle", name = "Lifecycle" })).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _server.DisposeAsync();
    }

    private string At(TimeSpan fromNow) => (_clock.GetUtcNow() + fromNow).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private async Task<JsonElement> CreateAsync(object body) =>
        await Market.Created(await _admin.PostAsJsonAsync("/api/v1/admin/organizations/lifecycle/tokens", body));

    private async Task<HttpStatusCode> UseAsync(string secret)
    {
        using var client = _server.Client(secret);
        return (await client.GetAsync("/api/v1/orders")).StatusCode;
    }

    [Fact]
    public async Task A_token_works_until_it_expires_then_gets_401_saying_so()
    {
        var token = await CreateAsync(new { label = "ci", scopes = new[] { Scopes.MarketRead }, expiresAt = At(TimeSpan.FromHours(1)) });
        var secret = token.GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await UseAsync(secret));

        _clock.Advance(TimeSpan.FromMinutes(61));

        using var client = _server.Client(secret);
        var problem = await (await client.GetAsync("/api/v1/orders")).ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.StartsWith("the token expired at ", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_rotated_tokens_old_secret_works_for_the_grace_period_only()
    {
        var old = await CreateAsync(new { label = "deploy", scopes = new[] { Scopes.MarketRead } });
        var oldSecret = old.GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await UseAsync(oldSecret));

        var rotated = await Market.Created(await _admin.PostAsJsonAsync($"/api/v1/admin/tokens/{old.GetProperty("id").GetString()}/rotate", new { graceSeconds = 600 }));
        var newSecret = rotated.GetProperty("token").GetString()!;
        Assert.Equal(["market:read"], rotated.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(HttpStatusCode.OK, await UseAsync(oldSecret));
        Assert.Equal(HttpStatusCode.OK, await UseAsync(newSecret));

        _clock.Advance(TimeSpan.FromMinutes(11));

        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(oldSecret));
        Assert.Equal(HttpStatusCode.OK, await UseAsync(newSecret));
        // A token that no longer works cannot be rotated again.
        await (await _admin.PostAsJsonAsync($"/api/v1/admin/tokens/{old.GetProperty("id").GetString()}/rotate", new { graceSeconds = 0 })).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_token_list_shows_expiry_and_last_use()
    {
        var token = await CreateAsync(new { scopes = new[] { Scopes.MarketRead }, expiresAt = At(TimeSpan.FromDays(30)) });
        Assert.Equal(HttpStatusCode.OK, await UseAsync(token.GetProperty("token").GetString()!));
        var id = token.GetProperty("id").GetString();

        // The last use is written in the background: wait for it.
        var listed = await Eventually.UntilAsync(async () =>
            JsonDocument.Parse(await _admin.GetStringAsync("/api/v1/admin/organizations/lifecycle/tokens")).RootElement
                .GetProperty("items").EnumerateArray().Single(t => t.GetProperty("id").GetString() == id).Clone(),
            t => t.GetProperty("lastUsed").ValueKind != JsonValueKind.Null, $"token {id}'s last use");

        Assert.NotEqual(JsonValueKind.Null, listed.GetProperty("lastUsed").ValueKind);
        Assert.Equal(token.GetProperty("expiresAt").GetDateTimeOffset(), listed.GetProperty("expiresAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Bad_expiries_and_graces_name_the_field()
    {
        var past = await _admin.PostAsJsonAsync("/api/v1/admin/organizations/lifecycle/tokens", new { scopes = new[] { Scopes.MarketRead }, expiresAt = At(-TimeSpan.FromMinutes(1)) });
        var notATime = await _admin.PostAsJsonAsync("/api/v1/admin/organizations/lifecycle/tokens", new { scopes = new[] { Scopes.MarketRead }, expiresAt = "soon" });
        var token = await CreateAsync(new { scopes = new[] { Scopes.MarketRead } });
        var grace = await _admin.PostAsJsonAsync($"/api/v1/admin/tokens/{token.GetProperty("id").GetString()}/rotate", new { graceSeconds = -5 });
        var unknown = await _admin.PostAsJsonAsync("/api/v1/admin/tokens/tok_nope/rotate", new { graceSeconds = 0 });

        Assert.Equal(["expiresAt"], (await past.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(["expiresAt"], (await notATime.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(["graceSeconds"], (await grace.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        await unknown.ProblemAsync(HttpStatusCode.NotFound);
    }
}
