using Neocloud.Domain.Money;
using Neocloud.Domain.Time;

namespace Neocloud.Server.Exchange;

/// <summary>A command the exchange applies through the engine and journals: already validated at the HTTP edge.</summary>
public abstract record ExchangeCommand(string OrganizationId);

/// <summary>A provider registers a pool with its capacity steps.</summary>
public sealed record CreatePool(string OrganizationId, string PoolId, string? SiteId, string Sku, string Region, IReadOnlyList<CapacityStep> Capacity)
    : ExchangeCommand(OrganizationId);

/// <summary>A provider adds a capacity step to its pool (hours not yet covered).</summary>
public sealed record AddCapacity(string OrganizationId, string PoolId, CapacityStep Step) : ExchangeCommand(OrganizationId);

/// <summary>A buyer's bid for <c>Gpus</c> of a SKU over a whole window.</summary>
public sealed record PlaceBid(string OrganizationId, string OrderId, string Sku, string? Region, int Gpus, HourWindow Window, Price Limit, bool ImmediateOrCancel)
    : ExchangeCommand(OrganizationId);

/// <summary>A seller's ask: up to <c>Gpus</c> of a pool in every hour of a window.</summary>
public sealed record PlaceAsk(string OrganizationId, string OrderId, string PoolId, int Gpus, HourWindow Window, Price Price)
    : ExchangeCommand(OrganizationId);

/// <summary>Cancels a resting bid or the unsold rest of an ask.</summary>
public sealed record CancelOrder(string OrganizationId, string OrderId) : ExchangeCommand(OrganizationId);

/// <summary><c>Gpus</c> GPUs in every hour of <c>Window</c>.</summary>
public sealed record CapacityStep(HourWindow Window, int Gpus);

/// <summary>Holds GPUs of a pool over a window for an offtake contract: they count as sold, outside the book.</summary>
public sealed record ReserveCapacity(string OrganizationId, string ReservationId, string PoolId, int Gpus, HourWindow Window) : ExchangeCommand(OrganizationId);

/// <summary>Gives a reservation's GPUs back to its pool from an hour on.</summary>
public sealed record ReleaseCapacity(string OrganizationId, string ReservationId, Hour From) : ExchangeCommand(OrganizationId);

/// <summary>
/// Engine commands applied all or none, with the read-model writes they justify, in one commit: an award reserves
/// every tranche and stores the contracts; if one reservation does not fit, the ones made are released and nothing
/// is stored.
/// </summary>
public sealed record Transaction(string OrganizationId, IReadOnlyList<ExchangeCommand> Steps, IReadOnlyList<Neocloud.Storage.StoreWrite> Writes)
    : ExchangeCommand(OrganizationId);
