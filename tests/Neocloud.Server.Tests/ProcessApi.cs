using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>Calls a server running as a child process (the crash tests'): a POST with a token that must succeed, and a new token.</summary>
public static class ProcessApi
{
    /// <summary>POSTs <paramref name="body"/> with <paramref name="token"/>; asserts a 2xx and returns the answer's JSON.</summary>
    public static async Task<JsonElement> PostAsync(HttpClient http, string token, string path, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A new token of <paramref name="organization"/> (created with it if new) with the scopes, made with the admin token.</summary>
    public static async Task<string> TokenAsync(HttpClient http, string admin, string organization, string label, params string[] scopes) =>
        (await PostAsync(http, admin, $"api/v1/admin/organizations/{organization}/tokens", JsonSerializer.Serialize(new { label, scopes })))
        .GetProperty("token").GetString()!;

    /// <summary>
    /// Sends a request with <paramref name="token"/> (and an Idempotency-Key when given) and returns whatever came back:
    /// the status, the text and its JSON when it is JSON.
    /// </summary>
    public static async Task<(System.Net.HttpStatusCode Code, string Text, JsonElement? Json)> SendAsync(HttpClient http, string token, HttpMethod method, string path,
        string? body, string? key, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        JsonElement? json = text.Length > 0 && text[0] is '{' or '[' ? JsonDocument.Parse(text).RootElement.Clone() : null;
        return (response.StatusCode, text, json);
    }

    /// <summary>
    /// The crash tests' middle: runs <paramref name="chains"/> (every command of the test, each recording its answer once
    /// acknowledged) against <paramref name="server"/>, kills it with -9 once <paramref name="killAt"/> answers came (some
    /// chains mid-way, some commands in flight), starts it again over <paramref name="data"/>, runs every chain again (the
    /// same idempotency keys) and asserts that each answer acknowledged before the kill is the answer after it. Returns the
    /// restarted server (the caller's to dispose) and the answers after the restart.
    /// </summary>
    public static async Task<(ServerProcess Restarted, IReadOnlyDictionary<string, string> Answers)> KillMidwayAndRetryAsync(ServerProcess server, string data,
        string[] store, int killAt, Func<HttpClient, System.Collections.Concurrent.ConcurrentDictionary<string, string>, CancellationToken, Task> chains)
    {
        var acknowledged = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        using (var http = new HttpClient { BaseAddress = server.Address })
        using (var load = new CancellationTokenSource())
        {
            var running = chains(http, acknowledged, load.Token);
            await Eventually.UntilAsync(() => Task.FromResult(acknowledged.Count), count => count >= killAt, "commands acknowledged before the kill");
            server.Kill();
            await load.CancelAsync();
            await running;
        }

        var before = new Dictionary<string, string>(acknowledged);
        var restarted = await ServerProcess.StartAsync(data, store);
        using var again = new HttpClient { BaseAddress = restarted.Address };
        var retried = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        await chains(again, retried, CancellationToken.None);
        foreach (var (step, answer) in before)
            Assert.True(retried.TryGetValue(step, out var now) && now == answer,
                $"{step} was acknowledged as {answer} before the kill, and is {(retried.TryGetValue(step, out var after) ? after : "missing")} after");
        return (restarted, retried);
    }
}
