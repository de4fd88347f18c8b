using System.Data.Common;
using Dapper;

namespace Neocloud.Storage;

/// <summary>
/// The journals' heads: read from a store to be signed, and signed heads recorded earlier checked against a store. A
/// head holds when its signature is the key's and the journal, walked from the genesis by content alone, still reaches
/// the head's hash at the head's sequence, where the stored row also holds that hash: a row rewritten at or before the
/// head's sequence breaks it even when every later hash was re-computed and the snapshots deleted.
/// </summary>
public static class JournalHeads
{
    /// <summary>Each journal's head as stored (the one-machine journal's, at sequence 0, when the store has none), in one read transaction of its own.</summary>
    public static async Task<IReadOnlyList<JournalHeadState>> ReadAsync(ExchangeStore store, CancellationToken cancellationToken = default)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken);
        await using var transaction = await JournalAudit.BeginSnapshotAsync(connection, cancellationToken);
        return await ReadAsync(connection, transaction, cancellationToken);
    }

    /// <summary>Each journal's head as stored (the one-machine journal's, at sequence 0, when the store has none).</summary>
    public static async Task<IReadOnlyList<JournalHeadState>> ReadAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken = default)
    {
        var journals = await JournalAudit.JournalsAsync(connection, transaction, cancellationToken);
        if (journals.Count == 0) journals.Add(JournalChain.NoShard);
        var heads = new List<JournalHeadState>();
        foreach (var shard in journals)
        {
            var last = await connection.QueryFirstOrDefaultAsync<LastRow>(new CommandDefinition(shard.Length == 0
                    ? $"SELECT {LastRow.Columns} FROM journal ORDER BY sequence DESC LIMIT 1"
                    : $"SELECT {LastRow.Columns} FROM shard_journal WHERE shard = @shard ORDER BY sequence DESC LIMIT 1",
                new { shard }, transaction, cancellationToken: cancellationToken));
            if (last is not { } row)
            {
                heads.Add(new JournalHeadState(shard, 0, JournalChain.Genesis.ToArray(), 0));
                continue;
            }
            if (row.Hash is null)
                throw new InvalidDataException($"{Name(shard)}: row {row.Sequence} has no hash (written outside the exchange); 'journal verify' names what is wrong");
            heads.Add(new JournalHeadState(shard, row.Sequence, row.Hash, row.RecordedMs));
        }
        return heads;
    }

    /// <summary>Checks each recorded head: its key and signature, and that the store's journal still reaches its hash at its sequence.</summary>
    public static async Task<IReadOnlyList<JournalHeadCheck>> CheckAsync(DbConnection connection, DbTransaction? transaction, IEnumerable<SignedJournalHead> heads,
        JournalSigningKey key, CancellationToken cancellationToken = default)
    {
        var journals = await JournalAudit.JournalsAsync(connection, transaction, cancellationToken);
        var checks = new List<JournalHeadCheck>();
        foreach (var head in heads) checks.Add(await CheckAsync(connection, transaction, journals, head, key, cancellationToken));
        return checks;
    }

    private static async Task<JournalHeadCheck> CheckAsync(DbConnection connection, DbTransaction? transaction, List<string> journals, SignedJournalHead head,
        JournalSigningKey key, CancellationToken cancellationToken)
    {
        var problems = new List<JournalProblem>();
        if (head.KeyId != key.KeyId)
            problems.Add(new JournalProblem(head.Sequence, $"the head was signed by another key (key id {head.KeyId}), not by this public key (key id {key.KeyId})"));
        else if (!key.Verifies(head))
            problems.Add(new JournalProblem(head.Sequence, "the head's signature does not verify: the head was altered after it was signed"));

        var recorded = head.Hash.ToLowerInvariant();
        if (head.Sequence == 0)
        {
            // An empty journal's head says nothing beyond the genesis.
            if (recorded != Convert.ToHexStringLower(JournalChain.Genesis))
                problems.Add(new JournalProblem(0, "the head of an empty journal must hold the genesis hash (64 zeros)"));
        }
        else if (!journals.Contains(head.Shard))
        {
            problems.Add(new JournalProblem(head.Sequence, $"the store has no {Name(head.Shard)}: its rows up to {head.Sequence}, signed at {head.SignedAt}, were deleted"));
        }
        else
        {
            // By content alone, from the genesis: a re-computed chain reaches the rewritten hash, never the signed one.
            var computed = JournalChain.Genesis.ToArray();
            byte[]? stored = null;
            long last = 0;
            await foreach (var (entry, hash) in JournalAudit.RowsAsync(connection, transaction, head.Shard, 1, head.Sequence, cancellationToken))
            {
                JournalChain.Next(computed, head.Shard, entry, computed);
                last = entry.Sequence;
                if (entry.Sequence == head.Sequence) stored = hash;
            }
            if (last != head.Sequence)
            {
                problems.Add(new JournalProblem(head.Sequence,
                    $"missing: the signed head is at {head.Sequence}, the journal ends at {last}: rows up to the head were deleted"));
            }
            else
            {
                var (storedHex, computedHex) = (stored is null ? "none" : Convert.ToHexStringLower(stored), Convert.ToHexStringLower(computed));
                if (storedHex != recorded || computedHex != recorded)
                {
                    problems.Add(new JournalProblem(head.Sequence,
                        $"the signed head's hash is {Short(recorded)}, the row's stored hash {Short(storedHex)} and the chain walked from the genesis reaches " +
                        $"{Short(computedHex)}: a row at or before {head.Sequence} was rewritten since the head was signed at {head.SignedAt}"));
                }
            }
        }
        return new JournalHeadCheck(head.Shard, head.Sequence, recorded, head.SignedAt, head.KeyId, problems);
    }

    private sealed record LastRow(long Sequence, long RecordedMs, byte[]? Hash)
    {
        public const string Columns = "sequence AS Sequence, recorded_ms AS RecordedMs, hash AS Hash";
    }

    private static string Name(string shard) => shard.Length == 0 ? "journal" : $"journal of {shard}";

    private static string Short(string hex) => hex.Length > 12 ? hex[..12] : hex;
}
