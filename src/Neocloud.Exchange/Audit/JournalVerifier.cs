using System.Data.Common;
using Neocloud.Exchange.Shard;
using Neocloud.Market.Commands;
using Neocloud.Market.Engine;
using Neocloud.Storage;

namespace Neocloud.Exchange.Audit;

/// <summary>What the audit found in one journal.</summary>
/// <param name="Shard">The cluster shard (market group), or empty for the one-machine journal.</param>
/// <param name="Commands">Rows in the journal.</param>
/// <param name="FirstSequence">The first row's sequence (0 when empty).</param>
/// <param name="LastSequence">The last row's sequence (0 when empty).</param>
/// <param name="ChainHead">The last row's stored hash, hex.</param>
/// <param name="SnapshotSequence">The newest snapshot's sequence, or null without one.</param>
/// <param name="SnapshotMatches">Whether the journal replayed to the snapshot's sequence gives the snapshot's state; null without one.</param>
/// <param name="Problems">Every row that does not hold up, in sequence order; none when the journal is intact.</param>
public sealed record JournalVerification(string Shard, long Commands, long FirstSequence, long LastSequence, string ChainHead, long? SnapshotSequence,
    bool? SnapshotMatches, IReadOnlyList<JournalProblem> Problems)
{
    /// <summary>True when nothing is wrong.</summary>
    public bool Ok => Problems.Count == 0;
}

/// <summary>What the audit found in every journal of a store and in the read models they drive.</summary>
/// <param name="Journals">Each journal's chain, replay and snapshot.</param>
/// <param name="ReadModels">Every read-model row that does not match the journal's facts (table, key, column).</param>
public sealed record LedgerVerification(IReadOnlyList<JournalVerification> Journals, IReadOnlyList<ReadModelProblem> ReadModels)
{
    /// <summary>Each signed head recorded outside the store, checked against it (none unless heads were given).</summary>
    public IReadOnlyList<JournalHeadCheck> Heads { get; init; } = [];

    /// <summary>True when nothing is wrong.</summary>
    public bool Ok => Journals.All(j => j.Ok) && ReadModels.Count == 0 && Heads.All(h => h.Ok);
}

/// <summary>
/// The journal's audit: walks each journal's hash chain (<see cref="JournalAudit.WalkAsync"/>), replays its commands into
/// a fresh engine the way recovery does, and compares the engine at the newest snapshot's sequence with that snapshot
/// (both written as a snapshot is). It reads only, in one read transaction (the caller's, or one of its own when
/// given none), so a running exchange's later commits do not enter the audit halfway.
/// </summary>
public static class JournalVerifier
{
    /// <summary>
    /// Verifies every journal the store holds (the one-machine journal, even when empty, if no cluster shard has one),
    /// then projects their facts into fresh read models and compares them with the stored ones, and — when every chain
    /// holds — writes the market's rows again from the journal (as <c>journal rebuild</c> does, into a temporary store)
    /// and compares those too.
    /// </summary>
    public static Task<LedgerVerification> VerifyAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken = default) =>
        VerifyAsync(connection, transaction, marketRows: true, cancellationToken);

    /// <summary>
    /// As <see cref="VerifyAsync(DbConnection, DbTransaction?, CancellationToken)"/>; without <paramref name="marketRows"/>
    /// the market's rows (pools, capacity, orders, portfolios, trades) are not written again and compared (a rebuild
    /// checking what it just wrote that way).
    /// </summary>
    public static async Task<LedgerVerification> VerifyAsync(DbConnection connection, DbTransaction? transaction, bool marketRows,
        CancellationToken cancellationToken = default)
    {
        if (transaction is null)
        {
            // A running exchange goes on committing: the journal and its read models are read at one moment, or a row
            // projected between the two reads would look written by no fact.
            await using var snapshot = await JournalAudit.BeginSnapshotAsync(connection, cancellationToken);
            return await VerifyAsync(connection, snapshot, marketRows, cancellationToken);
        }
        var journals = await JournalAudit.JournalsAsync(connection, transaction, cancellationToken);
        if (journals.Count == 0) journals.Add(JournalChain.NoShard);
        var results = new List<JournalVerification>();
        var facts = new List<BookFact>();
        foreach (var shard in journals) results.Add(await VerifyAsync(connection, transaction, shard, facts, cancellationToken));
        // An upgraded store's imported rows stood before any journaled fact (a cluster's other journals may hold later facts about them).
        var ordered = facts.Where(f => f is BookImported or ConfigImported).Concat(facts.Where(f => f is not (BookImported or ConfigImported)));
        var readModels = await ReadModelAudit.CompareBookAsync(connection, transaction, ordered, cancellationToken);
        if (marketRows && results.All(r => r.Ok)) readModels.AddRange(await CompareMarketAsync(connection, transaction, cancellationToken));
        return new LedgerVerification(results, readModels);
    }

    /// <summary>
    /// The market's rows written again from the journal into a temporary store, through the shard's own row building,
    /// and compared with the stored ones (table, key, column).
    /// </summary>
    private static async Task<List<ReadModelProblem>> CompareMarketAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("neocloud-verify-");
        try
        {
            await using var replayed = await ExchangeStore.OpenAsync(StoreOptions.SqliteFile(Path.Combine(directory.FullName, "replayed.db")), cancellationToken);
            await JournalRebuild.WriteAsync(connection, transaction, replayed, cancellationToken);
            await using var rows = await replayed.OpenConnectionAsync(cancellationToken);
            return await ReadModelAudit.CompareMarketAsync(connection, transaction, rows, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            // A journal the walk found whole but the engine will not take again: named like any other problem, not thrown.
            return [new ReadModelProblem("journal", "", null, $"the market's rows could not be written again from the journal: {e.Message}")];
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Verifies one journal.</summary>
    public static async Task<JournalVerification> VerifyAsync(DbConnection connection, DbTransaction? transaction, string shard, CancellationToken cancellationToken = default)
    {
        if (transaction is not null) return await VerifyAsync(connection, transaction, shard, [], cancellationToken);
        await using var snapshot = await JournalAudit.BeginSnapshotAsync(connection, cancellationToken);
        return await VerifyAsync(connection, snapshot, shard, [], cancellationToken);
    }

    /// <summary>Verifies one journal, adding its contract book facts to <paramref name="facts"/> in order.</summary>
    private static async Task<JournalVerification> VerifyAsync(DbConnection connection, DbTransaction? transaction, string shard, List<BookFact> facts,
        CancellationToken cancellationToken)
    {
        var snapshot = await JournalAudit.LatestSnapshotAsync(connection, transaction, shard, cancellationToken);
        var engine = MarketEngines.Create(MarketEngines.Default);
        var events = new List<MarketEvent>();
        var problems = new List<JournalProblem>();
        byte[]? replayed = null;
        var walk = await JournalAudit.WalkAsync(connection, transaction, shard, entry =>
        {
            // The state at the snapshot's sequence: after its row, or before the first row past it when that row is gone.
            if (snapshot is not null && replayed is null && entry.Sequence > snapshot.Sequence) replayed = Serialize(engine.Export());
            if (JournalReplay.Apply(engine, entry.Command, events) is { } problem) problems.Add(new JournalProblem(entry.Sequence, problem));
            else if (BookFacts.IsFact(entry.Command))
            {
                try
                {
                    facts.Add(BookFacts.Parse(entry.Command));
                }
                catch (System.Text.Json.JsonException e)
                {
                    problems.Add(new JournalProblem(entry.Sequence, $"journal line is no book fact this build reads ({e.Message})"));
                }
            }
            if (snapshot is not null && entry.Sequence == snapshot.Sequence) replayed = Serialize(engine.Export());
        }, cancellationToken);
        problems.AddRange(walk.Problems);

        bool? matches = null;
        if (snapshot is not null)
        {
            replayed ??= Serialize(engine.Export());
            if (snapshot.Sequence > walk.LastSequence)
                problems.Add(new JournalProblem(walk.LastSequence + 1, $"missing: the snapshot at {snapshot.Sequence} holds commands after the journal's last row, {walk.LastSequence}"));
            matches = Normalized(snapshot.State) is { } state && state.AsSpan().SequenceEqual(replayed);
            if (matches == false)
                problems.Add(new JournalProblem(snapshot.Sequence, $"the snapshot at {snapshot.Sequence} differs from the journal replayed to {snapshot.Sequence}"));
        }
        if (await JournalAudit.FencedSequenceAsync(connection, transaction, shard, cancellationToken) is { } fenced && fenced > walk.LastSequence)
            problems.Add(new JournalProblem(walk.LastSequence + 1, $"missing: the shard's fence row says {fenced} were committed, the journal ends at {walk.LastSequence}"));

        problems.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return new JournalVerification(shard, walk.Rows, walk.FirstSequence, walk.LastSequence, Convert.ToHexStringLower(walk.Head), snapshot?.Sequence,
            matches, problems);
    }

    private static byte[] Serialize(MarketState state)
    {
        using var stream = new MemoryStream();
        state.WriteTo(stream);
        return stream.ToArray();
    }

    /// <summary>A stored snapshot written again as this build writes one (so a field added since reads as its default), or null when unreadable.</summary>
    private static byte[]? Normalized(byte[] snapshot)
    {
        try
        {
            using var stream = new MemoryStream(snapshot, writable: false);
            return Serialize(MarketState.ReadFrom(stream));
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException)
        {
            return null;
        }
    }
}
