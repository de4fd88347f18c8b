using Neocloud.Exchange.Shard;
using Neocloud.Market.Commands;
using Neocloud.Storage;

namespace Neocloud.Cluster.Wire;

/// <summary>
/// A shard request as it travels to the grain of its market group: the market commands and the contract book's fact as
/// typed values (each through its converter in this folder), the market group's SKU, the idempotency key, and who acts
/// (the journal's actor text, stored as it is, so the grain's rows name the caller's actor and not the grain's ambient
/// one). Nothing in it is text to parse again, a delegate, or a type the other node would have to guess.
/// </summary>
[GenerateSerializer, Immutable, Alias("neocloud.shard-call.2")]
public sealed record ShardCall(
    [property: Id(0)] string OrganizationId,
    [property: Id(1)] bool IsTransaction,
    [property: Id(2)] IReadOnlyList<MarketCommand> Commands,
    [property: Id(3)] string? SiteId,
    [property: Id(4)] BookFact? Fact,
    [property: Id(5)] WireKey? Key,
    [property: Id(6)] string? Sku = null,
    [property: Id(7)] string? Actor = null)
{
    /// <summary>The call for <paramref name="request"/> (its commands as an array: any list a request holds may not have a codec).</summary>
    public static ShardCall Of(ShardRequest request, Exchange.Outcomes.IdempotencyKey? key)
    {
        var wireKey = key is null ? null : new WireKey(key.OrganizationId, key.Key, key.RequestHash);
        return request switch
        {
            MarketRequest one => new ShardCall(one.OrganizationId, false, new[] { one.Command }, one.SiteId, null, wireKey, Actor: one.Actor),
            TransactionRequest many => new ShardCall(many.OrganizationId, true, many.Steps.ToArray(), null, many.Fact, wireKey, many.Sku, many.Actor),
            _ => throw new ArgumentException($"unknown request {request.GetType().Name}", nameof(request)),
        };
    }

    /// <summary>The request again, on the grain's side.</summary>
    public ShardRequest ToRequest() => IsTransaction
        ? new TransactionRequest(OrganizationId, Commands, Fact, Sku) { Actor = Actor }
        : new MarketRequest(OrganizationId, Commands[0], SiteId) { Actor = Actor };
}

/// <summary>An idempotency key on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.wire-key")]
public sealed record WireKey([property: Id(0)] string OrganizationId, [property: Id(1)] string Key, [property: Id(2)] string RequestHash);

/// <summary>Both sides of a book on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.wire-book")]
public sealed record WireBook([property: Id(0)] IReadOnlyList<WireLevel> Asks, [property: Id(1)] IReadOnlyList<WireLevel> Bids);

/// <summary>A price level on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.wire-level")]
public sealed record WireLevel(
    [property: Id(0)] long PriceTicks, [property: Id(1)] int Orders, [property: Id(2)] long GpuHours, [property: Id(3)] int MaxGpus,
    [property: Id(4)] int FirstHour, [property: Id(5)] int LastHour)
{
    public static WireLevel Of(Market.Engine.BookLevel l) => new(l.PriceTicks, l.Orders, l.GpuHours, l.MaxGpus, l.FirstHour, l.LastHour);

    public Market.Engine.BookLevel ToLevel() => new(PriceTicks, Orders, GpuHours, MaxGpus, FirstHour, LastHour);
}

/// <summary>A resting order as the forward curve reads it, on the wire (bids at their limit for the SKU asked).</summary>
[GenerateSerializer, Immutable, Alias("neocloud.wire-resting")]
public sealed record WireResting([property: Id(0)] bool IsBid, [property: Id(1)] int Start, [property: Id(2)] int End, [property: Id(3)] int Gpus,
    [property: Id(4)] long PriceTicks)
{
    public static WireResting Of(Market.Engine.RestingOrder o) => new(o.Side == Domain.Orders.OrderSide.Bid, o.Start, o.End, o.Gpus, o.PriceTicks);

    public Market.Engine.RestingOrder ToOrder() => new(IsBid ? Domain.Orders.OrderSide.Bid : Domain.Orders.OrderSide.Ask, Start, End, Gpus, PriceTicks);
}

/// <summary>A usage step on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.wire-usage")]
public sealed record WireUsage([property: Id(0)] int Start, [property: Id(1)] int End, [property: Id(2)] int Capacity, [property: Id(3)] int Sold,
    [property: Id(4)] int Offered)
{
    public static WireUsage Of(Market.Engine.UsageStep u) => new(u.Start, u.End, u.Capacity, u.Sold, u.Offered);

    public Market.Engine.UsageStep ToStep() => new(Start, End, Capacity, Sold, Offered);
}

/// <summary>Where a group's shard runs now and how far its journal has come.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.shard-status")]
public sealed record ShardStatus([property: Id(0)] string Group, [property: Id(1)] string Silo, [property: Id(2)] long Epoch,
    [property: Id(3)] long Sequence, [property: Id(4)] bool Fenced);
