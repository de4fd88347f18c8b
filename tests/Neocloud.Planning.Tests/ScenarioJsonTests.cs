using System.Text.Json.Nodes;
using Neocloud.Planning.Scenarios;
using Neocloud.Planning.Solving;

namespace Neocloud.Planning.Tests;

/// <summary>Scenario files: the example parses to what it says; every kind of bad input names its field by JSON path.</summary>
public class ScenarioJsonTests
{
    private static readonly string s_example = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "two-regions.json"));

    [Fact]
    public void The_example_parses_to_its_figures()
    {
        var scenario = ScenarioJson.Parse(s_example).ValueOrThrow();

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

    [Fact]
    public void The_examples_are_embedded_after_the_presets()
    {
        Assert.Equal([.. PlanPresets.Ids, "two-regions"], PlanExamples.Ids);
        Assert.Equal(s_example, PlanExamples.Load("two-regions"));
        Assert.Equal(PlanPresets.Json(PlanPresets.Ids[0]), PlanExamples.Load(PlanPresets.Ids[0]));
        Assert.Throws<KeyNotFoundException>(() => PlanExamples.Load("nope"));
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
        var result = ScenarioJson.Parse(json);

        Assert.False(result.Success);
        Assert.Null(result.Value);
        Assert.Equal(path, result.Errors!.Keys.First());
        Assert.Contains(mentions, result.Errors.For(path), StringComparison.Ordinal);
        Assert.StartsWith($"{path}: ", result.Errors.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hand_built_scenario_that_breaks_several_rules_names_each_field()
    {
        var scenario = ScenarioJson.Parse(s_example).ValueOrThrow();
        var region = scenario.Regions[0];
        var broken = scenario with
        {
            DiscountRateAnnual = 11m,
            Regions = [region with { Build = [region.Build[0] with { KwPerGpu = 0m }] }, .. scenario.Regions.Skip(1)],
        };

        var errors = ScenarioValidator.Validate(broken);

        Assert.Equal(["discountRateAnnual", "regions[0].build[0].kwPerGpu"], errors.Keys);
        Assert.Empty(ScenarioValidator.Validate(scenario));
        // Solving one is a bug in the code that built it, not a user's error.
        var thrown = Assert.Throws<ArgumentException>(() => CapacityPlanner.Solve(broken));
        Assert.StartsWith("the scenario is not valid: discountRateAnnual: must be <= 10, got 11", thrown.Message, StringComparison.Ordinal);
    }

    private static string Edit(Action<JsonObject> change)
    {
        var root = JsonNode.Parse(s_example, documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!.AsObject();
        change(root);
        return root.ToJsonString();
    }
}
