using Neocloud.Storage;

namespace Neocloud.Server.Exchange;

/// <summary>
/// What a command did, in the read model's terms: rejected with the engine's reason, or accepted with the order as
/// it now stands and the trades it made (numbered). The endpoint turns it into its answer.
/// </summary>
public sealed record CommandResult(string? RejectedReason, OrderRecord? Order, IReadOnlyList<TradeRecord> Trades, PoolRecord? Pool)
{
    /// <summary>True when the engine refused the command; nothing was written but the idempotency record.</summary>
    public bool IsRejected => RejectedReason is not null;
}
