using Neocloud.Domain.Offtake;
using Neocloud.Domain.Orders;

namespace Neocloud.Storage;

/// <summary>An organization: the tenant that owns tokens, orders, trades and (for providers) pools.</summary>
/// <param name="Id">Its id, as tokens and orders name it.</param>
/// <param name="Name">Its display name.</param>
/// <param name="CreatedMs">When it was created (Unix milliseconds).</param>
/// <param name="RateLimit">Requests a second for all the organization's tokens together, set by the admin; null: each token gets the server's default.</param>
public sealed record OrganizationRecord(string Id, string Name, long CreatedMs, long? RateLimit = null);

/// <summary>An API token as stored: only the SHA-256 of the secret, never the secret.</summary>
public sealed record TokenRecord(string Id, string OrganizationId, byte[] TokenHash, string Scopes, string Label, long CreatedMs, long? RevokedMs,
    long? ExpiresMs = null, long? LastUsedMs = null);

/// <summary>One accepted command in the journal, in the replay format's JSON.</summary>
/// <param name="Sequence">Its place in its journal.</param>
/// <param name="RecordedMs">When it was applied (Unix milliseconds).</param>
/// <param name="OrganizationId">The organization whose request it was.</param>
/// <param name="Command">The command's line: a replay-format command or a fact.</param>
/// <param name="Actor">Who acted, as <see cref="JournalActor.Text"/>; null for a row written before actors were journaled (the exchange).</param>
public sealed record JournalEntry(long Sequence, long RecordedMs, string OrganizationId, string Command, string? Actor = null);

/// <summary>A saved engine state and the journal sequence it includes.</summary>
public sealed record SnapshotRecord(long Sequence, long CreatedMs, byte[] State);

/// <summary>A pool as the read model holds it.</summary>
public sealed record PoolRecord(string Id, string ProviderId, string? SiteId, string Sku, string Region, long CreatedSequence);

/// <summary>One step of a pool's capacity: <c>gpus</c> in every hour of <c>[start, end)</c>.</summary>
public sealed record CapacitySegmentRecord(string PoolId, long StartHour, long EndHour, long Gpus);

/// <summary>An order as the read model holds it; its status follows the engine's events.</summary>
public sealed record OrderRecord(
    string Id,
    string OrganizationId,
    OrderSide Side,
    string Sku,
    string? Region,
    string? PoolId,
    long Gpus,
    long StartHour,
    long EndHour,
    long PriceTicks,
    TimeInForce? Tif,
    OrderStatus Status,
    long TradedGpuHours,
    long PlacedSequence,
    long PlacedMs,
    long UpdatedMs,
    string? Alternatives = null);

/// <summary>
/// A portfolio order (all or none across legs, never resting): <c>filled</c>, or <c>cancelled</c> at the first leg that
/// found no ask; its legs as JSON (each leg's body and, when filled, its trade number).
/// </summary>
public sealed record PortfolioRecord(string Id, string OrganizationId, string Status, long? CancelledLeg, string Legs, long PlacedSequence, long PlacedMs);

/// <summary>A change to an order after a command: its new status, and GPU-hours traded by this command (added).</summary>
public sealed record OrderUpdate(string Id, OrderStatus Status, long TradedGpuHoursDelta, long UpdatedMs);

/// <summary>A trade, which is also a spot contract between buyer and seller.</summary>
public sealed record TradeRecord(
    long TradeNo,
    long Sequence,
    string BidId,
    string AskId,
    string BuyerId,
    string SellerId,
    string PoolId,
    string Sku,
    string Region,
    long Gpus,
    long StartHour,
    long EndHour,
    long PriceTicks,
    long ExecutedMs)
{
    /// <summary>GPU-hours bought: GPUs × hours of the window.</summary>
    public long GpuHours => Gpus * (EndHour - StartHour);
}

/// <summary>The first answer given to a request with an Idempotency-Key, kept to answer retries the same way.</summary>
public sealed record IdempotencyRecord(string OrganizationId, string IdempotencyKey, string RequestHash, long StatusCode, string Response, long CreatedMs);

/// <summary>Everything one group commit writes, in one transaction: journal rows and the read models they change.</summary>
public sealed class CommitBatch
{
    public List<JournalEntry> Journal { get; } = [];
    public List<PoolRecord> Pools { get; } = [];
    public List<CapacitySegmentRecord> Capacity { get; } = [];
    public List<OrderRecord> NewOrders { get; } = [];
    public List<OrderUpdate> OrderUpdates { get; } = [];
    public List<TradeRecord> Trades { get; } = [];
    public List<IdempotencyRecord> Idempotency { get; } = [];

    /// <summary>The contract book's facts, each with a journal row of the batch; their rows are projected in the same transaction.</summary>
    public List<BookFact> Facts { get; } = [];

    /// <summary>Portfolio orders placed.</summary>
    public List<PortfolioRecord> Portfolios { get; } = [];

    /// <summary>The events the batch's commands cause, each for one organization, in the order they happened.</summary>
    public List<EventRecord> Events { get; } = [];

    /// <summary>
    /// For a cluster shard: the fence the commit must pass (this activation still owns the shard and the journal ends
    /// where it thinks), and the journal rows go to the shard's journal. Null on one machine.
    /// </summary>
    public ShardFence? Fence { get; set; }

    /// <summary>True when there is nothing to write.</summary>
    public bool IsEmpty => Journal.Count == 0 && Idempotency.Count == 0 && Facts.Count == 0 && Portfolios.Count == 0 && Events.Count == 0;

    /// <summary>Empties the batch for reuse.</summary>
    public void Clear()
    {
        Journal.Clear();
        Pools.Clear();
        Capacity.Clear();
        NewOrders.Clear();
        OrderUpdates.Clear();
        Trades.Clear();
        Idempotency.Clear();
        Facts.Clear();
        Portfolios.Clear();
        Events.Clear();
        Fence = null;
    }
}

/// <summary>
/// A shard activation's claim: shard <paramref name="Shard"/> at epoch <paramref name="Epoch"/>, whose journal ends at
/// <paramref name="After"/> before this batch and at <paramref name="Through"/> after it. The commit first moves the
/// shard's fence row from (epoch, after) to through; when no row matches, a newer activation owns the shard (or the
/// journal moved) and the whole batch is refused with <see cref="ShardFencedException"/>.
/// </summary>
public sealed record ShardFence(string Shard, long Epoch, long After, long Through);

/// <summary>A commit from an activation that no longer owns its shard: nothing of the batch was written.</summary>
public sealed class ShardFencedException(string shard, long epoch)
    : InvalidOperationException($"shard {shard}: epoch {epoch} is no longer the owner; the batch was not written")
{
    public string Shard { get; } = shard;
    public long Epoch { get; } = epoch;
}

/// <summary>A shard's fence row: the newest activation's epoch and the last journal sequence it committed.</summary>
public sealed record ShardClaim(string Shard, long Epoch, long LastSequence);

/// <summary>A request for quotes as stored: its terms as JSON, its status (open, awarded, withdrawn) and closing time.</summary>
public sealed record RfqRecord(string Id, string BuyerId, RfqStatus Status, long ClosesMs, long CreatedMs, string Terms);

/// <summary>A sealed offer on an RFQ: its terms as JSON and status (submitted, awarded, not-awarded).</summary>
public sealed record OfferRecord(string Id, string RfqId, string SellerId, OfferStatus Status, long CreatedMs, string Terms);

/// <summary>An offtake contract: parties, status (active, terminated), the termination month if any, and its terms as JSON.</summary>
public sealed record OfftakeRecord(string Id, string? RfqId, string? OfferId, string BuyerId, string SellerId, string Sku, string Region, ContractStatus Status,
    string? TerminatedMonth, long CreatedMs, string Terms);

/// <summary>
/// A proposal to assign part of an offtake contract: GPUs of its tranches (JSON <c>[{"tranche":1,"gpus":100}]</c>) from
/// a month on, to another organization; <c>Status</c> proposed, accepted (by the seller and the assignee) or declined.
/// </summary>
public sealed record AssignmentRecord(string Id, string ContractId, string AssignorId, string AssigneeId, string FromMonth, string Tranches, string Status,
    long CreatedMs, long? SellerAcceptedMs, long? AssigneeAcceptedMs, long? DecidedMs, string? DeclinedBy);

/// <summary>The states of an assignment as stored.</summary>
public static class AssignmentStatus
{
    /// <summary>Waiting for the seller's and the assignee's acceptance.</summary>
    public const string Proposed = "proposed";
    /// <summary>Done: the assignee is the buyer of what was assigned from its month.</summary>
    public const string Accepted = "accepted";
    /// <summary>The seller or the assignee declined.</summary>
    public const string Declined = "declined";
}

/// <summary>A tranche reported delivered.</summary>
public sealed record DeliveryRecord(string ContractId, long Tranche, string Month, long ReportedMs);

/// <summary>A month's availability reported for a contract (a decimal, kept as text).</summary>
public sealed record SlaRecord(string ContractId, string Month, string Availability, long ReportedMs);
