using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Neocloud.Client;

namespace Neocloud.Cli.Client;

/// <summary>
/// The exchange as the CLI's commands reach it: the generated <see cref="ExchangeApiClient"/> makes every call; a command
/// reads its typed answer (<see cref="CallAsync"/>) or the JSON the exchange sent (<see cref="AnswerAsync"/>, so tables and
/// <c>--json</c> show exactly that), and every failure is one readable line (a <see cref="UsageException"/>).
/// </summary>
public sealed class ExchangeSession : IDisposable
{
    private readonly HttpClient _http;
    private readonly AnswerRecorder _answers;
    private readonly string _url;

    /// <summary>A session with the exchange and token of <paramref name="config"/>.</summary>
    /// <exception cref="UsageException">The URL is not an http(s) URL.</exception>
    public ExchangeSession(ClientConfig config, HttpMessageHandler? handler = null, TimeSpan? timeout = null)
    {
        if (!Uri.TryCreate(config.Url, UriKind.Absolute, out var baseUri) || (baseUri.Scheme != "http" && baseUri.Scheme != "https"))
            throw new UsageException($"--url: '{config.Url}' is not an http(s) URL");
        _url = config.Url;
        _answers = new AnswerRecorder(handler ?? new HttpClientHandler());
        _http = ExchangeHttp.Create(baseUri, config.Token, _answers, timeout);
        Api = ExchangeHttp.Client(_http);
    }

    /// <summary>The generated client, for calls made through <see cref="AnswerAsync"/>.</summary>
    public ExchangeApiClient Api { get; }

    /// <summary>Makes one call and returns the JSON the exchange answered it with, as sent.</summary>
    /// <exception cref="UsageException">The exchange refused the call, could not be reached, or did not answer in time.</exception>
    public async Task<JsonElement> AnswerAsync(Func<ExchangeApiClient, CancellationToken, Task> call, CancellationToken cancellationToken)
    {
        await CallAsync(async (api, ct) =>
        {
            try
            {
                await call(api, ct);
            }
            catch (ApiException<ApprovalView> held) when (held.StatusCode == (int)HttpStatusCode.Accepted)
            {
                // Held for a second person's approval: the answer (the approval) is what the command shows.
            }
            return true;
        }, cancellationToken);
        var text = _answers.Last;
        return string.IsNullOrEmpty(text) ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Makes one call and returns the generated client's typed answer.</summary>
    /// <exception cref="UsageException">The exchange refused the call, could not be reached, or did not answer in time.</exception>
    public async Task<T> CallAsync<T>(Func<ExchangeApiClient, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call(Api, cancellationToken);
        }
        catch (ApiException e)
        {
            throw new UsageException(Describe(e));
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException or IOException)
        {
            throw new UsageException($"cannot reach the exchange at {_url}: {e.InnerException?.Message ?? e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new UsageException($"the exchange at {_url} did not answer within {_http.Timeout.TotalSeconds:0} s");
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>A refusal as one line: the problem's status, title and the fields it names (or its detail).</summary>
    private static string Describe(ApiException e)
    {
        var status = (HttpStatusCode)e.StatusCode;
        if (status == HttpStatusCode.Unauthorized) return "the exchange refused the token (401): it is unknown or revoked; run 'neocloud login' again";
        if (e.StatusCode is >= 200 and < 300) return $"the exchange's answer does not match its API document: {e.Message.Split('\n')[0]}";
        var problem = e is ApiException<Problem> typed ? typed.Result : ReadProblem(e.Response);
        if (problem is null) return $"the exchange answered {e.StatusCode} {status}";
        var detail = problem.Errors is { Count: > 0 } errors
            ? string.Join("; ", errors.Select(f => $"{f.Key}: {string.Join(", ", f.Value)}"))
            : problem.Detail;
        return $"{e.StatusCode} {problem.Title ?? status.ToString()}: {detail}";
    }

    private static Problem? ReadProblem(string? body)
    {
        if (string.IsNullOrEmpty(body)) return null;
        try
        {
            return JsonSerializer.Deserialize<Problem>(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Keeps the body of the last answer as text, and hands the client an equal copy to read.</summary>
    private sealed class AnswerRecorder(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public string? Last { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            Last = await response.Content.ReadAsStringAsync(cancellationToken);
            var copy = new StringContent(Last);
            copy.Headers.Clear();
            foreach (var header in response.Content.Headers) copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            response.Content = copy;
            return response;
        }
    }
}
