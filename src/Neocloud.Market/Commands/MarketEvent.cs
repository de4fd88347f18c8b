namespace Neocloud.Market.Commands;

/// <summary>What kind of thing happened.</summary>
public enum EventKind : byte
{
    /// <summary>A bid matched an ask.</summary>
    Trade,
    /// <summary>An order rests in the book.</summary>
    Rested,
    /// <summary>An order left the book unfilled (IOC or cancel).</summary>
    Cancelled,
    /// <summary>A command broke a rule and changed nothing.</summary>
    Rejected,
    /// <summary>A reservation holds its GPUs.</summary>
    Reserved,
    /// <summary>A reservation gave GPUs back to its pool.</summary>
    Released,
    /// <summary>Every leg of a portfolio traded.</summary>
    Filled,
}

/// <summary>
/// One event, as a struct so that engines can emit into a reused list without allocating. A trade also carries its
/// buyer and seller for the ledger (the replay format leaves them out). A portfolio's cancellation names the first leg
/// that found no ask in <c>Leg</c> (otherwise -1).
/// </summary>
public readonly record struct MarketEvent(
    EventKind Kind, string? Id, string? Bid, string? Ask, string? Pool, int Gpus, int Start, int End, long PriceTicks,
    string? Reason, string? Buyer, string? Seller, int Leg = -1)
{
    public static MarketEvent Trade(string bid, string ask, string pool, int gpus, int start, int end, long priceTicks, string buyer, string seller) =>
        new(EventKind.Trade, null, bid, ask, pool, gpus, start, end, priceTicks, null, buyer, seller);

    public static MarketEvent Rested(string id) => new(EventKind.Rested, id, null, null, null, 0, 0, 0, 0, null, null, null);

    public static MarketEvent Cancelled(string id) => new(EventKind.Cancelled, id, null, null, null, 0, 0, 0, 0, null, null, null);

    /// <summary>A portfolio none of whose legs traded because leg <paramref name="leg"/> found no ask.</summary>
    public static MarketEvent Cancelled(string id, int leg) => new(EventKind.Cancelled, id, null, null, null, 0, 0, 0, 0, null, null, null, leg);

    /// <summary>Every leg of a portfolio traded.</summary>
    public static MarketEvent Filled(string id) => new(EventKind.Filled, id, null, null, null, 0, 0, 0, 0, null, null, null);

    public static MarketEvent Reserved(string id) => new(EventKind.Reserved, id, null, null, null, 0, 0, 0, 0, null, null, null);

    public static MarketEvent Released(string id) => new(EventKind.Released, id, null, null, null, 0, 0, 0, 0, null, null, null);

    public static MarketEvent Rejected(string? id, string reason) => new(EventKind.Rejected, id, null, null, null, 0, 0, 0, 0, reason, null, null);
}
