using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Neocloud.Exchange.Access;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>Rate limits the admin sets per organization: one bucket shared by all its tokens, changed and cleared at once.</summary>
public sealed class OrganizationRateLimitTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _admin = _server.Admin();
        foreach (var id in new[] { "throttled", "unthrottled" })
            (await _admin.PostAsJsonAsync("/api/v1/admin/organizations", new { id, name = id })).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<HttpClient> TokenOfAsync(string organization)
    {
        var token = await Market.Created(await _admin.PostAsJsonAsync($"/api/v1/admin/organizations/{organization}/tokens", new { scopes = new[] { Scopes.MarketRead } }));
        return _server.Client(token.GetProperty("token").GetString());
    }

    private static async Task<HttpResponseMessage> DrainAsync(HttpClient client)
    {
        // The default is 2,000 a second per token, so only the organization's own limit can refuse within 100 requests.
        for (var i = 0; i < 100; i++)
        {
            var response = await client.GetAsync("/api/v1/me");
            if (response.StatusCode == HttpStatusCode.TooManyRequests) return response;
        }
        throw new Xunit.Sdk.XunitException("100 requests in a row were let through");
    }

    [Fact]
    public async Task An_organizations_limit_is_shared_by_its_tokens_and_leaves_others_alone()
    {
        using var first = await TokenOfAsync("throttled");
        using var second = await TokenOfAsync("throttled");
        using var other = await TokenOfAsync("unthrottled");

        var set = await _admin.PutAsJsonAsync("/api/v1/admin/organizations/throttled/rate-limit", new { requestsPerSecond = 1 });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(1, (await set.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rateLimit").GetInt64());
        var listed = JsonDocument.Parse(await _admin.GetStringAsync("/api/v1/admin/organizations")).RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(1, listed.Single(o => o.GetProperty("id").GetString() == "throttled").GetProperty("rateLimit").GetInt64());
        Assert.Equal(JsonValueKind.Null, listed.Single(o => o.GetProperty("id").GetString() == "unthrottled").GetProperty("rateLimit").ValueKind);

        var refused = await DrainAsync(first);
        var problem = await refused.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("organization 'throttled' made more than 1 requests a second", problem.GetProperty("detail").GetString());
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));

        // The second token has not been used, yet its organization's bucket is empty. The bucket refills once a second, so
        // a refill may fall between the two requests: of three tries, at least one must find the bucket still empty.
        var secondRefused = false;
        for (var attempt = 0; attempt < 3 && !secondRefused; attempt++)
        {
            if (attempt > 0) await DrainAsync(first);
            secondRefused = (await second.GetAsync("/api/v1/me")).StatusCode == HttpStatusCode.TooManyRequests;
        }
        Assert.True(secondRefused, "a token of the organization got through right after its organization's bucket was emptied");
        for (var i = 0; i < 20; i++) Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/v1/me")).StatusCode);

        // Cleared: at once on this node, both tokens are back to the server's default.
        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync("/api/v1/admin/organizations/throttled/rate-limit")).StatusCode);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/api/v1/me")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/v1/me")).StatusCode);
        }
    }

    [Fact]
    public async Task Raising_a_limit_takes_effect_at_once()
    {
        using var token = await TokenOfAsync("throttled");
        (await _admin.PutAsJsonAsync("/api/v1/admin/organizations/throttled/rate-limit", new { requestsPerSecond = 1 })).EnsureSuccessStatusCode();
        await DrainAsync(token);

        (await _admin.PutAsJsonAsync("/api/v1/admin/organizations/throttled/rate-limit", new { requestsPerSecond = 1000 })).EnsureSuccessStatusCode();
        for (var i = 0; i < 50; i++) Assert.Equal(HttpStatusCode.OK, (await token.GetAsync("/api/v1/me")).StatusCode);
        (await _admin.DeleteAsync("/api/v1/admin/organizations/throttled/rate-limit")).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Bad_limits_name_the_field_and_unknown_organizations_are_404()
    {
        var zero = await _admin.PutAsJsonAsync("/api/v1/admin/organizations/throttled/rate-limit", new { requestsPerSecond = 0 });
        var text = await _admin.PutAsJsonAsync("/api/v1/admin/organizations/throttled/rate-limit", new { requestsPerSecond = "fast" });
        var missing = await _admin.PutAsJsonAsync("/api/v1/admin/organizations/throttled/rate-limit", new { });
        var unknownField = await _admin.PutAsJsonAsync("/api/v1/admin/organizations/throttled/rate-limit", new { requestsPerSecond = 5, burst = 9 });
        var unknown = await _admin.PutAsJsonAsync("/api/v1/admin/organizations/nobody/rate-limit", new { requestsPerSecond = 5 });
        var unknownClear = await _admin.DeleteAsync("/api/v1/admin/organizations/nobody/rate-limit");
        using var trader = await TokenOfAsync("unthrottled");
        var notAdmin = await trader.PutAsJsonAsync("/api/v1/admin/organizations/unthrottled/rate-limit", new { requestsPerSecond = 100000 });

        Assert.Equal(["requestsPerSecond"], (await zero.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(["requestsPerSecond"], (await text.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(["requestsPerSecond"], (await missing.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(["burst"], (await unknownField.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        await unknown.ProblemAsync(HttpStatusCode.NotFound);
        await unknownClear.ProblemAsync(HttpStatusCode.NotFound);
        await notAdmin.ProblemAsync(HttpStatusCode.Forbidden);
        var organization = JsonDocument.Parse(await _admin.GetStringAsync("/api/v1/admin/organizations")).RootElement.GetProperty("items").EnumerateArray()
            .Single(o => o.GetProperty("id").GetString() == "throttled");
        Assert.Equal(JsonValueKind.Null, organization.GetProperty("rateLimit").ValueKind);
    }
}
