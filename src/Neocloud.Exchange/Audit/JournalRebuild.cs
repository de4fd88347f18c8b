using System.Data.Common;
using Microsoft.Extensions.Logging.Abstractions;
using Neocloud.Exchange.Shard;
using Neocloud.Storage;

namespace Neocloud.Exchange.Audit;

/// <summary>What a rebuild wrote.</summary>
/// <param name="Journals">The journals rebuilt (the one-machine journal, or a cluster's one per market group).</param>
/// <param name="Lines">Journal lines written.</param>
/// <param name="Rows">Rows in the rebuilt store, journal lines included.</param>
/// <param name="CarriedOver">Tables no journal line writes yet, copied whole from the source, with their rows.</param>
/// <param name="Verification">The rebuilt store's <c>journal verify</c>.</param>
public sealed record RebuildSummary(IReadOnlyList<string> Journals, long Lines, long Rows, IReadOnlyList<(string Table, long Rows)> CarriedOver,
    LedgerVerification Verification);

/// <summary>
/// <c>journal rebuild</c>: a store written again from the journal alone. Every journal of the source is read in sequence
/// order and handed to a market shard over the new store (<see cref="MarketShard.RebuildAsync"/>), which runs each
/// command through the engine and the same row building as the live shard at the line's recorded time, and projects
/// each fact through the one projection of the live commit, so the rows, events and hash chain come out as the original
/// commits wrote them. Not in the journal, so not rebuilt: idempotency records, snapshots (the shard takes new ones),
/// webhook delivery attempts, token last-use times; the configuration tables not on the journal yet are copied
/// (<see cref="ExchangeStore.NotJournaledTables"/>). The result is verified as <c>journal verify</c> does.
/// </summary>
public static class JournalRebuild
{
    /// <summary>Rebuilds the journals <paramref name="source"/> holds (read on the caller's transaction) into <paramref name="target"/>, which must be empty.</summary>
    /// <exception cref="InvalidDataException">The target is not empty, or a journal row does not follow its hash chain or cannot be replayed.</exception>
    public static async Task<RebuildSummary> RunAsync(DbConnection source, DbTransaction? sourceTransaction, ExchangeStore target, CancellationToken cancellationToken)
    {
        if (!await target.IsEmptyAsync(cancellationToken)) throw new InvalidDataException("the target already holds a store; give a new one");
        var journals = await JournalAudit.JournalsAsync(source, sourceTransaction, cancellationToken);
        long lines = 0;
        foreach (var journal in journals)
        {
            await using var shard = new MarketShard(target, TimeProvider.System, NullLogger<MarketShard>.Instance, int.MaxValue, group: journal.Length == 0 ? null : journal);
            lines += await shard.RebuildAsync(Entries(source, sourceTransaction, journal, cancellationToken), cancellationToken);
        }
        var carried = await target.CarryOverAsync(source, sourceTransaction, cancellationToken);
        LedgerVerification verification;
        await using (var connection = await target.OpenConnectionAsync(cancellationToken))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            verification = await JournalVerifier.VerifyAsync(connection, transaction, cancellationToken);
        }
        var rows = (await target.RowCountsAsync(cancellationToken)).Where(t => t.Key != "schema_version").Sum(t => t.Value);
        return new RebuildSummary(journals, lines, rows, carried, verification);
    }

    /// <summary>
    /// A journal's rows in order, each checked to follow the hash chain from the genesis (the rebuilt rows are chained
    /// again by the commit, so a row edited in the source would otherwise come out with a new hash that verifies).
    /// </summary>
    private static async IAsyncEnumerable<JournalEntry> Entries(DbConnection source, DbTransaction? transaction, string journal,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var previous = JournalChain.Genesis.ToArray();
        await foreach (var (entry, hash) in JournalAudit.RowsAsync(source, transaction, journal, 1, cancellationToken: cancellationToken))
        {
            var expected = JournalChain.Of(previous, journal, entry);
            if (hash is null || !expected.AsSpan().SequenceEqual(hash))
                throw new InvalidDataException($"{(journal.Length == 0 ? "journal" : $"journal of {journal}")}: sequence {entry.Sequence}'s hash does not follow " +
                    "the chain (a row edited, deleted or moved); 'journal verify' names them");
            previous = expected;
            yield return entry;
        }
    }
}
