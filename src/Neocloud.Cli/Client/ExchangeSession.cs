using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Neocloud.Client;

namespace Neocloud.Cli.Client;

/// <summary>
/// The exchange as the CLI's commands reach it: the generated <see cref="ExchangeApiClient"/> makes every call; a command
/// shows its typed answer (<see cref="CallAsync"/>, or <see cref="AnswerAsync"/> when it may be held for approval), and
/// <c>--json</c> the JSON the exchange sent, as sent (<see cref="AnswerJson"/>); every failure is one readable line (a
/// <see cref="UsageException"/>).
/// </summary>
public sealed class ExchangeSession : IDisposable
{
    private readonly HttpClient _http;
    private readonly AnswerRecorder _answers;
    private readonly string _url;
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

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

    /// <summary>The generated client.</summary>
    public ExchangeApiClient Api { get; }

    /// <summary>
    /// Makes one call that a second person may have to approve: its typed answer, or the approval it is held for (202,
    /// the answer then is the approval).
    /// </summary>
    /// <exception cref="UsageException">The exchange refused the call, could not be reached, or did not answer in time.</exception>
    public Task<Answer<T>> AnswerAsync<T>(Func<ExchangeApiClient, CancellationToken, Task<T>> call, CancellationToken cancellationToken) where T : class =>
        CallAsync<Answer<T>>(async (api, ct) =>
        {
            try
            {
                return new(await call(api, ct), null);
            }
            catch (ApiException<ApprovalView> held) when (held.StatusCode == (int)HttpStatusCode.Accepted)
            {
                return new(null, held.Result);
            }
        }, cancellationToken);

    /// <summary>
    /// Makes one call and reads the JSON the exchange answered it with as <typeparamref name="T"/>: for a command that shows
    /// the answer as a type of its own rather than the generated client's.
    /// </summary>
    /// <exception cref="UsageException">The exchange refused the call, could not be reached, or did not answer in time.</exception>
    public async Task<T> ReadAsync<T>(Func<ExchangeApiClient, CancellationToken, Task> call, JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        await CallAsync(async (api, ct) =>
        {
            await call(api, ct);
            return true;
        }, cancellationToken);
        return JsonSerializer.Deserialize<T>(_answers.Last ?? "null", options)
            ?? throw new UsageException("the exchange's answer does not match its API document: it is empty");
    }

    /// <summary>
    /// The last answer read as <typeparamref name="T"/> (the generated client's conventions): for an answer the generated
    /// client reads as another of the types the API document allows (a <c>oneOf</c>).
    /// </summary>
    public T ReadAnswer<T>() =>
        JsonSerializer.Deserialize<T>(_answers.Last ?? "null") ?? throw new UsageException("the exchange's answer does not match its API document: it is empty");

    /// <summary>The JSON of the last answer, exactly as the exchange sent it (indented); empty when it sent none.</summary>
    public string AnswerJson() => Indented(_answers.Last);

    /// <summary>
    /// The items of the array <paramref name="property"/> of the last answer, each as its JSON exactly as the exchange sent
    /// it (one line each): for <c>--json</c> output one item a line.
    /// </summary>
    public IReadOnlyList<string> AnswerLines(string property) =>
        JsonNode.Parse(_answers.Last ?? "null")?[property] is JsonArray items ? [.. items.Select(i => i?.ToJsonString() ?? "null")] : [];

    /// <summary>The JSON of every answer of this session, as the exchange sent them, in one array (indented).</summary>
    public string AnswersJson() => Indented($"[{string.Join(",", _answers.All)}]");

    private static string Indented(string? json) =>
        string.IsNullOrEmpty(json) ? "" : JsonNode.Parse(json)?.ToJsonString(s_indented) ?? "null";

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

    /// <summary>Keeps the body of every answer as text, and hands the client an equal copy to read.</summary>
    private sealed class AnswerRecorder(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private readonly List<string> _all = [];

        public string? Last { get; private set; }

        /// <summary>The non-empty answers to calls that succeeded, oldest first.</summary>
        public IReadOnlyList<string> All => _all;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            Last = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode && Last.Length > 0) _all.Add(Last);
            var copy = new StringContent(Last);
            copy.Headers.Clear();
            foreach (var header in response.Content.Headers) copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            response.Content = copy;
            return response;
        }
    }
}
