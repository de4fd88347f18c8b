using System.Text.Json.Nodes;
using Neocloud.Planning.Scenarios;

namespace Neocloud.Planning.Tests;

/// <summary>Scenario files: the example parses to what it says; every kind of bad input names its field by JSON path.</summary>
public class ScenarioJsonTests
{
    private static readonly string s_example = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "two-regions.json"));

    [Fact]
    public void The_example_parses_to_its_figures()
    {
        var scenario = ScenarioJson.Parse(s_example, "two-regions.json");

        Assert.Equal(new DateOnly(2027, 1, 1), scenario.StartMonth);
        Assert.Equal(36, scenario.HorizonMonths);
        Assert.Equal(["us-tx", "us-nj"], scenario.Regions.Select(r => r.Id));
        var tx = scenario.Regions[0];
        // A ramp from 2,000 in month 0 to 12,000 in month 35.
        Assert.Equal(2000m, tx.Demand[0]);
        Assert.Equal(12000m, tx.Demand[35]);
        Assert.Equal(2000m + 10000m * 17 / 35, tx.Demand[17]);
        Assert.Equal(new FleetEntry("GB200", 1500, 0, 30), tx.Fleet.Single());
        Assert.Equal(3802, tx.Build.Single().GpusPerBlock);
        Assert.Equal(3, tx.Build.Single().BlocksPerYear);
        var iren = scenario.FindOffer("iren-tx")!;
        Assert.Equal((2.91m, 0.2m, false), (iren.PricePerGpuHour, iren.PrepaymentFraction, iren.Divisible));
        Assert.Equal(4000, iren.GpusIn(3));
        Assert.Equal(0, iren.GpusIn(2));
        Assert.False(scenario.MeetAllDemand);
        Assert.Equal(20_000m, scenario.UnmetPenaltyUsdPerGpuMonth);
    }

    public static TheoryData<string, string, string> BadInputs => new()
    {
        { "{", "$", "not valid JSON" },
        { "[]", "$", "object" },
        { """{"horizonMonths": "36"}""", "horizonMonths", "number" },
        { Edit(s => s["horizonMonths"] = 121), "horizonMonths", "1 to 120" },
        { Edit(s => s["startMonth"] = "2027-13"), "startMonth", "" },
        { Edit(s => s["referenceSku"] = "Z9000"), "referenceSku", "Z9000" },
        { Edit(s => s["demandUnit"] = "watts"), "demandUnit", "\"gpus\" or \"pflops\"" },
        { Edit(s => s["colour"] = "blue"), "colour", "" },
        { Edit(s => s["regions"]![0]!["build"]![0]!["leadTimeMonths"] = -3), "regions[0].build[0].leadTimeMonths", "-3" },
        { Edit(s => s["regions"]![1]!["demand"]![0]!["toMonth"] = 0), "regions[1].demand[0].toMonth", "after fromMonth" },
        { Edit(s => s["regions"]![0]!["demand"]![0]!["amount"] = -1), "regions[0].demand[0].amount", ">= 0" },
        { Edit(s => s["regions"]![0]!["fleet"]![0]!["gpus"] = 1.5), "regions[0].fleet[0].gpus", "" },
        { Edit(s => s["offers"]![0]!["region"] = "mars"), "offers[0].region", "mars" },
        { Edit(s => s["offers"]![1]!["tranches"]![0]!["termMonths"] = 0), "offers[1].tranches[0].termMonths", "" },
        { Edit(s => s["offers"]![1]!["prepaymentFraction"] = 1.5), "offers[1].prepaymentFraction", "" },
        { Edit(s => s["offers"]![1]!["id"] = "iren-tx"), "offers[1].id", "iren-tx" },
        { Edit(s => s["spot"]![0]!["pricePerGpuHour"] = "cheap"), "spot[0].pricePerGpuHour", "number" },
        { Edit(s => s["spot"]![0]!["maxGpusPerMonth"] = -10), "spot[0].maxGpusPerMonth", "" },
        { Edit(s => s.Remove("regions")), "regions", "required" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_names_the_field(string json, string path, string mentions)
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioJson.Parse(json, "bad.json"));

        Assert.Equal(path, error.Path);
        Assert.Contains(mentions, error.Problem, StringComparison.Ordinal);
        Assert.StartsWith($"bad.json: {path}: ", error.Message, StringComparison.Ordinal);
        Assert.False(ScenarioJson.TryParse(json, "bad.json", out var scenario, out var message));
        Assert.Null(scenario);
        Assert.Equal(error.Message, message);
    }

    private static string Edit(Action<JsonObject> change)
    {
        var root = JsonNode.Parse(s_example, documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!.AsObject();
        change(root);
        return root.ToJsonString();
    }
}
