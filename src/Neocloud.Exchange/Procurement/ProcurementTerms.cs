using System.Globalization;
using Neocloud.Domain.Catalog;
using Neocloud.Domain.Input;
using Neocloud.Domain.Money;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Orders;
using Neocloud.Market.Commands;

namespace Neocloud.Exchange.Procurement;

/// <summary>
/// What a standing procurement keeps: <see cref="Gpus"/> GPUs of <see cref="Sku"/> (in <see cref="Region"/>,
/// or any) held for the next <see cref="HorizonHours"/> hours, bought in blocks of <see cref="BlockHours"/>
/// hours at no more than <see cref="MaxPrice"/> per GPU-hour. Made only by <see cref="Check"/> (the server's reader of
/// a request body calls it) or <see cref="Create"/>, which name every bad field.
/// </summary>
public sealed record ProcurementTerms
{
    /// <summary>The longest horizon: two years of hours.</summary>
    public const int MaxHorizonHours = 17_520;

    /// <summary>The most blocks one horizon may need, so that one top-up places a bounded number of bids.</summary>
    public const int MaxBlocksPerHorizon = 1_000;

    private ProcurementTerms(string sku, string? region, int gpus, int horizonHours, int blockHours, Price maxPrice)
    {
        Sku = sku;
        Region = region;
        Gpus = gpus;
        HorizonHours = horizonHours;
        BlockHours = blockHours;
        MaxPrice = maxPrice;
    }

    /// <summary>The SKU, as the catalog spells it.</summary>
    public string Sku { get; }

    /// <summary>Only asks in this region, or any region when null.</summary>
    public string? Region { get; }

    /// <summary>GPUs held in every hour.</summary>
    public int Gpus { get; }

    /// <summary>How far ahead of the current hour the holding must reach.</summary>
    public int HorizonHours { get; }

    /// <summary>The length of each block bought.</summary>
    public int BlockHours { get; }

    /// <summary>The highest price per GPU-hour a block is bought at (it trades at the ask's price).</summary>
    public Price MaxPrice { get; }

    /// <summary>
    /// The SKUs it buys with their own highest prices, when it was started with alternatives (<see cref="Sku"/> and
    /// <see cref="MaxPrice"/> are then the first's); null for one SKU.
    /// </summary>
    public IReadOnlyList<Alternative>? Alternatives { get; private init; }

    /// <summary>Terms from values already typed (the dashboard's form), or the bad fields.</summary>
    public static ParseResult<ProcurementTerms> Create(string sku, string? region, long gpus, long horizonHours, long blockHours, string maxPrice)
    {
        var errors = new FieldErrors();
        Price? price = null;
        if (Price.TryParse(maxPrice, out var parsed, out var priceError)) price = parsed;
        else errors.Add("maxPrice", priceError!);
        if (region is not null && (region.Length is 0 or > 64 || region.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))))
            errors.Add("region", $"must use only letters, digits, '-', '_' and '.', got \"{region}\"");
        var terms = Check(sku, region, gpus, horizonHours, blockHours, price, errors);
        return errors.IsEmpty ? ParseResult<ProcurementTerms>.Ok(terms!) : errors;
    }

    /// <summary>
    /// The one set of rules: adds an error per bad field (a null field was not read, and its error is already in
    /// <paramref name="errors"/>); the terms, buying <paramref name="alternatives"/> when given, when every field was
    /// read and is good and <paramref name="errors"/> holds none.
    /// </summary>
    public static ProcurementTerms? Check(string? sku, string? region, long? gpus, long? horizon, long? block, Price? maxPrice, FieldErrors errors,
        IReadOnlyList<Alternative>? alternatives = null)
    {
        var known = sku is null ? null : ReferenceCatalog.Embedded.FindSku(sku);
        if (sku is not null && known is null)
            errors.Add("sku", $"unknown SKU '{sku}' (known: {string.Join(", ", ReferenceCatalog.Embedded.Skus.Select(s => s.Id))})");
        if (gpus is { } g && g is < 1 or > OrderIds.MaxGpus)
            errors.Add("gpus", $"must be between 1 and {OrderIds.MaxGpus}, got {Text(g)}");
        var blockOk = false;
        if (block is { } b)
        {
            if (b is < 1 or > Hour.MaxWindowHours) errors.Add("blockHours", $"must be between 1 and {Hour.MaxWindowHours}, got {Text(b)}");
            else blockOk = true;
        }
        if (horizon is { } h)
        {
            if (h > MaxHorizonHours) errors.Add("horizonHours", $"must be at most {MaxHorizonHours} (two years), got {Text(h)}");
            else if (blockOk && h < block) errors.Add("horizonHours", $"must be at least blockHours ({Text(block!.Value)}), got {Text(h)}");
            else if (h < 1) errors.Add("horizonHours", $"must be >= 1, got {Text(h)}");
            else if (blockOk && (h + block!.Value - 1) / block.Value > MaxBlocksPerHorizon)
                errors.Add("blockHours", $"a horizon of {Text(h)} hours may need at most {MaxBlocksPerHorizon} blocks; use blocks of at least {Text((h + MaxBlocksPerHorizon - 1) / MaxBlocksPerHorizon)} hours");
        }
        if (known is null || gpus is null || horizon is null || block is null || maxPrice is null || !errors.IsEmpty) return null;
        return new ProcurementTerms(known.Id, region, (int)gpus, (int)horizon, (int)block, maxPrice.Value) { Alternatives = alternatives };
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
