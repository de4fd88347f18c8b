using Neocloud.Domain.Catalog;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Storage;

namespace Neocloud.Exchange.Offtake;

/// <summary>
/// Takes the contract book of a store written before the book was journaled into the journal, once: every RFQ, offer,
/// contract, delivery, SLA report, assignment and index value as it stood, in one <see cref="BookImported"/> fact (the
/// store marks itself pending when its schema is upgraded; the fact's commit clears the mark). From then on
/// <c>journal verify</c> checks those rows too, and a rebuild writes them.
/// </summary>
public static class BookImport
{
    /// <summary>The actor the import's journal row names: the exchange itself, upgrading its store.</summary>
    public const string Actor = "exchange";

    /// <summary>Journals the book's rows if the store is pending an import; the number of rows taken in (0 when none was pending).</summary>
    public static async Task<int> RunIfPendingAsync(IMarket market, ExchangeStore store, CancellationToken cancellationToken)
    {
        if (!await store.BookImportPendingAsync(cancellationToken)) return 0;
        var rows = await store.BookRowsAsync(cancellationToken);
        var fact = new BookImported(rows.Rfqs, rows.Offers, rows.Contracts, rows.Deliveries, rows.Sla, rows.Assignments, rows.IndexValues);
        var outcome = await market.SubmitAsync(new TransactionRequest(Actor, [], fact, MarketGroups.Named[0].Skus[0]));
        // A shard moving between nodes (or a commit the store could not keep) writes nothing: the caller may try again.
        if (outcome.Failure is { Kind: FailureKind.Unavailable }) throw new ShardStoppedException(MarketGroups.Named[0].Name);
        if (!outcome.IsAccepted) throw new InvalidOperationException($"taking the contract book into the journal failed: {outcome.Failure}");
        return rows.Rfqs.Count + rows.Offers.Count + rows.Contracts.Count + rows.Deliveries.Count + rows.Sla.Count + rows.Assignments.Count + rows.IndexValues.Count;
    }
}
