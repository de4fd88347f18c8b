using Neocloud.Domain.Money;
using Neocloud.Domain.Time;

namespace Neocloud.Exchange.Alerts;

/// <summary>What an organization asks an alert to watch, as read from a request: a known SKU, a kind, a price, and a region or a month.</summary>
public sealed record AlertTerms(string Sku, string? Region, string Kind, Price Price, CalendarMonth? Month);
