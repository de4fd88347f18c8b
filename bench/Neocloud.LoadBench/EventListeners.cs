using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

/// <summary>
/// The listeners of the events bench: Server-Sent Events streams spread over the trading organizations, and webhooks
/// registered for them that post to an <see cref="HttpListener"/> here, which checks every signature. Each delivery's
/// latency is the time it arrived minus the event's <c>at</c> (when its command was applied, just before the commit).
/// They listen from the organizations' newest events on; disposing them closes the streams and deletes the hooks.
/// </summary>
internal sealed class EventListeners : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _streams = [];
    private readonly HttpListener? _receiver;
    private readonly Dictionary<string, byte[]> _secrets = [];
    private readonly List<(string Token, string Id)> _hooks = [];
    private HttpClient? _http;
    private readonly List<double> _streamLatencies = [];
    private readonly List<double> _hookLatencies = [];
    private volatile bool _counting = true;
    private long _lastArrivalTicks = Stopwatch.GetTimestamp();
    private int _badSignatures;

    private EventListeners(HttpListener? receiver) => _receiver = receiver;

    public int BadSignatures => _badSignatures;

    public Latency Stream => Of(_streamLatencies);

    public Latency Hooks => Of(_hookLatencies);

    public static async Task<EventListeners> StartAsync(Uri server, HttpClient http, IReadOnlyList<string> tokens, int subscribers, int webhooks)
    {
        HttpListener? receiver = null;
        var receiverUrl = "";
        if (webhooks > 0)
        {
            var port = FreePort();
            receiverUrl = $"http://127.0.0.1:{port}/hook/";
            receiver = new HttpListener();
            receiver.Prefixes.Add(receiverUrl);
            receiver.Start();
        }
        var listeners = new EventListeners(receiver);
        for (var i = 0; i < webhooks; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/webhooks")
            {
                Content = new StringContent(JsonSerializer.Serialize(new { url = receiverUrl + i, types = Array.Empty<string>(), description = $"bench {i}" }),
                    Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[i % tokens.Count]);
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"webhook: {(int)response.StatusCode} {text}");
            var hook = JsonDocument.Parse(text).RootElement;
            listeners._secrets[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Encoding.UTF8.GetBytes(hook.GetProperty("secret").GetString()!);
            listeners._hooks.Add((tokens[i % tokens.Count], hook.GetProperty("id").GetString()!));
        }
        // Several accept loops, so one slow answer does not hold up the other hooks' deliveries (each hook sends one at a time).
        for (var i = 0; receiver is not null && i < Math.Max(4, webhooks * 2); i++) listeners._streams.Add(listeners.ReceiveAsync(receiver));
        listeners._http = http;
        var streams = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = subscribers + 1 }) { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };
        // From each organization's newest event on (looked up once an organization, not once a stream).
        var heads = new Dictionary<string, long>();
        foreach (var token in tokens.Distinct()) heads[token] = await LastSeqAsync(http, token);
        for (var i = 0; i < subscribers; i++) listeners._streams.Add(listeners.FollowAsync(streams, tokens[i % tokens.Count], heads[tokens[i % tokens.Count]]));
        return listeners;
    }

    /// <summary>Arrivals from now on are not counted (the load has stopped; what arrives is the backlog).</summary>
    public void StopCounting() => _counting = false;

    /// <summary>Waits until nothing has arrived for a second (the listeners caught up), or <paramref name="limit"/>.</summary>
    public async Task DrainAsync(TimeSpan limit)
    {
        var until = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until && Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastArrivalTicks)) < TimeSpan.FromSeconds(1))
            await Task.Delay(100);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var (token, id) in _hooks)
        {
            using var request = new HttpRequestMessage(HttpMethod.Delete, $"api/v1/webhooks/{id}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await _http!.SendAsync(request);
        }
        _receiver?.Stop();
        try
        {
            await Task.WhenAll(_streams);
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException or HttpListenerException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task FollowAsync(HttpClient http, string token, long last)
    {
        using var stream = new HttpRequestMessage(HttpMethod.Get, $"api/v1/events/stream?after={last}");
        stream.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(stream, HttpCompletionOption.ResponseHeadersRead, _stop.Token);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(_stop.Token);
        // Light on purpose (this process shares two cores with the server): frames are counted by their blank line and
        // one in every 8 is parsed for its latency, rather than running a full SSE parser over every byte.
        using var reader = new StreamReader(body, Encoding.UTF8);
        var seen = 0;
        while (await reader.ReadLineAsync(_stop.Token) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
            if (seen++ % 8 == 0) Arrived(line[6..], _streamLatencies);
            else Interlocked.Exchange(ref _lastArrivalTicks, Stopwatch.GetTimestamp());
        }
    }

    private static async Task<long> LastSeqAsync(HttpClient http, string token)
    {
        long after = 0;
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/events?after={after}&limit=1000");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request);
            var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            if (page.GetProperty("events").GetArrayLength() == 0) return after;
            after = page.GetProperty("last").GetInt64();
        }
    }

    private async Task ReceiveAsync(HttpListener receiver)
    {
        while (!_stop.IsCancellationRequested)
        {
            var context = await receiver.GetContextAsync();
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var hook = context.Request.Url!.AbsolutePath.TrimEnd('/').Split('/')[^1];
            if (!Verified(hook, context.Request.Headers["Neocloud-Signature"], body)) Interlocked.Increment(ref _badSignatures);
            Arrived(body, _hookLatencies);
            context.Response.StatusCode = 204;
            context.Response.Close();
        }
    }

    private bool Verified(string hook, string? header, string body)
    {
        if (header is null || !_secrets.TryGetValue(hook, out var secret)) return false;
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("t", out var t) || !parts.TryGetValue("v1", out var v1)) return false;
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes($"{t}.{body}")));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(v1));
    }

    private void Arrived(string envelope, List<double> latencies)
    {
        Interlocked.Exchange(ref _lastArrivalTicks, Stopwatch.GetTimestamp());
        if (!_counting) return;
        // The envelope's "at" without parsing the whole event (this process shares the machine with the server).
        var start = envelope.IndexOf("\"at\":\"", StringComparison.Ordinal) + 6;
        var at = DateTimeOffset.Parse(envelope.AsSpan(start, envelope.IndexOf('"', start) - start), System.Globalization.CultureInfo.InvariantCulture);
        var latency = (DateTimeOffset.UtcNow - at).TotalMilliseconds;
        lock (latencies) latencies.Add(latency);
    }

    private static Latency Of(List<double> latencies)
    {
        double[] sorted;
        lock (latencies) sorted = [.. latencies.Order()];
        double At(double p) => sorted.Length == 0 ? 0 : Math.Round(sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))], 1);
        return new Latency(At(0.50), At(0.99), sorted.Length);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

internal sealed record Latency(double P50, double P99, int Count);
