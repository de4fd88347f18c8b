using System.Globalization;
using System.Text.Json;
using Neocloud.Domain.Catalog;
using Neocloud.Domain.Input;

namespace Neocloud.Planning.Scenarios;

/// <summary>
/// Reads a scenario file (camelCase JSON, format in <c>docs/planning.md</c>) into a validated <see cref="PlanScenario"/>,
/// or the <see cref="FieldErrors"/> naming the field by its JSON path: <c>regions[1].build[0].leadTimeMonths: must be >= 0, got -3</c>.
/// </summary>
public static class ScenarioJson
{
    private static readonly string[] s_descriptive = ["$schema", "id", "title", "description", "notes", "sources"];

    private static readonly JsonDocumentOptions s_documentOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 32,
    };

    /// <summary>Parses and validates a scenario against the embedded reference catalog.</summary>
    /// <param name="json">The scenario file's text.</param>
    /// <returns>The scenario, or the errors by JSON path (the caller names the file in its message).</returns>
    public static ParseResult<PlanScenario> Parse(string json) => Parse(json, ReferenceCatalog.Embedded);

    /// <summary>Parses and validates a scenario against a catalog's SKUs.</summary>
    /// <returns>The scenario, or the errors by JSON path (the caller names the file in its message).</returns>
    public static ParseResult<PlanScenario> Parse(string json, ReferenceCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(catalog);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, s_documentOptions);
        }
        catch (JsonException e)
        {
            return ParseResult<PlanScenario>.Failed("$", $"not valid JSON at line {(e.LineNumber ?? 0) + 1}, position {(e.BytePositionInLine ?? 0) + 1}");
        }
        using (document)
        {
            var skus = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase);
            foreach (var sku in catalog.Skus) skus[sku.Id] = sku.Fp8Tflops.Value;
            PlanScenario scenario;
            try
            {
                scenario = new Reader(skus).Scenario(document.RootElement);
            }
            catch (FieldException e)
            {
                return ParseResult<PlanScenario>.Failed(e.Path, e.Problem);
            }
            var errors = ScenarioValidator.Validate(scenario);
            return errors.IsEmpty ? ParseResult<PlanScenario>.Ok(scenario) : errors;
        }
    }

    /// <summary>Unwinds the reader at the first field it cannot read; never leaves <see cref="Parse(string, ReferenceCatalog)"/>.</summary>
    private sealed class FieldException(string path, string problem) : Exception($"{path}: {problem}")
    {
        public string Path { get; } = path;
        public string Problem { get; } = problem;
    }

    private sealed class Reader(IReadOnlyDictionary<string, decimal> skus)
    {
        public PlanScenario Scenario(JsonElement root)
        {
            Object(root, "$");
            Known(root, "", [
                "name", "startMonth", "horizonMonths", "referenceSku", "demandUnit", "discountRateAnnual",
                "unmetPenaltyUsdPerGpuMonth", "usefulness", "regions", "offers", "spot", .. s_descriptive]);
            var horizon = Whole(root, "horizonMonths", "");
            if (horizon is < 1 or > PlanScenario.MaxHorizonMonths)
                throw Fail("horizonMonths", $"must be 1 to {PlanScenario.MaxHorizonMonths} months, got {horizon}");
            var unit = OptionalText(root, "demandUnit", "") switch
            {
                null or "gpus" => DemandUnit.Gpus,
                "pflops" => DemandUnit.Pflops,
                var other => throw Fail("demandUnit", $"must be \"gpus\" or \"pflops\", got \"{other}\""),
            };

            var usefulness = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase);
            if (Present(root, "usefulness"))
            {
                var map = root.GetProperty("usefulness");
                Object(map, "usefulness");
                foreach (var entry in map.EnumerateObject()) usefulness[entry.Name] = Number(entry.Value, $"usefulness.{entry.Name}");
            }

            return new PlanScenario(
                Text(root, "name", ""),
                Month(root, "startMonth"),
                horizon,
                Text(root, "referenceSku", ""),
                unit,
                Number(root, "discountRateAnnual", ""),
                Present(root, "unmetPenaltyUsdPerGpuMonth") ? Number(root, "unmetPenaltyUsdPerGpuMonth", "") : null,
                usefulness,
                skus,
                Array(root, "regions", "", required: true, (e, at) => Region(e, at, horizon)),
                Array(root, "offers", "", required: false, Offer),
                Array(root, "spot", "", required: false, Spot));
        }

        private PlanRegion Region(JsonElement e, string at, int horizon)
        {
            Object(e, at);
            Known(e, at, ["id", "demand", "fleet", "build", "notes"]);
            return new PlanRegion(
                Text(e, "id", at),
                Demand(e, $"{at}.demand", horizon),
                Array(e, "fleet", at, required: false, Fleet),
                Array(e, "build", at, required: false, Build));
        }

        private decimal[] Demand(JsonElement region, string at, int horizon)
        {
            if (!Present(region, "demand")) throw Fail(at, "is required");
            var demand = region.GetProperty("demand");
            if (demand.ValueKind != JsonValueKind.Array)
                throw Fail(at, $"must be an array of monthly figures or of {{fromMonth, toMonth, amount}} segments, got {Describe(demand)}");
            var items = demand.EnumerateArray().ToList();
            var monthly = new decimal[horizon];
            if (items.Count > 0 && items[0].ValueKind == JsonValueKind.Number)
            {
                if (items.Count != horizon) throw Fail(at, $"a monthly array must give one figure per month of the horizon ({horizon}), got {items.Count}");
                for (var m = 0; m < horizon; m++) monthly[m] = Number(items[m], $"{at}[{m}]");
                return monthly;
            }

            var covered = new bool[horizon];
            for (var i = 0; i < items.Count; i++)
            {
                var item = items[i];
                var sat = $"{at}[{i}]";
                Object(item, sat);
                Known(item, sat, ["fromMonth", "toMonth", "amount", "toAmount"]);
                var from = Whole(item, "fromMonth", sat);
                var to = Whole(item, "toMonth", sat);
                if (from < 0 || from >= horizon) throw Fail($"{sat}.fromMonth", $"must be 0 to {horizon - 1}, got {from}");
                if (to <= from || to > horizon) throw Fail($"{sat}.toMonth", $"must be after fromMonth {from} and at most the horizon {horizon}, got {to}");
                var amount = Number(item, "amount", sat);
                var toAmount = Present(item, "toAmount") ? Number(item, "toAmount", sat) : amount;
                if (amount < 0m) throw Fail($"{sat}.amount", $"must be >= 0, got {Format(amount)}");
                if (toAmount < 0m) throw Fail($"{sat}.toAmount", $"must be >= 0, got {Format(toAmount)}");
                for (var m = from; m < to; m++)
                {
                    if (covered[m]) throw Fail(sat, $"overlaps an earlier segment at month {m}");
                    covered[m] = true;
                    // A ramp runs from amount in fromMonth to toAmount in the segment's last month.
                    monthly[m] = to - from == 1 ? amount : amount + (toAmount - amount) * (m - from) / (to - from - 1);
                }
            }
            return monthly;
        }

        private FleetEntry Fleet(JsonElement e, string at)
        {
            Object(e, at);
            Known(e, at, ["sku", "gpus", "onlineMonth", "retireMonth", "notes"]);
            return new FleetEntry(
                Text(e, "sku", at),
                Whole(e, "gpus", at),
                Present(e, "onlineMonth") ? Whole(e, "onlineMonth", at) : 0,
                Present(e, "retireMonth") ? Whole(e, "retireMonth", at) : null);
        }

        private BuildOption Build(JsonElement e, string at)
        {
            Object(e, at);
            Known(e, at, [
                "id", "sku", "facilityUsdPerMw", "equipmentUsdPerGpu", "kwPerGpu", "pue", "powerUsdPerMwh",
                "opexUsdPerGpuMonth", "leadTimeMonths", "mwBlock", "maxMwPerYear", "lifeMonths", "notes"]);
            return new BuildOption(
                Text(e, "id", at),
                Text(e, "sku", at),
                Number(e, "facilityUsdPerMw", at),
                Number(e, "equipmentUsdPerGpu", at),
                Number(e, "kwPerGpu", at),
                Number(e, "pue", at),
                Number(e, "powerUsdPerMwh", at),
                Present(e, "opexUsdPerGpuMonth") ? Number(e, "opexUsdPerGpuMonth", at) : 0m,
                Whole(e, "leadTimeMonths", at),
                Number(e, "mwBlock", at),
                Number(e, "maxMwPerYear", at),
                Whole(e, "lifeMonths", at));
        }

        private OfftakeOffer Offer(JsonElement e, string at)
        {
            Object(e, at);
            Known(e, at, [
                "id", "provider", "sku", "region", "pricePerGpuHour", "prepaymentFraction", "divisible",
                "earliestStartMonth", "tranches", "notes"]);
            return new OfftakeOffer(
                Text(e, "id", at),
                Text(e, "provider", at),
                Text(e, "sku", at),
                Text(e, "region", at),
                Number(e, "pricePerGpuHour", at),
                Present(e, "prepaymentFraction") ? Number(e, "prepaymentFraction", at) : 0m,
                Present(e, "divisible") && Bool(e, "divisible", at),
                Present(e, "earliestStartMonth") ? Whole(e, "earliestStartMonth", at) : 0,
                Array(e, "tranches", at, required: true, Tranche));
        }

        private OfferTranche Tranche(JsonElement e, string at)
        {
            Object(e, at);
            Known(e, at, ["gpus", "startMonth", "termMonths"]);
            return new OfferTranche(Whole(e, "gpus", at), Present(e, "startMonth") ? Whole(e, "startMonth", at) : 0, Whole(e, "termMonths", at));
        }

        private SpotMarket Spot(JsonElement e, string at)
        {
            Object(e, at);
            Known(e, at, ["sku", "region", "pricePerGpuHour", "maxGpusPerMonth", "notes"]);
            var pat = $"{at}.pricePerGpuHour";
            if (!Present(e, "pricePerGpuHour")) throw Fail(pat, "is required");
            var price = e.GetProperty("pricePerGpuHour");
            decimal[] curve = price.ValueKind switch
            {
                JsonValueKind.Number => [Number(price, pat)],
                JsonValueKind.Array => price.EnumerateArray().Select((p, i) => Number(p, $"{pat}[{i}]")).ToArray(),
                _ => throw Fail(pat, $"must be a number or an array of monthly prices, got {Describe(price)}"),
            };
            return new SpotMarket(Text(e, "sku", at), OptionalText(e, "region", at), curve, Whole(e, "maxGpusPerMonth", at));
        }

        private T[] Array<T>(JsonElement parent, string name, string at, bool required, Func<JsonElement, string, T> read)
        {
            var path = Join(at, name);
            if (!Present(parent, name))
            {
                return required ? throw Fail(path, "is required") : [];
            }
            var array = parent.GetProperty(name);
            if (array.ValueKind != JsonValueKind.Array) throw Fail(path, $"must be an array, got {Describe(array)}");
            return array.EnumerateArray().Select((item, i) => read(item, $"{path}[{i}]")).ToArray();
        }

        private DateOnly Month(JsonElement e, string name)
        {
            var text = Text(e, name, "");
            return DateOnly.TryParseExact(text, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month)
                ? month
                : throw Fail(name, $"must be a month as \"yyyy-MM\", got \"{text}\"");
        }

        private string Text(JsonElement e, string name, string at) =>
            OptionalText(e, name, at) ?? throw Fail(Join(at, name), "is required");

        private string? OptionalText(JsonElement e, string name, string at)
        {
            if (!Present(e, name)) return null;
            var value = e.GetProperty(name);
            return value.ValueKind == JsonValueKind.String
                ? value.GetString()!
                : throw Fail(Join(at, name), $"must be a string, got {Describe(value)}");
        }

        private decimal Number(JsonElement e, string name, string at)
        {
            if (!Present(e, name)) throw Fail(Join(at, name), "is required");
            return Number(e.GetProperty(name), Join(at, name));
        }

        private decimal Number(JsonElement value, string path) =>
            value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number)
                ? number
                : throw Fail(path, $"must be a number, got {Describe(value)}");

        private int Whole(JsonElement e, string name, string at)
        {
            var path = Join(at, name);
            if (!Present(e, name)) throw Fail(path, "is required");
            var value = e.GetProperty(name);
            return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
                ? number
                : throw Fail(path, $"must be a whole number, got {Describe(value)}");
        }

        private bool Bool(JsonElement e, string name, string at)
        {
            var value = e.GetProperty(name);
            return value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Fail(Join(at, name), $"must be true or false, got {Describe(value)}"),
            };
        }

        private void Object(JsonElement e, string at)
        {
            if (e.ValueKind != JsonValueKind.Object) throw Fail(at, $"must be an object, got {Describe(e)}");
        }

        private void Known(JsonElement e, string at, string[] names)
        {
            foreach (var property in e.EnumerateObject())
            {
                if (!names.Contains(property.Name)) throw Fail(Join(at, property.Name), "is not a known field");
            }
        }

        private static bool Present(JsonElement e, string name) =>
            e.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

        private static string Join(string at, string name) => at.Length == 0 ? name : $"{at}.{name}";

        private static FieldException Fail(string path, string problem) => new(path, problem);

        private static string Describe(JsonElement value) => JsonDescription.Of(value);

        private static string Format(decimal value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
