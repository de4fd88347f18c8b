using Neocloud.Exchange.Access;
using Neocloud.Market.Commands;
using Neocloud.Storage;

namespace Neocloud.Exchange.Shard;

/// <summary>What a caller asks the market shard to do, on behalf of an organization.</summary>
public abstract record ShardRequest(string OrganizationId)
{
    /// <summary>
    /// Who acts (<see cref="JournalActor.Text"/>), journaled with every row the request causes: the actor
    /// <see cref="Acting"/> holds when the request is made, unless set; null names no one (read as the exchange).
    /// </summary>
    public string? Actor { get; init; } = Acting.Current?.Text;
}

/// <summary>
/// One market command, as the engine reads it and the journal stores it (built once); a pool may also name the site
/// it stands on, which only the read model keeps.
/// </summary>
public sealed record MarketRequest(string OrganizationId, MarketCommand Command, string? SiteId = null) : ShardRequest(OrganizationId);

/// <summary>
/// Market commands applied all or none, with the contract book's fact they justify, in one commit: an award reserves
/// every tranche and records the contracts; if one reservation does not fit, the ones made are released and nothing
/// else is stored. The fact is decided first by the shard's book state (a refused transition changes nothing), then
/// journaled after the steps with its read-model rows and events. <paramref name="Sku"/> names the market group whose
/// shard applies it (every step's pool is of that group); null lets the router take it from the first step that names
/// a pool.
/// </summary>
public sealed record TransactionRequest(string OrganizationId, IReadOnlyList<MarketCommand> Steps, BookFact? Fact, string? Sku = null)
    : ShardRequest(OrganizationId);
