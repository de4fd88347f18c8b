using System.Net;
using System.Text;
using System.Text.Json;

namespace Neocloud.Server.Tests;

/// <summary>Small helpers for calling the API and reading its JSON and problem documents.</summary>
public static class Api
{
    /// <summary>POSTs raw JSON text, optionally with an Idempotency-Key.</summary>
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, string json, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return client.SendAsync(request);
    }

    /// <summary>The body as a JSON document.</summary>
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts an RFC 9457 problem with this status, and returns it.</summary>
    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    /// <summary>Every item of a list, following its <c>next</c> cursor a page of <paramref name="limit"/> at a time.</summary>
    public static async Task<List<JsonElement>> AllAsync(HttpClient client, string path, int limit = 100)
    {
        var items = new List<JsonElement>();
        string? after = null;
        do
        {
            var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            var page = await (await client.GetAsync($"{path}{separator}limit={limit}{(after is null ? "" : $"&after={Uri.EscapeDataString(after)}")}")).JsonAsync();
            items.AddRange(page.GetProperty("items").EnumerateArray());
            after = page.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (after is not null);
        return items;
    }

    /// <summary>The field errors of a validation problem.</summary>
    public static IReadOnlyList<string> ErrorFields(this JsonElement problem) =>
        problem.TryGetProperty("errors", out var errors) ? errors.EnumerateObject().Select(e => e.Name).ToList() : [];
}
