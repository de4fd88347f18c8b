using Neocloud.Domain.Money;
using Neocloud.Domain.Time;

namespace Neocloud.Exchange.MarketData;

/// <summary>
/// A capacity search: a would-be bid for <see cref="Gpus"/> GPUs of <see cref="Sku"/> over <see cref="Window"/>, at
/// <see cref="MaxPrice"/> or any price, in <see cref="Region"/> or any; then only asks on pools of
/// <see cref="Provider"/> and at <see cref="Site"/>, when given.
/// </summary>
public sealed record OfferSearch(string Sku, int Gpus, HourWindow Window, string? Region = null, Price? MaxPrice = null, string? Provider = null,
    string? Site = null);
