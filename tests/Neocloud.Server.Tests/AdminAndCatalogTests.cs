using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

public sealed class AdminAndCatalogTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task First_start_seeds_the_reference_organizations()
    {
        using var admin = _server.Admin();
        var page = await (await admin.GetAsync("/api/v1/admin/organizations?limit=1000")).JsonAsync();
        var ids = page.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("id").GetString()).ToList();
        Assert.Contains("iren", ids);
        Assert.Contains("microsoft", ids);
        Assert.Contains("admin", ids);
    }

    [Fact]
    public async Task One_machine_shows_itself_as_one_node_holding_every_market_group_in_one_shard()
    {
        using var admin = _server.Admin();
        var cluster = await (await admin.GetAsync("/api/v1/cluster")).JsonAsync();
        var node = Assert.Single(cluster.GetProperty("nodes").EnumerateArray());
        Assert.Equal("local", node.GetProperty("id").GetString());
        Assert.Equal("active", node.GetProperty("status").GetString());
        var shard = Assert.Single(cluster.GetProperty("shards").EnumerateArray());
        Assert.Equal("all", shard.GetProperty("group").GetString());
        Assert.True(shard.GetProperty("sequence").GetInt64() > 0, "the seeded pools are journaled");

        var trader = await _server.NewOrganizationAsync("cluster-reader", "market:read");
        using var reader = _server.Client(trader);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync("/api/v1/cluster")).StatusCode);
    }

    [Fact]
    public async Task Catalog_skus_name_their_market_group()
    {
        using var admin = _server.Admin();
        var skus = (await (await admin.GetAsync("/api/v1/catalog/skus?limit=100")).JsonAsync()).GetProperty("items").EnumerateArray()
            .ToDictionary(s => s.GetProperty("id").GetString()!, s => s.GetProperty("marketGroup").GetString());
        Assert.Equal("rack-blackwell", skus["GB300"]);
        Assert.Equal("rack-blackwell", skus["GB200"]);
        Assert.Equal("hgx-blackwell", skus["B200"]);
        Assert.Equal("hopper", skus["H200"]);
        Assert.Equal("instinct", skus["MI355X"]);
    }

    [Fact]
    public async Task Lists_page_with_a_cursor()
    {
        using var admin = _server.Admin();
        var first = await (await admin.GetAsync("/api/v1/catalog/skus?limit=4")).JsonAsync();
        var next = first.GetProperty("next").GetString();
        var second = await (await admin.GetAsync($"/api/v1/catalog/skus?limit=100&after={next}")).JsonAsync();

        Assert.Equal(4, first.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);
        var all = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(s => s.GetProperty("id").GetString()).ToList();
        Assert.Equal(all.Distinct().Count(), all.Count);
        Assert.Equal(9, all.Count);
        await (await admin.GetAsync("/api/v1/catalog/skus?limit=0")).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Catalog_reads_carry_an_etag_and_answer_304_when_unchanged()
    {
        using var admin = _server.Admin();
        var first = await admin.GetAsync("/api/v1/catalog/sites/iren-childress");
        var tag = first.Headers.ETag;
        Assert.NotNull(tag);

        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/catalog/sites/iren-childress");
        request.Headers.IfNoneMatch.Add(tag);
        Assert.Equal(HttpStatusCode.NotModified, (await admin.SendAsync(request)).StatusCode);
        await (await admin.GetAsync("/api/v1/catalog/sites/nowhere")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Creating_an_organization_twice_with_one_idempotency_key_applies_once()
    {
        using var admin = _server.Admin();
        var first = await admin.PostJsonAsync("/api/v1/admin/organizations", """{"id":"crusoe-2","name":"Crusoe"}""", "key-1");
        var retry = await admin.PostJsonAsync("/api/v1/admin/organizations", """{"id":"crusoe-2","name":"Crusoe"}""", "key-1");
        var reused = await admin.PostJsonAsync("/api/v1/admin/organizations", """{"id":"other","name":"Other"}""", "key-1");
        var again = await admin.PostJsonAsync("/api/v1/admin/organizations", """{"id":"crusoe-2","name":"Crusoe"}""");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        await reused.ProblemAsync(HttpStatusCode.UnprocessableEntity);
        await again.ProblemAsync(HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("{\"id\":\"x\"", "Malformed JSON")]
    [InlineData("[1,2]", null)]
    [InlineData("{\"id\":5,\"name\":\"x\"}", "id")]
    [InlineData("{\"id\":\"has space\",\"name\":\"x\"}", "id")]
    [InlineData("{\"name\":\"x\"}", "id")]
    [InlineData("{\"id\":\"a\",\"name\":\"x\",\"extra\":1}", "extra")]
    public async Task Bad_bodies_get_400_naming_the_field_and_write_nothing(string body, string? field)
    {
        using var admin = _server.Admin();
        var problem = await (await admin.PostJsonAsync("/api/v1/admin/organizations", body)).ProblemAsync(HttpStatusCode.BadRequest);
        if (field == "Malformed JSON") Assert.Equal(field, problem.GetProperty("title").GetString());
        else if (field is not null) Assert.Contains(field, problem.ErrorFields());
        var page = await (await admin.GetAsync("/api/v1/admin/organizations?limit=1000")).JsonAsync();
        Assert.DoesNotContain(page.GetProperty("items").EnumerateArray(), o => o.GetProperty("id").GetString() is "x" or "a" or "has space");
    }

    [Fact]
    public async Task A_body_over_one_mebibyte_is_refused_with_413()
    {
        using var admin = _server.Admin();
        var huge = "{\"id\":\"big\",\"name\":\"" + new string('x', (1 << 20) + 10) + "\"}";
        await (await admin.PostJsonAsync("/api/v1/admin/organizations", huge)).ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_chunked_body_is_read_whole_and_one_over_one_mebibyte_is_refused_with_413()
    {
        using var admin = _server.Admin();
        // No Content-Length: the body arrives in chunks and is read until it ends, or until it passes the limit.
        var created = await admin.SendAsync(Chunked("""{"id":"chunked-co","name":"Chunked Co"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("chunked-co", (await created.JsonAsync()).GetProperty("id").GetString());

        var huge = await admin.SendAsync(Chunked("{\"id\":\"big-chunked\",\"name\":\"" + new string('x', (1 << 20) + 10) + "\"}"));
        await huge.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        var page = await (await admin.GetAsync("/api/v1/admin/organizations?limit=1000")).JsonAsync();
        Assert.DoesNotContain(page.GetProperty("items").EnumerateArray(), o => o.GetProperty("id").GetString() == "big-chunked");

        static HttpRequestMessage Chunked(string json)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/admin/organizations") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.TransferEncodingChunked = true;
            return request;
        }
    }

    [Fact]
    public async Task Unknown_routes_and_methods_answer_problems()
    {
        using var admin = _server.Admin();
        await (await admin.GetAsync("/api/v1/nothing-here")).ProblemAsync(HttpStatusCode.NotFound);
        await (await admin.PutAsJsonAsync("/api/v1/catalog/skus", new { })).ProblemAsync(HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task OpenApi_document_and_docs_are_served()
    {
        using var anonymous = _server.Client();
        var document = await (await anonymous.GetAsync("/openapi/v1.json")).JsonAsync();
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/v1/catalog/skus", out _));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/docs")).StatusCode);
    }

    [Fact]
    public async Task OpenApi_document_gives_client_generators_ids_security_and_problem_answers()
    {
        using var anonymous = _server.Client();
        var document = await (await anonymous.GetAsync("/openapi/v1.json")).JsonAsync();

        Assert.Equal("http", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("type").GetString());
        Assert.True(document.GetProperty("security")[0].TryGetProperty("bearer", out _));
        Assert.All(document.GetProperty("servers").EnumerateArray(), server => Assert.False(server.GetProperty("url").GetString()!.EndsWith('/')));
        var ids = new List<string>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var where = $"{operation.Name} {path.Name}";
                Assert.True(operation.Value.TryGetProperty("operationId", out var id), $"{where} has no operationId");
                ids.Add(id.GetString()!);
                var responses = operation.Value.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
                Assert.Contains("401", responses);
                Assert.Contains(responses, status => status.StartsWith('4') && status != "401");
            }
        }
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Contains("PlaceBid", ids);
    }
}
