using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

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
}
