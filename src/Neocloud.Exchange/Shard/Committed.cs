using Neocloud.Storage;

namespace Neocloud.Exchange.Shard;

/// <summary>
/// What an accepted request did, in the read model's terms: the order as it now stands and the trades it made
/// (numbered), or the pool it created, or the portfolio it placed. Empty for cancels, capacity steps, reservations and
/// transactions without an order.
/// </summary>
public sealed record Committed(OrderRecord? Order, IReadOnlyList<TradeRecord> Trades, PoolRecord? Pool)
{
    /// <summary>The portfolio order placed, with its trades in <see cref="Trades"/> (one per leg when filled).</summary>
    public PortfolioRecord? Portfolio { get; init; }

    /// <summary>The contract book's fact a transaction journaled, as the book state decided it.</summary>
    public BookFact? Fact { get; init; }

    /// <summary>Nothing to show beyond "done".</summary>
    public static Committed Nothing { get; } = new(null, [], null);
}
