using System.Text.Json.Nodes;
using Neocloud.Testing;

namespace Neocloud.Client.Tests;

/// <summary>
/// The checked-in <c>src/Neocloud.Client/openapi.json</c>, which the client is generated from, is the document a freshly
/// started server serves: an endpoint changed without refreshing it fails here, so the client cannot drift from the API.
/// </summary>
public sealed class OpenApiDocumentTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_checked_in_document_is_the_one_the_server_serves()
    {
        using var anonymous = _server.Client();
        var live = Normalized(JsonNode.Parse(await anonymous.GetStringAsync("/openapi/v1.json"))!);
        var path = Path.Combine(RepositoryRoot.Path, "src", "Neocloud.Client", "openapi.json");
        var checkedIn = Normalized(JsonNode.Parse(await File.ReadAllTextAsync(path))!);

        var difference = FirstDifference(checkedIn, live, "$");
        Assert.True(difference is null,
            $"src/Neocloud.Client/openapi.json differs from the server's /openapi/v1.json at {difference}: run scripts/openapi.sh to refresh it (the client is generated from it).");
    }

    [Fact]
    public async Task Every_success_answer_but_no_content_has_a_schema()
    {
        using var anonymous = _server.Client();
        var document = JsonNode.Parse(await anonymous.GetStringAsync("/openapi/v1.json"))!;

        var untyped = new List<string>();
        foreach (var (path, operations) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in operations!.AsObject())
            {
                foreach (var (status, response) in operation!["responses"]!.AsObject())
                {
                    if (!status.StartsWith('2') || status == "204") continue;
                    var content = response!["content"]?.AsObject();
                    if (content is null || content.Count == 0) untyped.Add($"{method.ToUpperInvariant()} {path} {status}: no content");
                    foreach (var (type, media) in content ?? [])
                    {
                        var schema = media!["schema"]?.AsObject();
                        if (schema is null || !(schema.ContainsKey("$ref") || schema.ContainsKey("type") || schema.ContainsKey("oneOf")))
                            untyped.Add($"{method.ToUpperInvariant()} {path} {status} {type}: no schema");
                    }
                }
            }
        }
        Assert.True(untyped.Count == 0, $"success answers without a schema (give the endpoint Produces<T>): {string.Join("; ", untyped)}");
    }

    /// <summary>The document without its <c>servers</c> entry, which names whatever port the server happened to use.</summary>
    private static JsonNode Normalized(JsonNode document)
    {
        document.AsObject().Remove("servers");
        return document;
    }

    /// <summary>The JSON path of the first place the two documents differ, or null if they are equal.</summary>
    private static string? FirstDifference(JsonNode? expected, JsonNode? actual, string path)
    {
        switch (expected, actual)
        {
            case (JsonObject e, JsonObject a):
                foreach (var name in e.Select(p => p.Key).Union(a.Select(p => p.Key)))
                {
                    if (!e.ContainsKey(name)) return $"{path}.{name} (only in the server's)";
                    if (!a.ContainsKey(name)) return $"{path}.{name} (only in the checked-in file)";
                    if (FirstDifference(e[name], a[name], $"{path}.{name}") is { } inner) return inner;
                }
                return null;
            case (JsonArray e, JsonArray a):
                if (e.Count != a.Count) return $"{path} ({e.Count} items checked in, {a.Count} served)";
                for (var i = 0; i < e.Count; i++)
                {
                    if (FirstDifference(e[i], a[i], $"{path}[{i}]") is { } inner) return inner;
                }
                return null;
            default:
                return JsonNode.DeepEquals(expected, actual) ? null : $"{path} ({expected?.ToJsonString() ?? "null"} checked in, {actual?.ToJsonString() ?? "null"} served)";
        }
    }
}
