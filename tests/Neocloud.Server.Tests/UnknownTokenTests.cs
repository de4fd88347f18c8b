using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Neocloud.Exchange.Access;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>
/// Made-up tokens (issue #29, finding 1): refused without leaving anything behind in the server's memory, refused without
/// a store read when they cannot be a token, and a flood of them from one address throttled before authentication,
/// while requests with a working token keep the per-token limit alone.
/// </summary>
public sealed class UnknownTokenTests
{
    private static async Task<HttpStatusCode> HealthzAsync(HttpClient http, string token) => (await SendAsync(http, "/healthz", token)).StatusCode;

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    [Fact]
    public async Task Distinct_unknown_tokens_leave_nothing_in_the_token_cache()
    {
        await using var server = await TestServer.StartAsync(o => o with { AddressRateLimitPerSecond = 1_000_000, AddressRateLimitBurst = 1_000_000 });
        var tokens = server.Services.GetRequiredService<TokenDirectory>();
        using var admin = server.Admin();
        (await admin.GetAsync("/api/v1/me")).EnsureSuccessStatusCode();
        var cached = tokens.CachedTokens;
        var reads = tokens.StoreReads;

        using var http = server.Client();
        for (var i = 0; i < 500; i++) Assert.Equal(HttpStatusCode.OK, await HealthzAsync(http, TokenSecrets.NewSecret()));

        // Each one was looked up (it has a token's shape), and none of them stayed.
        Assert.Equal(reads + 500, tokens.StoreReads);
        Assert.Equal(cached, tokens.CachedTokens);
    }

    public static TheoryData<string> Malformed() =>
    [
        "garbage",
        "nc_" + new string('!', 43),
        "nc_" + new string('A', 42) + "=",
        // 43 base64url characters carry 258 bits; a token's 256 leave the last character's two low bits 0, so 'B' cannot end one.
        "nc_" + new string('A', 42) + "B",
        "xx_" + new string('A', 43),
    ];

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task A_token_that_cannot_be_one_is_refused_without_a_store_read(string token)
    {
        await using var server = await TestServer.StartAsync();
        var tokens = server.Services.GetRequiredService<TokenDirectory>();
        var reads = tokens.StoreReads;

        using var http = server.Client();
        Assert.Equal(HttpStatusCode.OK, await HealthzAsync(http, token));
        using var client = server.Client();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {token}");
        await (await client.GetAsync("/api/v1/me")).ProblemAsync(HttpStatusCode.Unauthorized);

        Assert.Equal(reads, tokens.StoreReads);
    }

    [Fact]
    public async Task A_flood_of_unknown_tokens_from_one_address_gets_429_before_they_are_looked_up()
    {
        await using var server = await TestServer.StartAsync(o => o with { AddressRateLimitPerSecond = 1, AddressRateLimitBurst = 5 });
        var tokens = server.Services.GetRequiredService<TokenDirectory>();
        var reads = tokens.StoreReads;
        var clock = Stopwatch.StartNew();

        using var http = server.Client();
        var refused = new List<HttpResponseMessage>();
        for (var i = 0; i < 50; i++)
        {
            var response = await SendAsync(http, i % 2 == 0 ? "/healthz" : "/api/v1/me", TokenSecrets.NewSecret());
            if (response.StatusCode == HttpStatusCode.TooManyRequests) refused.Add(response);
        }

        // A burst of 5, then 1 a second: the rest are refused, and a refused one costs no look-up.
        var allowed = 5 + (int)Math.Ceiling(clock.Elapsed.TotalSeconds) + 1;
        Assert.InRange(refused.Count, 50 - allowed, 50);
        Assert.InRange(tokens.StoreReads - reads, 0, allowed);
        Assert.True(refused[0].Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {refused[0].Headers.RetryAfter}");
        var problem = await refused[0].ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("this address made more than 1 requests a second without a working token", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Requests_with_a_working_token_do_not_count_against_their_address()
    {
        await using var server = await TestServer.StartAsync(o => o with { AddressRateLimitPerSecond = 1, AddressRateLimitBurst = 2 });
        using var admin = server.Admin();
        for (var i = 0; i < 50; i++) Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/me")).StatusCode);
    }
}
