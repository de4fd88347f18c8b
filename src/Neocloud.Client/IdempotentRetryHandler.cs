using System.Net;

namespace Neocloud.Client;

/// <summary>
/// Gives every POST a fresh <c>Idempotency-Key</c> (unless the caller set one) and retries a request the exchange
/// answered 429 after its <c>Retry-After</c>, at most <see cref="MaxAttempts"/> times in all. The retry carries the same
/// key, so a command is applied once however often it is sent.
/// </summary>
public sealed class IdempotentRetryHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    /// <summary>The header the exchange deduplicates commands by.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>Attempts per request, the first included.</summary>
    public const int MaxAttempts = 3;

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method == HttpMethod.Post && !request.Headers.Contains(IdempotencyKeyHeader))
            request.Headers.Add(IdempotencyKeyHeader, Guid.NewGuid().ToString("N"));
        for (var attempt = 1; ; attempt++)
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt >= MaxAttempts) return response;
            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }
}
