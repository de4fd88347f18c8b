using Neocloud.Domain.Catalog;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Storage;

namespace Neocloud.Exchange.Access;

/// <summary>
/// How the desks journal a configuration fact: as a transaction without market steps on the shard of the first named
/// market group (the configuration belongs to no SKU), which decides it on its single writer (<see cref="ConfigState"/>)
/// and commits it with its rows, its events and the request's idempotency record.
/// </summary>
public static class ConfigJournal
{
    /// <summary>The SKU whose shard journals the configuration: the first named group's first.</summary>
    public static string HomeSku => MarketGroups.Named[0].Skus[0];

    /// <summary>
    /// Submits <paramref name="fact"/> for <paramref name="actor"/> (the organization whose request it is); the outcome
    /// as <paramref name="answer"/> makes it, which also makes the answer an idempotency key keeps.
    /// </summary>
    public static async Task<Outcome<T>> SubmitAsync<T>(IMarket market, string actor, ConfigFact fact, Func<Outcome<Committed>, Outcome<T>> answer,
        Idempotency<T>? key = null) =>
        answer(await market.SubmitAsync(new TransactionRequest(actor, [], fact, HomeSku), key?.Before(answer)));

    /// <summary>Submits <paramref name="fact"/> without a key; the fact as decided, or the refusal.</summary>
    public static Task<Outcome<ConfigFact>> SubmitAsync(IMarket market, string actor, ConfigFact fact) =>
        SubmitAsync(market, actor, fact, committed => committed.Map(c => (ConfigFact)c.Fact!));
}
