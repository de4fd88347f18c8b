using System.Globalization;
using System.Text.Json;
using Neocloud.Domain.Catalog;
using Neocloud.Domain.Input;
using Neocloud.Economics.Escalation;

namespace Neocloud.Economics.Deals;

/// <summary>
/// Reads a deal file (DESIGN.md field names) into validated <see cref="DealTerms"/>, or the <see cref="FieldErrors"/>
/// naming the field that is wrong and why. Presets carry extra descriptive fields (<c>id</c>, <c>title</c>, <c>sources</c>, …), which are allowed.
/// An escalator is <c>priceIndex</c> (<c>fixed</c> or <c>series</c>; <c>exchange</c> is refused, a deal has no exchange)
/// with a series' values inline as <c>indexValues: [{month, value}]</c> by deal month; delivery damages are
/// <c>ldPercentPerMonth</c> and <c>ldCapPercent</c> (percent numbers, the cap 100 unless given) with a tranche's
/// <c>delayMonths</c> (less than its term).
/// </summary>
public static class DealJson
{
    private static readonly HashSet<string> s_descriptive = ["id", "title", "buyer", "seller", "sku", "notes", "sources", "$schema"];

    private static readonly HashSet<string> s_fields =
    [
        "tranches", "tcvUsd", "pricePerGpuHour", "prepaymentFraction", "prepaymentCreditFromMonth", "equipmentUsd", "equipmentUsdPerGpu",
        "facilityUsdPerMw", "kwPerGpu", "pue", "powerUsdPerMwh", "otherOpexFraction", "residualFraction", "discountRateAnnual",
        "depreciationMonths", "buyerView", "utilization", "priceIndex", "indexValues", "ldPercentPerMonth", "ldCapPercent",
    ];

    /// <summary>Parses and validates deal JSON; on failure the errors name the first bad field.</summary>
    public static ParseResult<DealTerms> Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            return ParseResult<DealTerms>.Failed("$", $"not valid JSON at line {(e.LineNumber ?? 0) + 1}, position {(e.BytePositionInLine ?? 0) + 1}");
        }
        using (document)
        {
            try
            {
                return ParseResult<DealTerms>.Ok(Read(document.RootElement));
            }
            catch (DealFieldException e)
            {
                return ParseResult<DealTerms>.Failed(e.Field, e.Problem);
            }
        }
    }

    private static DealTerms Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new DealFieldException("$", "a deal must be a JSON object");
        foreach (var property in root.EnumerateObject())
        {
            if (!s_fields.Contains(property.Name) && !s_descriptive.Contains(property.Name))
                throw new DealFieldException(property.Name, "is not a known field");
        }

        var tranches = Tranches(root);
        var index = Has(root, "priceIndex") ? Index(root.GetProperty("priceIndex")) : null;
        var values = Has(root, "indexValues") ? IndexValues(root.GetProperty("indexValues")) : null;
        if (values is not null && index?.Kind != IndexKind.Series)
            throw new DealFieldException("indexValues", "only a priceIndex of kind \"series\" reads indexValues");
        if (values is null && index?.Kind == IndexKind.Series)
            throw new DealFieldException("indexValues", "a series escalator needs its values: [{month, value}] by deal month");
        Pricing pricing = (Has(root, "tcvUsd"), Has(root, "pricePerGpuHour")) switch
        {
            (true, true) => throw new DealFieldException("tcvUsd", "give either tcvUsd or pricePerGpuHour, not both"),
            (false, false) => throw new DealFieldException("pricePerGpuHour", "give either tcvUsd or pricePerGpuHour"),
            (true, false) => new Pricing.TotalContractValue(Number(root, "tcvUsd", min: 0m, max: 1e13m, exclusiveMin: true)),
            _ => new Pricing.PerGpuHour(Number(root, "pricePerGpuHour", min: 0m, max: 10_000m, exclusiveMin: true)),
        };
        Equipment equipment = (Has(root, "equipmentUsd"), Has(root, "equipmentUsdPerGpu")) switch
        {
            (true, true) => throw new DealFieldException("equipmentUsd", "give either equipmentUsd or equipmentUsdPerGpu, not both"),
            (false, false) => throw new DealFieldException("equipmentUsd", "give either equipmentUsd or equipmentUsdPerGpu"),
            (true, false) => new Equipment.Total(Number(root, "equipmentUsd", min: 0m, max: 1e13m)),
            _ => new Equipment.PerGpu(Number(root, "equipmentUsdPerGpu", min: 0m, max: 1e8m)),
        };

        return new DealTerms(
            tranches,
            pricing,
            Number(root, "prepaymentFraction", 0m, 1m),
            Has(root, "prepaymentCreditFromMonth") ? Whole(root, "prepaymentCreditFromMonth", 0, 1200) : 0,
            equipment,
            Number(root, "facilityUsdPerMw", 0m, 1e9m),
            Number(root, "kwPerGpu", 0m, 100m, exclusiveMin: true),
            Number(root, "pue", 1m, 5m),
            Number(root, "powerUsdPerMwh", 0m, 10_000m),
            Number(root, "otherOpexFraction", 0m, 1m),
            Number(root, "residualFraction", 0m, 1m),
            Number(root, "discountRateAnnual", -0.99m, 10m),
            Whole(root, "depreciationMonths", 1, 1200),
            Has(root, "buyerView") ? Buyer(root.GetProperty("buyerView")) : null,
            Has(root, "utilization") ? Number(root, "utilization", 0m, 1m, exclusiveMin: true) : 1m,
            0,
            index,
            values,
            Has(root, "ldPercentPerMonth") ? Number(root, "ldPercentPerMonth", 0m, 100m) : 0m,
            Has(root, "ldCapPercent") ? Number(root, "ldCapPercent", 0m, 100m) : 100m);
    }

    private static PriceIndex Index(JsonElement element)
    {
        const string at = "priceIndex";
        if (element.ValueKind != JsonValueKind.Object) throw new DealFieldException(at, "must be an object {kind, ratePerYear, series, resetEveryMonths, floor, cap}");
        string[] known = ["kind", "ratePerYear", "series", "sku", "resetEveryMonths", "floor", "cap"];
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name)) throw new DealFieldException($"{at}.{property.Name}", "is not a known field");
        }
        if (!element.TryGetProperty("kind", out var kindValue) || kindValue.ValueKind != JsonValueKind.String)
            throw new DealFieldException($"{at}.kind", "must be \"fixed\" or \"series\"");
        var kind = kindValue.GetString() switch
        {
            "fixed" => IndexKind.Fixed,
            "series" => IndexKind.Series,
            "exchange" => throw new DealFieldException($"{at}.kind", "a deal has no exchange to follow: use \"series\" with indexValues"),
            var other => throw new DealFieldException($"{at}.kind", $"must be \"fixed\" or \"series\", got \"{other}\""),
        };
        var index = new PriceIndex(
            kind,
            Has(element, "ratePerYear") ? Number(element, "ratePerYear", -1m, 1m, exclusiveMin: true, prefix: at) : null,
            Has(element, "series") ? Text(element, "series", at) : null,
            null,
            Has(element, "resetEveryMonths") ? Whole(element, "resetEveryMonths", 1, PriceIndex.MaxResetMonths, at) : 12,
            Has(element, "floor") ? Number(element, "floor", 0m, 1000m, exclusiveMin: true, prefix: at) : null,
            Has(element, "cap") ? Number(element, "cap", 0m, 1000m, exclusiveMin: true, prefix: at) : null);
        var errors = new FieldErrors();
        index.Check(at, errors);
        if (!errors.IsEmpty)
        {
            var first = errors.First();
            throw new DealFieldException(first.Key, first.Value[0]);
        }
        return index;
    }

    private static Dictionary<int, decimal> IndexValues(JsonElement array)
    {
        const string at = "indexValues";
        if (array.ValueKind != JsonValueKind.Array) throw new DealFieldException(at, "must be an array of {month, value}");
        if (array.GetArrayLength() is 0 or > 1200) throw new DealFieldException(at, "must hold 1 to 1200 values");
        var values = new Dictionary<int, decimal>();
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            var path = $"{at}[{i++}]";
            if (item.ValueKind != JsonValueKind.Object) throw new DealFieldException(path, "must be an object {month, value}");
            foreach (var property in item.EnumerateObject())
            {
                if (property.Name is not ("month" or "value")) throw new DealFieldException($"{path}.{property.Name}", "is not a known field");
            }
            var month = Whole(item, "month", 0, 1200, path);
            var value = Number(item, "value", 0m, 1e12m, exclusiveMin: true, prefix: path);
            if (!values.TryAdd(month, value)) throw new DealFieldException($"{path}.month", $"month {month} is given more than once");
        }
        return values;
    }

    private static string Text(JsonElement element, string name, string prefix)
    {
        var value = element.GetProperty(name);
        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 and <= 64 } text)
            throw new DealFieldException($"{prefix}.{name}", $"must be a name of 1 to 64 characters, got {Describe(value)}");
        return text;
    }

    private static List<Tranche> Tranches(JsonElement root)
    {
        if (!Has(root, "tranches")) throw new DealFieldException("tranches", "is required");
        var array = root.GetProperty("tranches");
        if (array.ValueKind != JsonValueKind.Array) throw new DealFieldException("tranches", "must be an array of {gpus, startMonth, termMonths}");
        if (array.GetArrayLength() is 0 or > 240) throw new DealFieldException("tranches", "must hold 1 to 240 tranches");
        var tranches = new List<Tranche>();
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var at = $"tranches[{index++}]";
            if (item.ValueKind != JsonValueKind.Object) throw new DealFieldException(at, "must be an object {gpus, startMonth, termMonths}");
            foreach (var property in item.EnumerateObject())
            {
                if (property.Name is not ("gpus" or "startMonth" or "termMonths" or "delayMonths")) throw new DealFieldException($"{at}.{property.Name}", "is not a known field");
            }
            var gpus = Whole(item, "gpus", 1, 10_000_000, at);
            var start = Whole(item, "startMonth", 0, 600, at);
            var term = Whole(item, "termMonths", 1, 600, at);
            var delay = Has(item, "delayMonths") ? Whole(item, "delayMonths", 0, 600, at) : 0;
            if (delay >= term) throw new DealFieldException($"{at}.delayMonths", $"must be less than termMonths ({term}): a tranche delivers at least one month, got {delay}");
            tranches.Add(new Tranche(gpus, start, term, delay));
        }
        return tranches;
    }

    private static BuyerView Buyer(JsonElement view)
    {
        const string at = "buyerView";
        if (view.ValueKind != JsonValueKind.Object) throw new DealFieldException(at, "must be an object");
        string[] known = ["discountRateAnnual", "equipmentUsdPerGpu", "facilityUsdPerMw", "powerUsdPerMwh", "pue", "opexUsdPerGpuMonth", "buildDelayMonths"];
        foreach (var property in view.EnumerateObject())
        {
            if (!known.Contains(property.Name)) throw new DealFieldException($"{at}.{property.Name}", "is not a known field");
        }
        return new BuyerView(
            Number(view, "discountRateAnnual", -0.99m, 10m, prefix: at),
            Number(view, "equipmentUsdPerGpu", 0m, 1e8m, prefix: at),
            Number(view, "facilityUsdPerMw", 0m, 1e9m, prefix: at),
            Number(view, "powerUsdPerMwh", 0m, 10_000m, prefix: at),
            Number(view, "pue", 1m, 5m, prefix: at),
            Number(view, "opexUsdPerGpuMonth", 0m, 1e6m, prefix: at),
            Whole(view, "buildDelayMonths", 0, 240, at));
    }

    private static bool Has(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    private static decimal Number(JsonElement element, string name, decimal min, decimal max, bool exclusiveMin = false, string? prefix = null)
    {
        var field = prefix is null ? name : $"{prefix}.{name}";
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) throw new DealFieldException(field, "is required");
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var number))
            throw new DealFieldException(field, $"must be a number, got {Describe(value)}");
        if (exclusiveMin ? number <= min : number < min)
            throw new DealFieldException(field, $"must be {(exclusiveMin ? ">" : ">=")} {Format(min)}, got {Format(number)}");
        if (number > max) throw new DealFieldException(field, $"must be <= {Format(max)}, got {Format(number)}");
        return number;
    }

    private static int Whole(JsonElement element, string name, int min, int max, string? prefix = null)
    {
        var field = prefix is null ? name : $"{prefix}.{name}";
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) throw new DealFieldException(field, "is required");
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
            throw new DealFieldException(field, $"must be a whole number, got {Describe(value)}");
        if (number < min) throw new DealFieldException(field, $"must be >= {min}, got {number}");
        if (number > max) throw new DealFieldException(field, $"must be <= {max}, got {number}");
        return (int)number;
    }

    private static string Describe(JsonElement value) => JsonDescription.Of(value);

    private static string Format(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Unwinds the reader at the first bad field; never leaves <see cref="Parse"/>.</summary>
    private sealed class DealFieldException(string field, string problem) : Exception($"{field}: {problem}")
    {
        public string Field { get; } = field;
        public string Problem { get; } = problem;
    }
}
