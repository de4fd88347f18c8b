using System.Globalization;
using System.Text.Json.Serialization;
using Neocloud.Domain.Input;
using Neocloud.Economics.Rates;

namespace Neocloud.Economics.Escalation;

/// <summary>What a price index follows.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IndexKind>))]
public enum IndexKind
{
    /// <summary>A fixed rate a year, compounded.</summary>
    [JsonStringEnumMemberName("fixed")] Fixed,
    /// <summary>A series of monthly values an administrator uploads (<c>POST /api/v1/indices/{name}</c>).</summary>
    [JsonStringEnumMemberName("series")] Series,
    /// <summary>This exchange's monthly volume-weighted price of a SKU.</summary>
    [JsonStringEnumMemberName("exchange")] Exchange,
}

/// <summary>
/// An escalator (DESIGN.md "The contract book"): at each reset month <c>r</c> (the start, then every
/// <see cref="ResetEveryMonths"/> months) the price becomes <c>base × f(r)</c>, where <c>f</c> is
/// <c>(1 + rate)^(months since start / 12)</c> for <see cref="IndexKind.Fixed"/> and <c>index(r) / index(start)</c>
/// for a series or the exchange's VWAP, clamped to [<see cref="Floor"/>, <see cref="Cap"/>]. Months are counted on
/// one integer scale (a deal's month numbers, or <c>CalendarMonth.Index</c>).
/// </summary>
public sealed record PriceIndex(
    IndexKind Kind,
    decimal? RatePerYear = null,
    string? Series = null,
    string? Sku = null,
    int ResetEveryMonths = 12,
    decimal? Floor = null,
    decimal? Cap = null)
{
    /// <summary>The decimal places a factor is rounded to.</summary>
    public const int FactorDecimals = 10;

    /// <summary>The longest reset period: ten years.</summary>
    public const int MaxResetMonths = 120;

    /// <summary>The name under which the exchange's monthly VWAP of <paramref name="sku"/> is looked up.</summary>
    public static string ExchangeValuesName(string sku) => $"exchange:{sku}";

    /// <summary>The reset month in force in <paramref name="month"/> (the last reset at or before it), or null before <paramref name="start"/>.</summary>
    public int? ResetFor(int month, int start) =>
        month < start ? null : start + (month - start) / ResetEveryMonths * ResetEveryMonths;

    /// <summary>
    /// The factor in force in <paramref name="month"/> for a price whose escalation starts in <paramref name="start"/>:
    /// 1 before the start; else <c>f</c> at the last reset, clamped. A series or exchange index takes its latest
    /// value at or before a month (<paramref name="valueAt"/>); while either the start's or the reset's value is
    /// unknown the factor is 1. The factor is rounded half-even to <see cref="FactorDecimals"/> places, so the billed
    /// price (base × factor) and every amount from it are exact decimals, the same in every implementation.
    /// </summary>
    public decimal Factor(int month, int start, Func<int, decimal?> valueAt)
    {
        if (ResetFor(month, start) is not { } reset) return 1m;
        var raw = Kind switch
        {
            IndexKind.Fixed => Discounting.Power(1m + Discounting.MonthlyFromAnnual(RatePerYear ?? 0m), reset - start),
            _ => valueAt(start) is { } first and > 0m && valueAt(reset) is { } now ? now / first : 1m,
        };
        if (Floor is { } floor && raw < floor) raw = floor;
        if (Cap is { } cap && raw > cap) raw = cap;
        return decimal.Round(raw, FactorDecimals, MidpointRounding.ToEven);
    }

    /// <summary>Checks the index's fields; problems are added under <paramref name="path"/> (e.g. <c>priceIndex</c>).</summary>
    public void Check(string path, FieldErrors errors)
    {
        switch (Kind)
        {
            case IndexKind.Fixed when RatePerYear is null:
                errors.Add($"{path}.ratePerYear", "a fixed escalator needs ratePerYear");
                break;
            case IndexKind.Fixed when RatePerYear is <= -1m or > 1m:
                errors.Add($"{path}.ratePerYear", $"must be above -1 and at most 1, got {Text(RatePerYear!.Value)}");
                break;
            case IndexKind.Series when string.IsNullOrWhiteSpace(Series):
                errors.Add($"{path}.series", "a series escalator needs the series' name");
                break;
            case IndexKind.Exchange when string.IsNullOrWhiteSpace(Sku):
                errors.Add($"{path}.sku", "an exchange escalator needs the SKU whose VWAP it follows");
                break;
        }
        if (ResetEveryMonths is < 1 or > MaxResetMonths) errors.Add($"{path}.resetEveryMonths", $"must be 1 to {MaxResetMonths}, got {ResetEveryMonths}");
        if (Floor is <= 0m) errors.Add($"{path}.floor", $"must be positive, got {Text(Floor.Value)}");
        if (Cap is <= 0m) errors.Add($"{path}.cap", $"must be positive, got {Text(Cap.Value)}");
        if (Floor is { } f && Cap is { } c && c < f) errors.Add($"{path}.cap", $"must not be below the floor ({Text(f)}), got {Text(c)}");
    }

    private static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
