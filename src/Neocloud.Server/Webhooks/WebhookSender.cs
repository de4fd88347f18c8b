using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Neocloud.Exchange.Events;
using Neocloud.Exchange.Webhooks;
using Neocloud.Server.Hosting;
using Neocloud.Storage;

namespace Neocloud.Server.Webhooks;

/// <summary>
/// Makes one signed POST to a webhook's receiver and says what came of it. The connection is made here, not by DNS
/// alone: the host is resolved at each connection and only addresses a webhook may reach are dialled (public ones, or
/// any for a host the operator allows), so a name that resolved to a public address when the hook was added cannot be
/// rebound to an internal one later. No redirects are followed; every request ends within <see cref="ServerOptions.WebhookTimeout"/>.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    /// <summary>The type of the test ping (never in the organization's feed).</summary>
    public const string TestType = "webhook.test";

    private readonly HttpClient _http;
    private readonly WebhookPolicy _policy;
    private readonly ServerOptions _options;
    private readonly TimeProvider _clock;

    public WebhookSender(WebhookPolicy policy, ServerOptions options, TimeProvider clock)
    {
        _policy = policy;
        _options = options;
        _clock = clock;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = options.WebhookTimeout,
            ConnectCallback = ConnectAsync,
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("Neocloud-Webhooks/1.0");
    }

    /// <summary>POSTs an event's envelope to the hook, signed with its secret.</summary>
    public Task<WebhookAttempt> SendAsync(WebhookRecord hook, StoredEvent e, CancellationToken cancellationToken) =>
        PostAsync(hook, e.Id, e.Type, EventView.Json(e), cancellationToken);

    /// <summary>POSTs a <c>webhook.test</c> ping (seq 0, not in the feed) to the hook, signed with its secret.</summary>
    public Task<WebhookAttempt> PingAsync(WebhookRecord hook, CancellationToken cancellationToken)
    {
        var data = JsonSerializer.Serialize(new WebhookPing(hook.Id, "a test delivery from Neocloud Exchange"), ApiJson.Options);
        var ping = new StoredEvent(0, ExchangeEvent.NewId(), TestType, _clock.GetUtcNow().ToUnixTimeMilliseconds(), data);
        return PostAsync(hook, ping.Id, ping.Type, EventView.Json(ping), cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    private async Task<WebhookAttempt> PostAsync(WebhookRecord hook, string eventId, string type, string body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation(WebhookSignature.Header, WebhookSignature.Of(hook.Secret, _clock.GetUtcNow().ToUnixTimeSeconds(), body));
        request.Headers.TryAddWithoutValidation("Neocloud-Event-Id", eventId);
        request.Headers.TryAddWithoutValidation("Neocloud-Event-Type", type);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.WebhookTimeout);
        var started = _clock.GetTimestamp();
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var code = (int)response.StatusCode;
            return new WebhookAttempt(code, Elapsed(started), response.IsSuccessStatusCode ? null : $"answered {code} {response.ReasonPhrase}".TrimEnd());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WebhookAttempt(null, Elapsed(started), $"no answer within {_options.WebhookTimeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException e)
        {
            return new WebhookAttempt(null, Elapsed(started), e.InnerException is { } inner && inner.Message.Length > 0 ? $"{e.Message} ({inner.Message})" : e.Message);
        }
    }

    private long Elapsed(long started) => (long)_clock.GetElapsedTime(started).TotalMilliseconds;

    /// <summary>Resolves the host now and dials only the addresses a webhook may reach (all of them for an allowed host).</summary>
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = await WebhookAddresses.ResolveAsync(host, cancellationToken);
        var usable = _policy.Allows(host) ? addresses : addresses.Where(WebhookAddresses.IsPublic).ToArray();
        if (usable.Length == 0)
            throw new HttpRequestException($"'{host}' resolves to no address a webhook may reach ({string.Join(", ", addresses.Select(a => a.ToString()))})");
        SocketException? last = null;
        foreach (var address in usable)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last!;
    }
}
