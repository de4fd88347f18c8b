using Neocloud.Domain.Catalog;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Storage;

namespace Neocloud.Exchange.Access;

/// <summary>
/// Takes the configuration of a store written before it was journaled into the journal, once: every organization,
/// token (by hash), webhook (its secret as stored, encrypted) and procurement as it stood, in one
/// <see cref="ConfigImported"/> fact (the store marks itself pending when its schema is upgraded; the fact's commit
/// clears the mark). From then on <c>journal verify</c> checks those rows too, and a rebuild writes them.
/// </summary>
public static class ConfigImport
{
    /// <summary>Journals the configuration's rows if the store is pending an import; the number of rows taken in (0 when none was pending).</summary>
    /// <exception cref="ShardStoppedException">The shard is stopped or moving; nothing was journaled, and a retry is safe.</exception>
    public static async Task<int> RunIfPendingAsync(IMarket market, ExchangeStore store, CancellationToken cancellationToken)
    {
        if (!await store.ConfigImportPendingAsync(cancellationToken)) return 0;
        var rows = await store.ConfigRowsAsync(cancellationToken);
        var outcome = await ConfigJournal.SubmitAsync(market, Bootstrap.Actor, new ConfigImported(rows.Organizations, rows.Tokens, rows.Webhooks, rows.Procurements));
        // A shard moving between nodes (or a commit the store could not keep) writes nothing: the caller may try again.
        if (outcome.Failure is { Kind: FailureKind.Unavailable }) throw new ShardStoppedException(MarketGroups.Named[0].Name);
        if (!outcome.IsAccepted) throw new InvalidOperationException($"taking the configuration into the journal failed: {outcome.Failure}");
        return rows.Organizations.Count + rows.Tokens.Count + rows.Webhooks.Count + rows.Procurements.Count;
    }
}
