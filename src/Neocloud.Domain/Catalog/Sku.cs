namespace Neocloud.Domain.Catalog;

/// <summary>A GPU system model and its dense specs, per GPU.</summary>
public sealed record Sku(
    string Id,
    string Name,
    string Vendor,
    int ScaleUpGpus,
    int? GpusPerRack,
    Figure HbmGb,
    Figure MemoryTbPerSecond,
    Figure? Bf16Tflops,
    Figure Fp8Tflops,
    Figure? Fp4Tflops,
    Figure TdpWatts,
    Figure? GpuPriceUsd,
    Figure? RackPriceUsd,
    Figure? RackKw)
{
    /// <summary>All-in kilowatts per GPU (rack power over GPUs per rack) where the rack figure is published.</summary>
    public decimal? AllInKwPerGpu => RackKw is { } kw && GpusPerRack is > 0 ? kw.Value / GpusPerRack.Value : null;

    /// <summary>The market group this SKU trades in (see <see cref="MarketGroups"/>).</summary>
    public string MarketGroup => MarketGroups.Of(Id);
}
