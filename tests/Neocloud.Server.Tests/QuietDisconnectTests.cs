using System.Net;
using System.Net.Sockets;
using System.Text;
using Neocloud.Exchange.Access;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>
/// Clients that go away are not the server's errors (issue #29, finding 5): an event stream's client disconnecting, a
/// request body abandoned halfway and one that arrives too slowly leave nothing at warning or above in the server's log.
/// </summary>
public sealed class QuietDisconnectTests : IAsyncLifetime
{
    private readonly LogCapture _logs = new();
    private TestServer _server = null!;
    private RequestsInFlight _serving = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(o => o with { LogSink = _logs });
        _serving = new RequestsInFlight(_server);
    }

    public async Task DisposeAsync()
    {
        _serving.Dispose();
        await _server.DisposeAsync();
    }

    /// <summary>Waits until the server is done with every request (its logging included), then asserts it logged no problem.</summary>
    private async Task AssertNothingLoggedAsync()
    {
        await Eventually.UntilAsync(() => Task.FromResult(_serving.Active), active => active == 0, "every request ended");
        Assert.True(_logs.Problems.Count == 0, string.Join('\n', _logs.Problems));
    }

    [Fact]
    public async Task A_client_leaving_an_event_stream_logs_nothing()
    {
        using var client = _server.Client(await _server.NewOrganizationAsync("leaver", Scopes.MarketRead, Scopes.MarketTrade));
        for (var i = 0; i < 5; i++)
        {
            using var stream = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/events/stream"), HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
            if (i % 2 == 1)
            {
                // Leave after an event arrived too, not only while the stream is quiet.
                await Market.BidAsync(client, 1, 490_000, 490_010, "1.0000");
                var body = await stream.Content.ReadAsStreamAsync();
                Assert.True(await body.ReadAsync(new byte[1]) > 0);
            }
        }
        await AssertNothingLoggedAsync();
    }

    /// <summary>A POST whose headers promise 1,000 bytes of body, of which only the start is sent.</summary>
    private async Task<NetworkStream> StartPostAsync(TcpClient tcp)
    {
        await tcp.ConnectAsync(_server.Address.Host, _server.Address.Port);
        var stream = tcp.GetStream();
        var head = $"POST /api/v1/orders/bids HTTP/1.1\r\nHost: {_server.Address.Authority}\r\nAuthorization: Bearer {_server.AdminToken}\r\n" +
            "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"sku\":";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        return stream;
    }

    [Fact]
    public async Task A_request_body_abandoned_halfway_logs_nothing()
    {
        using (var tcp = new TcpClient())
        {
            await StartPostAsync(tcp);
            await Eventually.UntilAsync(() => Task.FromResult(_serving.Active), active => active == 1, "the POST being read");
        }
        await AssertNothingLoggedAsync();
    }

    [Fact]
    public async Task A_request_body_too_slow_to_arrive_gets_408_and_logs_nothing()
    {
        using var tcp = new TcpClient();
        var stream = await StartPostAsync(tcp);
        // Kestrel wants at least 240 bytes a second after a 5 s grace; this body stops, and the server answers.
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var status = await reader.ReadLineAsync().WaitAsync(Eventually.Patience);
        Assert.StartsWith("HTTP/1.1 408", status);
        await AssertNothingLoggedAsync();
    }
}
