using System.Net.Http.Headers;

namespace Neocloud.Client;

/// <summary>
/// The HTTP connection the generated <see cref="ExchangeApiClient"/> runs on: the exchange's base address, the bearer
/// token, and <see cref="IdempotentRetryHandler"/> (an Idempotency-Key on every POST, retries after 429).
/// </summary>
public static class ExchangeHttp
{
    /// <summary>A client for the exchange at <paramref name="baseAddress"/> that sends <paramref name="token"/> on every request.</summary>
    /// <param name="baseAddress">The exchange's URL, e.g. <c>http://127.0.0.1:5080</c>; operation paths are relative to it.</param>
    /// <param name="token">An API token (<c>nc_…</c>).</param>
    /// <param name="inner">The handler that sends the requests (default: a new <see cref="HttpClientHandler"/>).</param>
    /// <param name="timeout">How long one request may take (default 30 s).</param>
    public static HttpClient Create(Uri baseAddress, string token, HttpMessageHandler? inner = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        // Operation paths are relative ("api/v1/…"), so the base must end with '/' to keep any path prefix it has.
        var address = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
        var http = new HttpClient(new IdempotentRetryHandler(inner ?? new HttpClientHandler()))
        {
            BaseAddress = address,
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>The typed client on <paramref name="http"/> (see <see cref="Create"/>).</summary>
    public static ExchangeApiClient Client(HttpClient http) => new(http);
}
