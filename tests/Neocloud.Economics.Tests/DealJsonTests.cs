using System.Text.Json.Nodes;
using Neocloud.Economics.Deals;

namespace Neocloud.Economics.Tests;

public class DealJsonTests
{
    private static readonly string s_valid = """
        {"tranches":[{"gpus":10,"startMonth":0,"termMonths":2}],"pricePerGpuHour":2,"prepaymentFraction":0.1,"equipmentUsdPerGpu":1000,
         "facilityUsdPerMw":1000000,"kwPerGpu":1,"pue":1.5,"powerUsdPerMwh":100,"otherOpexFraction":0.1,"residualFraction":0.5,
         "discountRateAnnual":0.1,"depreciationMonths":24}
        """;

    [Theory]
    [InlineData("tranches[0].gpus", -5, "tranches[0].gpus: must be >= 1, got -5")]
    [InlineData("tranches[0].termMonths", 0, "tranches[0].termMonths: must be >= 1, got 0")]
    [InlineData("pue", 0.9, "pue: must be >= 1, got 0.9")]
    [InlineData("prepaymentFraction", 1.5, "prepaymentFraction: must be <= 1, got 1.5")]
    [InlineData("kwPerGpu", 0, "kwPerGpu: must be > 0, got 0")]
    public void An_out_of_range_value_names_its_field(string path, double value, string expected)
    {
        var error = Parse(Set(path, JsonValue.Create(value)));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Both_or_neither_of_tcv_and_price_is_an_error()
    {
        Assert.Equal("tcvUsd: give either tcvUsd or pricePerGpuHour, not both", Parse(Set("tcvUsd", JsonValue.Create(1000))));
        Assert.Equal("pricePerGpuHour: give either tcvUsd or pricePerGpuHour", Parse(Remove("pricePerGpuHour")));
        Assert.Equal("equipmentUsd: give either equipmentUsd or equipmentUsdPerGpu", Parse(Remove("equipmentUsdPerGpu")));
    }

    [Fact]
    public void Missing_wrong_typed_and_unknown_fields_are_named()
    {
        Assert.Equal("pue: is required", Parse(Remove("pue")));
        Assert.Equal("pue: must be a number, got the string \"high\"", Parse(Set("pue", JsonValue.Create("high"))));
        Assert.Equal("colour: is not a known field", Parse(Set("colour", JsonValue.Create("red"))));
        Assert.Equal("tranches: must hold 1 to 240 tranches", Parse(Set("tranches", new JsonArray())));
        Assert.StartsWith("$: not valid JSON at line 1", Parse("{\"tranches\": ["));
    }

    [Fact]
    public void A_valid_file_parses()
    {
        var parsed = DealJson.Parse(s_valid);
        Assert.True(parsed.Success, parsed.Errors?.Summary);
        Assert.Equal(29_200m, parsed.Value!.TcvUsd);
    }

    /// <summary>The first error as <c>field: message</c>, or null when the deal parses.</summary>
    private static string? Parse(string json) => DealJson.Parse(json).Errors?.Summary;

    private static string Set(string path, JsonNode? value)
    {
        var root = JsonNode.Parse(s_valid)!.AsObject();
        if (path.StartsWith("tranches[0].", StringComparison.Ordinal)) root["tranches"]![0]![path["tranches[0].".Length..]] = value;
        else root[path] = value;
        return root.ToJsonString();
    }

    private static string Remove(string field)
    {
        var root = JsonNode.Parse(s_valid)!.AsObject();
        root.Remove(field);
        return root.ToJsonString();
    }
}
