using Neocloud.Storage;

namespace Neocloud.Cluster.Wire;

// The market's own facts on the Orleans wire, as the book's are (BookFactSurrogates.cs). A refusal is journaled by the
// shard that refused it and crosses no wire today; its converter keeps every fact kind able to.

/// <summary>An order or cancel the market refused, with its event, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.order-rejected")]
public readonly record struct OrderRejectedSurrogate(
    [property: Id(0)] string OrderId, [property: Id(1)] string Reason, [property: Id(2)] long AtMs, [property: Id(3)] EventRecord[] Events);

/// <summary>Converts <see cref="OrderRejected"/> for the wire.</summary>
[RegisterConverter]
public sealed class OrderRejectedConverter : IConverter<OrderRejected, OrderRejectedSurrogate>
{
    public OrderRejected ConvertFromSurrogate(in OrderRejectedSurrogate surrogate) => new(surrogate.OrderId, surrogate.Reason, surrogate.AtMs) { Events = surrogate.Events };

    public OrderRejectedSurrogate ConvertToSurrogate(in OrderRejected value) => new(value.OrderId, value.Reason, value.AtMs, [.. value.Events]);
}
