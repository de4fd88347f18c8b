using System.Globalization;
using System.Text.Json;
using Neocloud.Domain.Catalog;
using Neocloud.Domain.Input;

namespace Neocloud.Economics.Deals;

/// <summary>
/// Reads a deal file (DESIGN.md field names) into validated <see cref="DealTerms"/>, or the <see cref="FieldErrors"/>
/// naming the field that is wrong and why. Presets carry extra descriptive fields (<c>id</c>, <c>title</c>, <c>sources</c>, …), which are allowed.
/// </summary>
public static class DealJson
{
    private static readonly HashSet<string> s_descriptive = ["id", "title", "buyer", "seller", "sku", "notes", "sources", "$schema"];

    private static readonly HashSet<string> s_fields =
    [
        "tranches", "tcvUsd", "pricePerGpuHour", "prepaymentFraction", "prepaymentCreditFromMonth", "equipmentUsd", "equipmentUsdPerGpu",
        "facilityUsdPerMw", "kwPerGpu", "pue", "powerUsdPerMwh", "otherOpexFraction", "residualFraction", "discountRateAnnual",
        "depreciationMonths", "buyerView", "utilization",
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
            Has(root, "utilization") ? Number(root, "utilization", 0m, 1m, exclusiveMin: true) : 1m);
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
                if (property.Name is not ("gpus" or "startMonth" or "termMonths")) throw new DealFieldException($"{at}.{property.Name}", "is not a known field");
            }
            tranches.Add(new Tranche(
                Whole(item, "gpus", 1, 10_000_000, at),
                Whole(item, "startMonth", 0, 600, at),
                Whole(item, "termMonths", 1, 600, at)));
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
