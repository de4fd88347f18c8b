using Neocloud.Domain.Money;
using Neocloud.Domain.Time;

namespace Neocloud.Server.Exchange;

/// <summary>
/// The matching engine as the exchange drives it: one thread at a time, commands in, outcomes out, the journal's
/// JSON lines, snapshots, and the read-only queries the market-data endpoints need.
/// </summary>
public interface IMarketPort
{
    /// <summary>Applies a command and says what happened.</summary>
    CommandOutcome Apply(ExchangeCommand command);

    /// <summary>The command as one JSON line of the replay format: what the journal stores.</summary>
    string ToJournalLine(ExchangeCommand command);

    /// <summary>Applies a journal line again while recovering; a line that is rejected now means the journal and the engine disagree.</summary>
    void Replay(string journalLine);

    /// <summary>Writes the whole engine state.</summary>
    void WriteSnapshot(Stream destination);

    /// <summary>
    /// Captures the state now (an immutable copy) and returns what writes it later, so the slow part — serializing —
    /// can run off the exchange loop.
    /// </summary>
    Action<Stream> CaptureSnapshot();

    /// <summary>Replaces the engine state with a snapshot.</summary>
    void ReadSnapshot(Stream source);

    /// <summary>Resting bids and open asks: what a snapshot's size grows with.</summary>
    int RestingOrders { get; }

    /// <summary>True when the order rests (a bid) or has GPUs left to sell in some hour (an ask).</summary>
    bool IsOpen(string orderId);

    /// <summary>A pool's provider, SKU and region, or null for an unknown pool.</summary>
    PoolInfo? Pool(string poolId);

    /// <summary>Resting asks of a SKU aggregated by price, cheapest first.</summary>
    IReadOnlyList<BookLevel> Book(string sku, string? region);

    /// <summary>Resting bids of a SKU aggregated by limit price, highest first (bids for any region count everywhere).</summary>
    IReadOnlyList<BookLevel> Bids(string sku, string? region);

    /// <summary>The price a bid would trade at now, or null when no resting ask could fill it.</summary>
    Price? Quote(string sku, string? region, int gpus, HourWindow window, string buyer);

    /// <summary>A pool's capacity, sold and offered GPUs as steps over the window.</summary>
    IReadOnlyList<PoolUsageStep> Usage(string poolId, HourWindow window);
}

/// <summary>What one command did: rejected with a reason, or traded, rested, cancelled.</summary>
public sealed record CommandOutcome(string? RejectedReason, IReadOnlyList<Fill> Trades, bool Rested, bool Cancelled)
{
    /// <summary>A rejection.</summary>
    public static CommandOutcome Rejected(string reason) => new(reason, [], false, false);

    /// <summary>True when the engine refused the command; nothing changed.</summary>
    public bool IsRejected => RejectedReason is not null;
}

/// <summary>A trade as the engine reports it, with its buyer and seller.</summary>
public sealed record Fill(string BidId, string AskId, string PoolId, int Gpus, HourWindow Window, Price Price, string Buyer, string Seller);

/// <summary>One price level of the book: how many orders, GPU-hours and GPUs at this price, and the hours they span.</summary>
public sealed record BookLevel(Price Price, int Orders, long GpuHours, int MaxGpus, Hour FirstHour, Hour LastHour);

/// <summary>Capacity, sold and offered GPUs of a pool, constant over <c>[Start, End)</c>.</summary>
public sealed record PoolUsageStep(Hour Start, Hour End, int Capacity, int Sold, int Offered);

/// <summary>Who owns a pool and what it holds.</summary>
public sealed record PoolInfo(string PoolId, string Provider, string Sku, string Region);
