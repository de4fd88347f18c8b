using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Neocloud.Cli.Client;

/// <summary>The exchange's REST API as the CLI uses it: JSON in, JSON out, every failure one readable line.</summary>
public sealed class ExchangeClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _url;

    public ExchangeClient(ClientConfig config, HttpMessageHandler? handler = null, TimeSpan? timeout = null)
    {
        if (!Uri.TryCreate(config.Url, UriKind.Absolute, out var baseUri) || (baseUri.Scheme != "http" && baseUri.Scheme != "https"))
            throw new UsageException($"--url: '{config.Url}' is not an http(s) URL");
        _url = config.Url;
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.BaseAddress = baseUri;
        _http.Timeout = timeout ?? TimeSpan.FromSeconds(30);
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", config.Token);
    }

    /// <summary>GETs a path and returns its JSON.</summary>
    public Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Get, path, null, cancellationToken);

    /// <summary>POSTs a JSON body with a fresh Idempotency-Key, so that the CLI's own retry cannot apply twice.</summary>
    public Task<JsonElement> PostAsync(string path, object body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, JsonSerializer.Serialize(body, JsonSerializerOptions.Web), cancellationToken);

    /// <summary>DELETEs a path.</summary>
    public Task<JsonElement> DeleteAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Delete, path, null, cancellationToken);

    public void Dispose() => _http.Dispose();

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, string? json, CancellationToken cancellationToken)
    {
        var key = Guid.NewGuid().ToString("N");
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, path.TrimStart('/'));
            if (json is not null)
            {
                request.Content = new StringContent(json, Encoding.UTF8, "application/json");
                request.Headers.Add("Idempotency-Key", key);
            }
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException e) when (e.InnerException is SocketException or IOException)
            {
                throw new UsageException($"cannot reach the exchange at {_url}: {e.InnerException?.Message ?? e.Message}");
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new UsageException($"the exchange at {_url} did not answer within {_http.Timeout.TotalSeconds:0} s");
            }
            using (response)
            {
                if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < 3)
                {
                    await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), cancellationToken);
                    continue;
                }
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.IsSuccessStatusCode)
                    return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
                throw new UsageException(Describe(response.StatusCode, text));
            }
        }
    }

    private static string Describe(HttpStatusCode status, string body)
    {
        if (status == HttpStatusCode.Unauthorized) return "the exchange refused the token (401): it is unknown or revoked; run 'neocloud login' again";
        try
        {
            var problem = JsonDocument.Parse(body).RootElement;
            var detail = problem.TryGetProperty("detail", out var d) ? d.GetString() : null;
            if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
                detail = string.Join("; ", errors.EnumerateObject().Select(e => $"{e.Name}: {string.Join(", ", e.Value.EnumerateArray().Select(v => v.GetString()))}"));
            var title = problem.TryGetProperty("title", out var t) ? t.GetString() : status.ToString();
            return $"{(int)status} {title}: {detail}";
        }
        catch (JsonException)
        {
            return $"the exchange answered {(int)status} {status}";
        }
    }
}
