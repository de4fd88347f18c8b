using System.Text.Json;
using Neocloud.Market.Commands;

namespace Neocloud.Market.Engine;

/// <summary>
/// The market's whole state in a form independent of any engine's structures: a snapshot. Snapshot plus the
/// commands after it gives the same events as replaying everything.
/// </summary>
public sealed record MarketState(
    long Sequence,
    IReadOnlyList<MarketState.PoolState> Pools,
    IReadOnlyList<MarketState.AskState> Asks,
    IReadOnlyList<MarketState.BidState> Bids,
    IReadOnlyList<string> UsedOrderIds,
    IReadOnlyList<MarketState.ReservationState>? Reservations = null)
{
    /// <summary>A reservation still holding GPUs (snapshots from before reservations existed have none).</summary>
    public sealed record ReservationState(string Id, string Account, string Pool, int Gpus, int Start, int End);

    /// <summary>Every reservation id ever used, including released ones.</summary>
    public IReadOnlyList<string> UsedReservationIds { get; init; } = [];

    /// <summary>A pool: its capacity steps and the GPUs sold from it.</summary>
    public sealed record PoolState(string Id, string Provider, string Region, string Sku, IReadOnlyList<Segment> Capacity, IReadOnlyList<Segment> Sold);

    /// <summary>An open ask and the GPUs it still offers, by hour.</summary>
    public sealed record AskState(string Id, string Account, string Pool, int Gpus, int Start, int End, long PriceTicks, long Sequence, IReadOnlyList<Segment> Remaining);

    /// <summary>A resting bid (<c>Sku</c>/<c>LimitTicks</c> are its first alternative when it has several).</summary>
    public sealed record BidState(string Id, string Account, string Sku, string? Region, int Gpus, int Start, int End, long LimitTicks, long Sequence)
    {
        /// <summary>Its alternatives when it was written with them, else null (snapshots from before market v2 have none).</summary>
        public IReadOnlyList<AlternativeState>? Alternatives { get; init; }

        /// <summary>The pool it is for, or null for any pool of its SKUs.</summary>
        public string? Pool { get; init; }
    }

    /// <summary>One alternative of a resting bid.</summary>
    public sealed record AlternativeState(string Sku, long LimitTicks);

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    /// <summary>Writes the state as JSON.</summary>
    public void WriteTo(Stream destination) => JsonSerializer.Serialize(destination, this, s_json);

    /// <summary>The state as <see cref="WriteTo"/> writes it, in one array (built in pooled buffers, so only the result is allocated).</summary>
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, s_json);

    /// <summary>Reads a state written by <see cref="WriteTo"/>.</summary>
    public static MarketState ReadFrom(Stream source) =>
        JsonSerializer.Deserialize<MarketState>(source, s_json) ?? throw new InvalidDataException("empty market snapshot");
}
