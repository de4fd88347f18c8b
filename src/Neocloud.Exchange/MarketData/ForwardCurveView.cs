using System.Globalization;
using Neocloud.Domain.Time;
using Neocloud.Market.Curve;

namespace Neocloud.Exchange.MarketData;

/// <summary>
/// One month of the forward curve: the month (<c>yyyy-MM</c>), its price per GPU-hour with exactly 4 decimals (null when
/// the curve has no value anywhere), and where it comes from: <c>trades</c>, <c>book</c>, <c>interpolated</c>,
/// <c>flat</c>, or <c>none</c> (no value anywhere).
/// </summary>
public sealed record CurveMonthView(string Month, string? Price, string Source)
{
    public static CurveMonthView Of(CurveMonth m) =>
        new(m.Month.ToString(), m.Price?.ToString("0.0000", CultureInfo.InvariantCulture), m.Source.ToString().ToLowerInvariant());
}

/// <summary>The monthly forward curve of a SKU as of an instant: 36 months from the current UTC month.</summary>
public sealed record ForwardCurveView(string Sku, DateTimeOffset AsOf, IReadOnlyList<CurveMonthView> Months)
{
    public static ForwardCurveView Of(string sku, DateTimeOffset asOf, IReadOnlyList<CurveMonth> curve) =>
        new(sku, asOf.ToUniversalTime(), curve.Select(CurveMonthView.Of).ToList());

    /// <summary>
    /// The curve's price for <paramref name="month"/> in USD per GPU-hour: null before the curve's first month or when
    /// the curve has no value; beyond its last month the last value holds (as a contract's mark reads it).
    /// </summary>
    public decimal? PriceOf(CalendarMonth month)
    {
        if (Months.Count == 0) return null;
        var first = CalendarMonth.Parse(Months[0].Month);
        var index = Math.Min(month.MonthsSince(first), Months.Count - 1);
        return index < 0 || Months[index].Price is not { } text ? null : decimal.Parse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
    }
}
