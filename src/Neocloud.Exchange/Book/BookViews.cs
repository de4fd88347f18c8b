using Neocloud.Offtake.Contracts;

namespace Neocloud.Exchange.Book;

/// <summary>
/// One remaining month of a contract's mark as shown: the month (<c>yyyy-MM</c>), k (months after the current one),
/// the caller's GPUs, hours billed per GPU, the curve's and the billed price per GPU-hour (4 decimals), and the value and
/// its discounted value in USD (cents), signed for the caller; the curve price and values are null when the curve has
/// no value.
/// </summary>
public sealed record MarkMonthView(string Month, int K, int Gpus, int Hours, decimal? CurvePrice, decimal BilledPrice, decimal? ValueUsd, decimal? DiscountedUsd)
{
    public static MarkMonthView Of(MarkMonth m) =>
        new(m.Month.ToString(), m.K, m.Gpus, m.Hours, m.CurvePrice, Round(m.BilledPrice, 4), Cents(m.ValueUsd), Cents(m.DiscountedUsd));

    internal static decimal? Cents(decimal? usd) => usd is { } v ? Round(v, 2) : null;

    internal static decimal Round(decimal value, int decimals) => decimal.Round(value, decimals, MidpointRounding.ToEven);
}

/// <summary>
/// A contract marked to its SKU's forward curve for the caller (<c>buyer</c>, <c>seller</c> or <c>assignee</c>) as of
/// an instant: the annual rate its months are discounted at, the months after the current one that it still runs, and
/// the total (the rounded sum of the unrounded discounted values).
/// </summary>
public sealed record ContractMarksView(string Contract, string Sku, MarkSide Side, DateTimeOffset AsOf, decimal RatePerYear, IReadOnlyList<MarkMonthView> Months,
    decimal TotalUsd);

/// <summary>A SKU's part of a book's mark: contracts, spot holdings, and both.</summary>
public sealed record BookSkuView(string Sku, decimal ContractsUsd, decimal SpotUsd, decimal TotalUsd);

/// <summary>A calendar year's part of a book's mark: the marked months that fall in it.</summary>
public sealed record BookYearView(int Year, decimal ContractsUsd, decimal SpotUsd, decimal TotalUsd);

/// <summary>One contract of a book: its SKU, the caller's side, and its mark.</summary>
public sealed record BookContractView(string Id, string Sku, MarkSide Side, decimal TotalUsd);

/// <summary>
/// One spot holding of a book: a trade whose window has hours after now, the caller's side, the GPU-hours left, the
/// trade's price per GPU-hour, and its mark.
/// </summary>
public sealed record BookSpotView(long Trade, string Sku, MarkSide Side, long GpuHours, decimal Price, decimal TotalUsd);

/// <summary>
/// The caller's book marked to the forward curves as of an instant: totals by SKU and by calendar year, every contract
/// and spot holding, and the whole (each figure the rounded sum of unrounded discounted values).
/// </summary>
public sealed record BookMarksView(DateTimeOffset AsOf, IReadOnlyList<BookSkuView> BySku, IReadOnlyList<BookYearView> ByYear, IReadOnlyList<BookContractView> Contracts,
    IReadOnlyList<BookSpotView> Spot, decimal ContractsUsd, decimal SpotUsd, decimal TotalUsd);
