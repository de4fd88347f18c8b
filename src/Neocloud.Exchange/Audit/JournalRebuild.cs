using System.Data.Common;
using Microsoft.Extensions.Logging.Abstractions;
using Neocloud.Exchange.Shard;
using Neocloud.Storage;

namespace Neocloud.Exchange.Audit;

/// <summary>What a rebuild wrote.</summary>
/// <param name="Journals">The journals rebuilt (the one-machine journal, or a cluster's one per market group).</param>
/// <param name="Lines">Journal lines written.</param>
/// <param name="Rows">Rows in the rebuilt store, journal lines included.</param>
/// <param name="CarriedOver">What is use rather than ledger, carried over from the source: tables and columns, with their rows.</param>
/// <param name="Verification">The rebuilt store's <c>journal verify</c>.</param>
public sealed record RebuildSummary(IReadOnlyList<string> Journals, long Lines, long Rows, IReadOnlyList<(string Table, long Rows)> CarriedOver,
    LedgerVerification Verification);

/// <summary>
/// <c>journal rebuild</c>: a store written again from the journal alone. Every journal of the source is read in sequence
/// order and its lines handed to a market shard over the new store (<see cref="MarketShard.RebuildLine"/>), which runs
/// each command through the engine and the same row building as the live shard at the line's recorded time, and
/// projects each fact through the one projection of the live commit, so the rows, events and hash chain come out as
/// the original commits wrote them. A cluster's journals are merged by recorded time (a tie goes to the journal named
/// first), each shard's lines committed before another shard's follow, so an organization's events from two shards are
/// numbered in the order they were journaled. Not in the journal, so not rebuilt: idempotency records, snapshots (the
/// shard takes new ones); what is use rather than ledger — a procurement's blocks and misses, a hook's delivery attempts
/// and cursor, a token's last use — is carried over from the source (<see cref="ExchangeStore.UseTables"/>,
/// <see cref="ExchangeStore.UseColumns"/>). The result is verified as <c>journal verify</c> does.
/// </summary>
public static class JournalRebuild
{
    /// <summary>Rows read from a journal at a time.</summary>
    private const int Page = 2000;

    /// <summary>Rebuilds the journals <paramref name="source"/> holds (read on the caller's transaction) into <paramref name="target"/>, which must be empty.</summary>
    /// <exception cref="InvalidDataException">The target is not empty, or a journal row does not follow its hash chain or cannot be replayed.</exception>
    public static async Task<RebuildSummary> RunAsync(DbConnection source, DbTransaction? sourceTransaction, ExchangeStore target, CancellationToken cancellationToken)
    {
        if (!await target.IsEmptyAsync(cancellationToken)) throw new InvalidDataException("the target already holds a store; give a new one");
        var (journals, lines) = await WriteAsync(source, sourceTransaction, target, cancellationToken);

        var carried = await target.CarryOverAsync(source, sourceTransaction, cancellationToken);
        LedgerVerification verification;
        await using (var connection = await target.OpenConnectionAsync(cancellationToken))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            verification = await JournalVerifier.VerifyAsync(connection, transaction, marketRows: false, cancellationToken);
        }
        var rows = (await target.RowCountsAsync(cancellationToken)).Where(t => t.Key != "schema_version").Sum(t => t.Value);
        return new RebuildSummary(journals, lines, rows, carried, verification);
    }

    /// <summary>
    /// Writes every journal of <paramref name="source"/> and the rows its lines drive into <paramref name="target"/> (a new
    /// store): what a rebuild and <c>journal verify</c>'s check of the market's rows share. Returns the journals and lines.
    /// </summary>
    /// <exception cref="InvalidDataException">A journal row does not follow its hash chain or cannot be replayed.</exception>
    internal static async Task<(IReadOnlyList<string> Journals, long Lines)> WriteAsync(DbConnection source, DbTransaction? sourceTransaction, ExchangeStore target,
        CancellationToken cancellationToken)
    {
        var journals = await JournalAudit.JournalsAsync(source, sourceTransaction, cancellationToken);
        var shards = journals.Select(j => new MarketShard(target, TimeProvider.System, NullLogger<MarketShard>.Instance, int.MaxValue,
            group: j.Length == 0 ? null : j)).ToList();
        long lines = 0;
        try
        {
            var readers = journals.Select(j => new ChainedReader(source, sourceTransaction, j)).ToList();
            foreach (var shard in shards) await shard.BeginRebuildAsync(cancellationToken);
            MarketShard? previous = null;
            while (true)
            {
                var next = -1;
                for (var i = 0; i < readers.Count; i++)
                {
                    if (await readers[i].PeekAsync(cancellationToken) is { } head && (next < 0 || head.RecordedMs < readers[next].Head!.RecordedMs)) next = i;
                }
                if (next < 0) break;
                var shard = shards[next];
                if (previous is not null && previous != shard) await previous.CommitRebuiltAsync(cancellationToken);
                if (shard.RebuildLine(readers[next].Take())) await shard.CommitRebuiltAsync(cancellationToken);
                previous = shard;
                lines++;
            }
            foreach (var shard in shards) await shard.CommitRebuiltAsync(cancellationToken);
        }
        finally
        {
            foreach (var shard in shards) await shard.DisposeAsync();
        }
        return (journals, lines);
    }

    /// <summary>
    /// A journal's rows in order, a page at a time (so several journals can be merged on one connection), each checked to
    /// follow the hash chain from the genesis: the rebuilt rows are chained again by the commit, so a row edited in the
    /// source would otherwise come out with a new hash that verifies.
    /// </summary>
    private sealed class ChainedReader(DbConnection source, DbTransaction? transaction, string journal)
    {
        private readonly Queue<JournalEntry> _rows = new();
        private byte[] _previous = JournalChain.Genesis.ToArray();
        private long _next = 1;
        private bool _done;

        /// <summary>The next row, once <see cref="PeekAsync"/> has found one.</summary>
        public JournalEntry? Head => _rows.TryPeek(out var head) ? head : null;

        public async Task<JournalEntry?> PeekAsync(CancellationToken cancellationToken)
        {
            while (_rows.Count == 0 && !_done)
            {
                await foreach (var (entry, hash) in JournalAudit.RowsAsync(source, transaction, journal, _next, _next + Page - 1, cancellationToken))
                {
                    var expected = JournalChain.Of(_previous, journal, entry);
                    if (hash is null || !expected.AsSpan().SequenceEqual(hash))
                        throw new InvalidDataException($"{(journal.Length == 0 ? "journal" : $"journal of {journal}")}: sequence {entry.Sequence}'s hash does not " +
                            "follow the chain (a row edited, deleted or moved); 'journal verify' names them");
                    _previous = expected;
                    _rows.Enqueue(entry);
                }
                if (_rows.Count > 0)
                {
                    _next = _rows.Last().Sequence + 1;
                    break;
                }
                // An empty page: the journal's end, unless rows were deleted across a whole page (the next row then breaks the chain).
                _done = true;
                await foreach (var (entry, _) in JournalAudit.RowsAsync(source, transaction, journal, _next, long.MaxValue, cancellationToken))
                {
                    (_next, _done) = (entry.Sequence, false);
                    break;
                }
            }
            return Head;
        }

        public JournalEntry Take() => _rows.Dequeue();
    }
}
