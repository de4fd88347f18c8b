using Neocloud.Market.Commands;
using Neocloud.Market.Replay;
using Neocloud.Storage;

namespace Neocloud.Exchange.Shard;

public sealed partial class MarketShard
{
    /// <summary>
    /// Writes a journal's lines, in order, into this shard's store, which holds none of them yet: each command runs
    /// through the engine and the same row building as a live command (<see cref="ApplyOne"/>) at the line's recorded
    /// time, journaled as the very line; each fact is journaled and projected as the live commit does, with the events
    /// it carries. The journal rows come out with the same sequences, times, actors, lines and hashes, the read models
    /// and events as the original commits wrote them. A batch of lines a commit; the shard's loop is not started.
    /// Returns the number of lines written.
    /// </summary>
    /// <exception cref="InvalidDataException">A line is out of sequence, unreadable, or refused by the engine now.</exception>
    internal async Task<long> RebuildAsync(IAsyncEnumerable<JournalEntry> journal, CancellationToken cancellationToken)
    {
        var name = Group is null ? "journal" : $"journal of {Group}";
        if (Group is not null)
        {
            var claim = await _store.ClaimShardAsync(Group, cancellationToken);
            if (claim.LastSequence != 0) throw new InvalidDataException($"{name}: the target already holds {claim.LastSequence} lines of it");
            Interlocked.Exchange(ref _epoch, claim.Epoch);
        }
        _tradeNo = Group is null ? 0 : _ordinal - Domain.Catalog.MarketGroups.OrdinalSpace;
        _batch.Clear();
        long lines = 0;
        var committed = _sequence;
        await foreach (var entry in journal.WithCancellation(cancellationToken))
        {
            if (entry.Sequence != _sequence + 1)
                throw new InvalidDataException($"{name}: sequence {entry.Sequence} follows {_sequence}; a journal with a gap cannot be rebuilt");
            if (BookFacts.IsFact(entry.Command))
            {
                BookFact fact;
                try
                {
                    fact = BookFacts.Parse(entry.Command);
                }
                catch (System.Text.Json.JsonException e)
                {
                    throw new InvalidDataException($"{name}: sequence {entry.Sequence} is no fact this build reads ({e.Message})");
                }
                Interlocked.Increment(ref _sequence);
                _batch.Journal.Add(entry);
                _batch.Facts.Add(fact);
                _batch.Events.AddRange(fact.Events);
            }
            else
            {
                var command = ReplayCodec.Parse(entry.Command).Command
                    ?? throw new InvalidDataException($"{name}: sequence {entry.Sequence} is no command");
                var site = command is PoolCommand ? PoolSite.Of(entry.Command) : null;
                var outcome = ApplyOne(command, new MarketRequest(entry.OrganizationId, command, site), entry.RecordedMs, entry.Command);
                if (!outcome.IsAccepted)
                    throw new InvalidDataException($"{name}: sequence {entry.Sequence} is refused on replay ({outcome.Failure!.Detail}); the journal and the engine disagree");
            }
            lines++;
            if (_batch.Journal.Count >= MaxBatch) committed = await CommitRebuiltAsync(committed, cancellationToken);
        }
        await CommitRebuiltAsync(committed, cancellationToken);
        return lines;
    }

    private async Task<long> CommitRebuiltAsync(long after, CancellationToken cancellationToken)
    {
        if (Group is not null) _batch.Fence = new ShardFence(Group, _epoch, after, _sequence);
        await _store.CommitAsync(_batch, cancellationToken);
        _batch.Clear();
        return _sequence;
    }
}
