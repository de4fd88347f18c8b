using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Neocloud.Domain.Time;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>Every hour field reads an integer hour or an RFC 3339 whole-hour UTC time, and every answer shows both.</summary>
public sealed class HourFieldTests : IAsyncLifetime
{
    /// <summary>The test pool's first hour, <see cref="Market.Start"/>, as text.</summary>
    private const string StartText = "2025-11-24T16:00:00Z";

    private static readonly string[] s_hourFields = ["start", "end", "from", "to", "firstHour", "lastHour", "hour"];

    private TestServer _server = null!;
    private Market _market = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _market = await Market.OpenAsync(_server);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_bid_with_rfc3339_times_is_the_same_bid_as_with_integer_hours()
    {
        var texts = await Market.Created(await _market.Microsoft.PostAsJsonAsync("/api/v1/orders/bids",
            new { sku = "GB300", gpus = 8, start = StartText, end = "2025-11-25T16:00Z", limit = "1.0000" }));
        var numbers = await Market.BidAsync(_market.Microsoft, 8, Market.Start, Market.Start + 24, "1.0000");

        foreach (var field in new[] { "start", "end", "startsAt", "endsAt" })
            Assert.Equal(numbers.GetProperty("order").GetProperty(field).ToString(), texts.GetProperty("order").GetProperty(field).ToString());
        Assert.Equal(Market.Start, texts.GetProperty("order").GetProperty("start").GetInt64());
        Assert.Equal(StartText, texts.GetProperty("order").GetProperty("startsAt").GetString());
    }

    [Fact]
    public async Task Asks_and_capacity_steps_read_rfc3339_times_too()
    {
        var ask = await Market.Created(await _market.Iren.PostAsJsonAsync("/api/v1/orders/asks",
            new { pool = "p1", gpus = 8, start = StartText, end = "2025-11-24T17:00:00+00:00", price = "2.0000" }));
        Assert.Equal((Market.Start, Market.Start + 1L), (ask.GetProperty("order").GetProperty("start").GetInt64(), ask.GetProperty("order").GetProperty("end").GetInt64()));

        var pool = await Market.Created(await _market.Iren.PostAsJsonAsync("/api/v1/pools", new
        {
            id = "p-text", sku = "GB300", region = "us-tx", capacity = new object[] { new { start = "2027-01-01T00:00:00Z", end = "2027-02-01T00:00Z", gpus = 8 } },
        }));
        var step = Assert.Single(pool.GetProperty("capacity").EnumerateArray());
        Assert.Equal("2027-01-01T00:00:00Z", step.GetProperty("startsAt").GetString());
        Assert.Equal(Hour.FromUtc(new DateTimeOffset(2027, 2, 1, 0, 0, 0, TimeSpan.Zero)).Value, step.GetProperty("end").GetInt64());

        var added = await Market.Created(await _market.Iren.PostAsJsonAsync("/api/v1/pools/p-text/capacity",
            new { start = "2027-02-01T00:00:00Z", end = "2027-03-01T00:00:00Z", gpus = 8 }));
        Assert.Equal("2027-03-01T00:00:00Z", added.GetProperty("endsAt").GetString());
    }

    [Theory]
    [InlineData("\"2027-01-01T00:30:00Z\"", "must be a whole hour (minutes and seconds 00), got \"2027-01-01T00:30:00Z\"")]
    [InlineData("\"2027-01-01T01:00:00+01:00\"", "must be a UTC time (ending in Z)")]
    [InlineData("\"next tuesday\"", "must be an integer hour (hours since 1970-01-01T00:00Z) or an RFC 3339 UTC time on a whole hour")]
    [InlineData("\"490000\"", "must be an integer hour")]
    [InlineData("\"1969-12-31T00:00:00Z\"", "must be at or after 1970-01-01T00:00:00Z")]
    [InlineData("false", "must be an integer hour")]
    public async Task A_bad_hour_in_a_body_is_a_400_naming_the_field(string start, string message)
    {
        var bid = await _market.Microsoft.PostJsonAsync("/api/v1/orders/bids", $$"""{"sku":"GB300","gpus":8,"start":{{start}},"end":490024,"limit":"1.0000"}""");
        var problem = await bid.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.StartsWith(message, problem.GetProperty("errors").GetProperty("start")[0].GetString());

        var pool = await _market.Iren.PostJsonAsync("/api/v1/pools",
            $$"""{"id":"p-bad","sku":"GB300","region":"us-tx","capacity":[{"start":490000,"end":{{start}},"gpus":8}]}""");
        Assert.StartsWith(message, (await pool.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("capacity[0].end")[0].GetString());
        Assert.Empty((await (await _market.Microsoft.GetAsync("/api/v1/orders")).JsonAsync()).GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("start=2027-01-01T00:30:00Z&end=2027-01-02T00:00:00Z", "start", "must be a whole hour (minutes and seconds 00), got \"2027-01-01T00:30:00Z\"")]
    [InlineData("start=2027-01-01T00:00:00Z&end=2027-01-02T02:00:00%2B02:00", "end", "must be a UTC time (ending in Z)")]
    [InlineData("start=soon&end=490024", "start", "must be an integer hour")]
    [InlineData("end=490024", "start", "is required: an integer hour")]
    public async Task A_bad_hour_in_a_query_is_a_400_naming_the_parameter(string query, string field, string message)
    {
        var quote = await _market.Microsoft.GetAsync($"/api/v1/market/GB300/quote?gpus=8&{query}");
        var problem = await quote.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.StartsWith(message, problem.GetProperty("errors").GetProperty(field)[0].GetString());

        var pool = await _market.Microsoft.GetAsync($"/api/v1/pools/p1?{query.Replace("start=", "from=").Replace("end=", "to=")}");
        if (field == "start" && !query.StartsWith("end", StringComparison.Ordinal))
            Assert.StartsWith(message, (await pool.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("from")[0].GetString());
    }

    [Fact]
    public async Task Query_hours_as_times_answer_as_the_same_hours_as_numbers()
    {
        await Market.AskAsync(_market.Iren, 8, Market.Start, Market.Start + 48, "2.0000");

        var byText = await (await _market.Microsoft.GetAsync($"/api/v1/market/GB300/quote?gpus=8&start={StartText}&end=2025-11-25T16:00Z")).JsonAsync();
        var byNumber = await (await _market.Microsoft.GetAsync($"/api/v1/market/GB300/quote?gpus=8&start={Market.Start}&end={Market.Start + 24}")).JsonAsync();
        Assert.Equal(byNumber.GetRawText(), byText.GetRawText());
        Assert.Equal("2.0000", byText.GetProperty("price").GetString());

        var pool = await (await _market.Microsoft.GetAsync($"/api/v1/pools/p1?from={StartText}&to={Market.Start + 24}")).JsonAsync();
        Assert.Equal((Market.Start, StartText), (pool.GetProperty("from").GetInt32(), pool.GetProperty("fromAt").GetString()));
    }

    [Fact]
    public async Task Every_hour_in_every_answer_comes_with_its_rfc3339_text()
    {
        var ask = await Market.AskAsync(_market.Iren, 72, Market.Start, Market.Start + 1000, "2.4500");
        var bid = await Market.BidAsync(_market.Microsoft, 64, Market.Start + 100, Market.Start + 268, "3.1000");
        await Market.BidAsync(_market.Meta, 8, Market.Start, Market.Start + 10, "1.0000");

        JsonElement[] answers =
        [
            ask, bid,
            await Get(_market.Microsoft, "/api/v1/orders"),
            await Get(_market.Microsoft, "/api/v1/trades"),
            await Get(_market.Microsoft, "/api/v1/contracts"),
            await Get(_market.Microsoft, "/api/v1/market/GB300/book"),
            await Get(_market.Microsoft, "/api/v1/market/GB300/trades"),
            await Get(_market.Microsoft, $"/api/v1/market/GB300/quote?gpus=8&start={Market.Start}&end={Market.Start + 10}"),
            await Get(_market.Microsoft, "/api/v1/pools"),
            await Get(_market.Microsoft, $"/api/v1/pools/p1?from={Market.Start}&to={Market.Start + 300}"),
        ];

        var checkedFields = answers.Sum(AssertHoursHaveTexts);
        Assert.True(checkedFields >= 30, $"only {checkedFields} hour fields were found");
        var level = (await Get(_market.Microsoft, "/api/v1/market/GB300/book")).GetProperty("bids")[0];
        Assert.Equal(HourText.Of(level.GetProperty("firstHour").GetInt64()), level.GetProperty("firstHourAt").GetString());
        var usage = (await Get(_market.Microsoft, $"/api/v1/pools/p1?from={Market.Start}&to={Market.Start + 300}")).GetProperty("usage")[0];
        Assert.Equal(StartText, usage.GetProperty("startsAt").GetString());
    }

    [Fact]
    public async Task The_openapi_document_says_hour_fields_take_an_integer_or_an_rfc3339_time()
    {
        using var anonymous = _server.Client();
        var document = await (await anonymous.GetAsync("/openapi/v1.json")).JsonAsync();
        var schemas = document.GetProperty("components").GetProperty("schemas");

        var bidStart = schemas.GetProperty("BidBody").GetProperty("properties").GetProperty("start");
        var hour = schemas.GetProperty(bidStart.GetProperty("$ref").GetString()!.Split('/')[^1]);
        AssertIntegerOrTime(hour);
        Assert.Equal(bidStart.GetProperty("$ref").GetString(), schemas.GetProperty("StepBody").GetProperty("properties").GetProperty("end").GetProperty("$ref").GetString());
        var quote = document.GetProperty("paths").GetProperty("/api/v1/market/{sku}/quote").GetProperty("get").GetProperty("parameters");
        AssertIntegerOrTime(quote.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "start").GetProperty("schema"));
        var pool = document.GetProperty("paths").GetProperty("/api/v1/pools/{id}").GetProperty("get").GetProperty("parameters");
        AssertIntegerOrTime(pool.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "to").GetProperty("schema"));
    }

    private static void AssertIntegerOrTime(JsonElement schema)
    {
        var kinds = schema.GetProperty("oneOf").EnumerateArray().Select(s => (s.GetProperty("type").GetString(), s.TryGetProperty("format", out var f) ? f.GetString() : null)).ToList();
        Assert.Equal([("integer", "int32"), ("string", "date-time")], kinds);
        Assert.Contains("RFC 3339", schema.GetProperty("description").GetString());
    }

    private static async Task<JsonElement> Get(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    /// <summary>Asserts that every numeric hour field has its text sibling holding the same hour; returns how many it checked.</summary>
    private static int AssertHoursHaveTexts(JsonElement json)
    {
        var found = 0;
        switch (json.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in json.EnumerateObject())
                {
                    if (s_hourFields.Contains(property.Name) && property.Value.ValueKind == JsonValueKind.Number)
                    {
                        Assert.True(json.TryGetProperty(HourText.SiblingOf(property.Name), out var text), $"{property.Name} has no {HourText.SiblingOf(property.Name)} in {json}");
                        Assert.Equal(HourText.Of(property.Value.GetInt64()), text.GetString());
                        found++;
                    }
                    else found += AssertHoursHaveTexts(property.Value);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in json.EnumerateArray()) found += AssertHoursHaveTexts(item);
                break;
        }
        return found;
    }
}
