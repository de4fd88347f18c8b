using System.Text.Json.Serialization;
using Neocloud.Domain.Time;
using Neocloud.Economics.Rates;

namespace Neocloud.Offtake.Contracts;

/// <summary>Which side of a contract a mark is taken for.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MarkSide>))]
public enum MarkSide
{
    /// <summary>The buyer: the GPUs it has not assigned away.</summary>
    [JsonStringEnumMemberName("buyer")] Buyer,
    /// <summary>The seller: minus the whole contract's mark.</summary>
    [JsonStringEnumMemberName("seller")] Seller,
    /// <summary>An assignee: the GPUs its accepted assignments hold.</summary>
    [JsonStringEnumMemberName("assignee")] Assignee,
}

/// <summary>
/// One remaining month of a contract's mark: the party's GPUs, the hours billed per GPU, the curve's and the billed
/// price per GPU-hour, and the value (curve − billed) × GPUs × hours, undiscounted and discounted by <c>(1 + r)^k</c>,
/// signed for the party; both null when the curve has no value for the month. Values are exact (unrounded).
/// </summary>
public sealed record MarkMonth(CalendarMonth Month, int K, int Gpus, int Hours, decimal? CurvePrice, decimal BilledPrice, decimal? ValueUsd,
    decimal? DiscountedUsd);

/// <summary>
/// A contract's mark for one party: its side, the annual rate discounted at, the remaining months, and the total —
/// the sum of the exact discounted values rounded half-even to cents.
/// </summary>
public sealed record ContractMark(MarkSide Side, decimal RatePerYear, IReadOnlyList<MarkMonth> Months, decimal TotalUsd);

/// <summary>
/// Marks a contract to the forward curve (DESIGN.md, "Forward curve and marks"): for its buyer, Σ over the months
/// k = 1, 2, … after the current one that it still runs of (curve(m) − billed price(m)) × GPUs contracted in m ×
/// hours(m) / (1 + r)^k, with r = (1 + annual rate)^(1/12) − 1; the seller's mark is its negative.
/// </summary>
public static class ContractMarks
{
    /// <summary>The annual rate a contract without an RFQ is discounted at.</summary>
    public const decimal DefaultRatePerYear = 0.10m;

    /// <summary>
    /// The mark of a contract for one party as of <paramref name="now"/> (the current month, k = 0, is not marked).
    /// GPUs contracted in a month are those of the tranches whose term covers it and that a termination did not
    /// cancel (a late tranche still counts); the buyer's are those less what accepted assignments hold in the month,
    /// an assignee's (<paramref name="assignee"/>) what its accepted assignments hold, the seller's the whole
    /// contract's with the sign turned. <paramref name="curve"/> gives the curve's price of a month (null: the month
    /// contributes nothing).
    /// </summary>
    public static ContractMark Of(ContractTerms terms, ContractHistory history, MarkSide side, string? assignee, decimal ratePerYear, CalendarMonth now,
        Func<CalendarMonth, decimal?> curve)
    {
        if (side == MarkSide.Assignee) ArgumentNullException.ThrowIfNull(assignee);
        var growth = 1m + Discounting.MonthlyFromAnnual(ratePerYear);
        var sign = side == MarkSide.Seller ? -1m : 1m;
        var months = new List<MarkMonth>();
        var discount = 1m;
        for (var month = now.AddMonths(1); month < terms.End; month = month.AddMonths(1))
        {
            // (1 + r)^k, k = months after the current one, built up one month at a time.
            discount *= growth;
            var running = terms.Tranches.Where(t => t.Start <= month && month < t.End && !history.IsCancelled(t.Number)).ToList();
            if (running.Count == 0) continue;
            var gpus = running.Sum(t => GpusOf(t, month, history, side, assignee));
            var (hours, _, billed) = ContractLedger.PriceIn(terms, history, month);
            var price = curve(month);
            decimal? value = price is { } p ? sign * (p - billed) * gpus * hours : null;
            months.Add(new MarkMonth(month, month.MonthsSince(now), gpus, hours, price, billed, value, value / discount));
        }
        var total = months.Sum(m => m.DiscountedUsd ?? 0m);
        return new ContractMark(side, ratePerYear, months, decimal.Round(total, 2, MidpointRounding.ToEven));
    }

    private static int GpusOf(ContractTranche tranche, CalendarMonth month, ContractHistory history, MarkSide side, string? assignee) => side switch
    {
        MarkSide.Buyer => tranche.Gpus - history.Accepted.Sum(a => a.GpusOf(tranche.Number, month)),
        MarkSide.Assignee => history.Accepted.Where(a => a.To == assignee).Sum(a => a.GpusOf(tranche.Number, month)),
        _ => tranche.Gpus,
    };
}
