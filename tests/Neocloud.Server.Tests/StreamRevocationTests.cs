using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Shard;
using Neocloud.Storage;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>
/// A token that stops working ends what it has open (issue #29, finding 4): its event stream and its long-poll end
/// within two seconds of its revocation through the admin API, of its expiry, and of this node reading a revocation
/// another node made (every <see cref="TokenDirectory.Lifetime"/>).
/// </summary>
public sealed class StreamRevocationTests : IAsyncLifetime
{
    private static readonly TimeSpan s_soon = TimeSpan.FromSeconds(2);
    private readonly TestClock _clock = new();
    private TestServer _server = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(o => o with { Clock = _clock });
        _admin = _server.Admin();
        (await _admin.PostAsJsonAsync("/api/v1/admin/organizations", new { id = "listener", name = "Listener" })).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<(string Id, HttpClient Client)> TokenAsync(TimeSpan? expiresIn = null)
    {
        var expiresAt = expiresIn is { } span ? (_clock.GetUtcNow() + span).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) : null;
        var token = await Market.Created(await _admin.PostAsJsonAsync("/api/v1/admin/organizations/listener/tokens",
            new { scopes = new[] { Scopes.MarketRead }, expiresAt }));
        return (token.GetProperty("id").GetString()!, _server.Client(token.GetProperty("token").GetString()));
    }

    /// <summary>An open event stream and a waiting long-poll of one token, both being served.</summary>
    private sealed record Open(HttpResponseMessage Stream, Task StreamEnded, Task<HttpResponseMessage> LongPoll) : IDisposable
    {
        public void Dispose() => Stream.Dispose();
    }

    private async Task<Open> OpenAsync(HttpClient client)
    {
        using var serving = new RequestsInFlight(_server);
        var stream = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/events/stream"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        var body = await stream.Content.ReadAsStreamAsync();
        var ended = Task.Run(async () =>
        {
            var buffer = new byte[256];
            while (await body.ReadAsync(buffer) > 0)
            {
            }
        });
        var poll = client.GetAsync("/api/v1/events?after=0&wait=30");
        await Eventually.UntilAsync(() => Task.FromResult(serving.Active), active => active == 2, "the stream and the long-poll being served");
        return new Open(stream, ended, poll);
    }

    private static async Task AssertEndSoonAsync(Open open, Stopwatch since, string refusal)
    {
        await open.StreamEnded.WaitAsync(Eventually.Patience);
        var streamEnded = since.Elapsed;
        var poll = await open.LongPoll.WaitAsync(Eventually.Patience);
        var pollEnded = since.Elapsed;
        var problem = await poll.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.StartsWith(refusal, problem.GetProperty("detail").GetString());
        Assert.True(streamEnded < s_soon, $"the stream ended {streamEnded.TotalSeconds:F1} s after");
        Assert.True(pollEnded < s_soon, $"the long-poll ended {pollEnded.TotalSeconds:F1} s after");
    }

    [Fact]
    public async Task Revoking_a_token_ends_its_open_stream_and_long_poll_within_two_seconds()
    {
        var (id, token) = await TokenAsync();
        using var client = token;
        using var open = await OpenAsync(client);

        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync($"/api/v1/admin/tokens/{id}")).StatusCode);
        await AssertEndSoonAsync(open, Stopwatch.StartNew(), "the token is unknown or revoked");
    }

    [Fact]
    public async Task A_token_expiring_ends_its_open_stream_and_long_poll_within_two_seconds()
    {
        var (_, token) = await TokenAsync(expiresIn: TimeSpan.FromHours(1));
        using var client = token;
        using var open = await OpenAsync(client);

        _clock.Advance(TimeSpan.FromMinutes(61));
        await AssertEndSoonAsync(open, Stopwatch.StartNew(), "the token expired at ");
    }

    [Fact]
    public async Task A_rotated_tokens_old_secret_ends_its_stream_when_the_grace_period_is_over()
    {
        var (id, token) = await TokenAsync();
        using var client = token;
        using var open = await OpenAsync(client);

        (await _admin.PostAsJsonAsync($"/api/v1/admin/tokens/{id}/rotate", new { graceSeconds = 600 })).EnsureSuccessStatusCode();
        Assert.False(open.StreamEnded.IsCompleted || open.LongPoll.IsCompleted, "the old secret works for the grace period");
        _clock.Advance(TimeSpan.FromMinutes(11));
        await AssertEndSoonAsync(open, Stopwatch.StartNew(), "the token expired at ");
    }

    [Fact]
    public async Task A_revocation_another_node_made_ends_the_stream_within_two_seconds()
    {
        var (id, token) = await TokenAsync();
        using var client = token;
        using var open = await OpenAsync(client);

        // Another node revokes it: this one hears nothing, and reads the held token again every second.
        var revoked = await ConfigJournal.SubmitAsync(_server.Services.GetRequiredService<IMarket>(), "admin", new TokenRevoked(id, _clock.GetUtcNow().ToUnixTimeMilliseconds()));
        Assert.True(revoked.IsAccepted, revoked.Failure?.Detail);
        _clock.Advance(TokenDirectory.HoldCheckEvery);
        await AssertEndSoonAsync(open, Stopwatch.StartNew(), "the token is unknown or revoked");
    }
}
