using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>Random and mutated bodies at every POST endpoint: always an answer below 500, never a partial write.</summary>
public sealed class FuzzTests : IAsyncLifetime
{
    private static readonly (string Path, string Valid)[] s_endpoints =
    [
        ("/api/v1/orders/bids", """{"sku":"GB300","region":"us-tx","gpus":8,"start":490000,"end":490010,"limit":"1.0000","tif":"GTC"}"""),
        ("/api/v1/orders/bids", """{"alternatives":[{"sku":"GB300","limit":"1.0000"},{"sku":"GB200","limit":"0.9000"}],"pool":"p1","gpus":8,"start":"2025-11-24T16:00:00Z","end":490010,"tif":"IOC"}"""),
        ("/api/v1/orders/portfolios", """{"legs":[{"sku":"GB300","limit":"1.0000","region":"us-tx","gpus":8,"start":490000,"end":490010},{"alternatives":[{"sku":"GB200","limit":"0.9000"}],"pool":"p1","gpus":8,"start":490000,"end":490010}]}"""),
        ("/api/v1/orders/asks", """{"pool":"p1","gpus":8,"start":490000,"end":490010,"price":"9.5000"}"""),
        ("/api/v1/admin/tokens/tok_0000000000000000/rotate", """{"graceSeconds":600}"""),
        ("/api/v1/pools", """{"id":"fz","sku":"GB300","region":"us-tx","capacity":[{"start":1,"end":2,"gpus":1}]}"""),
        ("/api/v1/pools/p1/capacity", """{"start":600000,"end":600001,"gpus":1}"""),
        ("/api/v1/procurements", """{"sku":"GB300","region":"us-tx","gpus":8,"horizonHours":336,"blockHours":168,"maxPrice":"3.1000"}"""),
        ("/api/v1/admin/organizations", """{"id":"fz-org","name":"Fuzz"}"""),
        ("/api/v1/admin/organizations/iren/tokens", """{"label":"fz","scopes":["market:read"]}"""),
        ("/api/v1/deals/analyze", """{"tranches":[{"gpus":10,"startMonth":0,"termMonths":2}],"pricePerGpuHour":2,"prepaymentFraction":0.1,"equipmentUsdPerGpu":1000,"facilityUsdPerMw":1000000,"kwPerGpu":1,"pue":1.5,"powerUsdPerMwh":100,"otherOpexFraction":0.1,"residualFraction":0.5,"discountRateAnnual":0.1,"depreciationMonths":24}"""),
        ("/api/v1/deals/analyze", """{"tranches":[{"gpus":10,"startMonth":0,"termMonths":6,"delayMonths":2}],"pricePerGpuHour":2,"prepaymentFraction":0.1,"equipmentUsdPerGpu":1000,"facilityUsdPerMw":1000000,"kwPerGpu":1,"pue":1.5,"powerUsdPerMwh":100,"otherOpexFraction":0.1,"residualFraction":0.5,"discountRateAnnual":0.1,"depreciationMonths":24,"priceIndex":{"kind":"series","series":"cpi","resetEveryMonths":3,"cap":1.2},"indexValues":[{"month":0,"value":100},{"month":3,"value":104}],"ldPercentPerMonth":2,"ldCapPercent":10}"""),
        ("/api/v1/rfqs", """{"skus":["GB300"],"gpus":100,"earliestStart":"2027-01","latestStart":"2027-03","termMonths":12,"maxPricePerGpuHour":"3.00","closesAt":"2030-01-01T00:00:00Z","billing":"calendar","prepaymentCreditFromMonth":2,"priceIndex":{"kind":"fixed","ratePerYear":0.03,"floor":1,"cap":1.1},"ldPercentPerMonth":2,"ldCapPercent":10}"""),
        ("/api/v1/rfqs/rfq-none/offers", """{"sku":"GB300","pricePerGpuHour":"2.90","availabilityPercent":99.5,"tranches":[{"pool":"p1","gpus":10,"start":"2027-01","termMonths":12}],"priceIndex":{"kind":"exchange","sku":"GB300"},"ldPercentPerMonth":3}"""),
        ("/api/v1/offtakes/otc-microsoft-iren-2025/assignments", """{"to":"iren","share":0.5,"fromMonth":"2027-01"}"""),
        ("/api/v1/offtakes/otc-microsoft-iren-2025/assignments/asg-none/accept", """{}"""),
        ("/api/v1/indices/fz-cpi", """{"values":[{"month":"2026-01","value":"100"},{"month":"2026-02","value":101.5}]}"""),
    ];

    private TestServer _server = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(o => o with { RateLimitPerSecond = 1_000_000, RateLimitBurst = 1_000_000 });
        var market = await Market.OpenAsync(_server);
        _client = _server.Admin();
        // The admin token holds every scope, so every endpoint's validation is reached.
        _ = market;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Bodies_with_lone_surrogates_bad_utf8_or_a_field_twice_are_always_400()
    {
        var gen = Gen.Select(Gen.Int[0, s_endpoints.Length - 1], Gen.Int[0, 2], Gen.Int);
        await gen.SampleAsync(async (endpoint, kind, seed) =>
        {
            var (path, valid) = s_endpoints[endpoint];
            var random = new Random(seed);
            var body = kind switch
            {
                0 => InString(valid, random, Encoding.UTF8.GetBytes($"\\u{random.Next(0xD800, 0xE000):x4}")),
                1 => InString(valid, random, s_notUtf8[random.Next(s_notUtf8.Length)]),
                _ => FieldTwice(valid, random),
            };
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await _client.PostAsync(path, content);
            return response.StatusCode == System.Net.HttpStatusCode.BadRequest;
        }, iter: 600, threads: 1);
    }

    private static readonly byte[][] s_notUtf8 = [[0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0x80], [0xF5, 0x80, 0x80, 0x80], [0xE2, 0x82]];

    /// <summary>The valid body with <paramref name="bad"/> put inside one of its strings (a name or a value), chosen at random.</summary>
    private static byte[] InString(string valid, Random random, byte[] bad)
    {
        var starts = new List<int>();
        for (var i = valid.IndexOf('"', StringComparison.Ordinal); i >= 0; i = valid.IndexOf('"', i + 1))
        {
            // Every opening quote: count the quotes before it (no escaped quotes in the valid bodies).
            if (valid[..i].Count(c => c == '"') % 2 == 0) starts.Add(i + 1);
        }
        if (starts.Count == 0) return [.. "{\"x\":\""u8, .. bad, .. "\"}"u8];
        var at = starts[random.Next(starts.Count)];
        return [.. Encoding.UTF8.GetBytes(valid[..at]), .. bad, .. Encoding.UTF8.GetBytes(valid[at..])];
    }

    /// <summary>The valid body with one of its fields (a top-level one, or in a nested object) given a second time before it.</summary>
    private static byte[] FieldTwice(string valid, Random random)
    {
        var node = JsonNode.Parse(valid)!.AsObject();
        var objects = new List<JsonObject>();
        void Collect(JsonNode? n)
        {
            if (n is JsonObject o) { if (o.Count > 0) objects.Add(o); foreach (var p in o) Collect(p.Value); }
            else if (n is JsonArray a) foreach (var item in a) Collect(item);
        }
        Collect(node);
        if (objects.Count == 0) return "{\"x\":1,\"x\":2}"u8.ToArray();
        var target = objects[random.Next(objects.Count)];
        var key = target.Select(p => p.Key).ElementAt(random.Next(target.Count));
        var marker = "\"__twice__\":0";
        target.Insert(0, "__twice__", 0);
        var text = node.ToJsonString().Replace(marker, $"{JsonSerializer.Serialize(key)}:{RandomJson(random, depth: 3)?.ToJsonString() ?? "null"}", StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes(text);
    }

    [Fact]
    public async Task Random_and_mutated_bodies_never_get_a_5xx()
    {
        var gen = Gen.Select(Gen.Int[0, s_endpoints.Length - 1], Gen.Int[0, 4], Gen.Int);
        await gen.SampleAsync(async (endpoint, kind, seed) =>
        {
            var (path, valid) = s_endpoints[endpoint];
            var random = new Random(seed);
            var body = kind switch
            {
                0 => RandomJson(random, depth: 0)?.ToJsonString() ?? "null",
                1 => Mutate(valid, random),
                2 => Mutate(Mutate(valid, random), random),
                3 => Garbage(random),
                _ => valid[..random.Next(valid.Length)],
            };
            using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            content.Headers.ContentType = new MediaTypeHeaderValue(random.Next(8) == 0 ? "text/plain" : "application/json");
            using var response = await _client.PostAsync(path, content);
            return (int)response.StatusCode < 500;
        }, iter: 4500, threads: 1);
    }

    private static string Mutate(string valid, Random random)
    {
        var node = JsonNode.Parse(valid)!.AsObject();
        var keys = node.Select(p => p.Key).ToList();
        // A body whose one field an earlier mutation removed: mutate a field it does not have.
        var key = keys.Count == 0 ? "missing" : keys[random.Next(keys.Count)];
        switch (random.Next(5))
        {
            case 0: node.Remove(key); break;
            case 1: node[key] = RandomJson(random, depth: 1); break;
            case 2: node["unexpected" + random.Next(100)] = RandomJson(random, depth: 1); break;
            case 3: node[key] = Extreme(random); break;
            default: node[key] = null; break;
        }
        return node.ToJsonString();
    }

    private static JsonNode? Extreme(Random random) => random.Next(10) switch
    {
        0 => JsonValue.Create(long.MaxValue),
        1 => JsonValue.Create(long.MinValue),
        2 => JsonValue.Create(-1),
        3 => JsonValue.Create(0),
        4 => JsonValue.Create(1e308),
        5 => JsonValue.Create("99999999999999999999999999999.99999"),
        6 => JsonValue.Create(new string('9', 5000)),
        7 => JsonValue.Create("\u0000\uFFFF💥"),
        8 => JsonValue.Create(decimal.MaxValue),
        _ => JsonValue.Create(int.MaxValue),
    };

    private static JsonNode? RandomJson(Random random, int depth)
    {
        switch (random.Next(depth > 3 ? 5 : 7))
        {
            case 0: return null;
            case 1: return JsonValue.Create(random.Next(2) == 0);
            case 2: return JsonValue.Create(random.NextInt64(long.MinValue, long.MaxValue));
            case 3: return JsonValue.Create(random.NextDouble() * Math.Pow(10, random.Next(-5, 30)));
            case 4: return JsonValue.Create(new string((char)random.Next(32, 0x2FFF), random.Next(0, 40)));
            case 5:
                var array = new JsonArray();
                for (var i = random.Next(5); i > 0; i--) array.Add(RandomJson(random, depth + 1));
                return array;
            default:
                var obj = new JsonObject();
                string[] names = ["sku", "gpus", "start", "end", "limit", "price", "pool", "tif", "region", "id", "name", "capacity", "scopes", "label", "site"];
                for (var i = random.Next(6); i > 0; i--) obj[names[random.Next(names.Length)]] = RandomJson(random, depth + 1);
                return obj;
        }
    }

    private static string Garbage(Random random)
    {
        var bytes = new char[random.Next(1, 200)];
        for (var i = 0; i < bytes.Length; i++) bytes[i] = (char)random.Next(1, 0x7F);
        return new string(bytes);
    }
}
