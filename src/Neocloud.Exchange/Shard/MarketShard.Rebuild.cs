using Neocloud.Market.Commands;
using Neocloud.Market.Replay;
using Neocloud.Storage;

namespace Neocloud.Exchange.Shard;

public sealed partial class MarketShard
{
    private long _rebuiltThrough;

    /// <summary>
    /// Prepares this shard to write its journal again into its store, which holds none of it yet (in a cluster, claims
    /// the group's first epoch); the shard's loop is not started. Lines follow with <see cref="RebuildLine"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The store already holds lines of this journal.</exception>
    internal async Task BeginRebuildAsync(CancellationToken cancellationToken)
    {
        if (Group is not null)
        {
            var claim = await _store.ClaimShardAsync(Group, cancellationToken);
            if (claim.LastSequence != 0) throw new InvalidDataException($"{JournalName}: the target already holds {claim.LastSequence} lines of it");
            Interlocked.Exchange(ref _epoch, claim.Epoch);
        }
        _tradeNo = Group is null ? 0 : _ordinal - Domain.Catalog.MarketGroups.OrdinalSpace;
        _batch.Clear();
        _rebuiltThrough = _sequence;
    }

    /// <summary>
    /// Adds a journal line, the next of this shard's journal, to the batch being rebuilt: a command runs through the
    /// engine and the same row building as a live command (<see cref="ApplyOne"/>) at the line's recorded time,
    /// journaled as the very line; a fact is journaled and projected as the live commit does, with the events it
    /// carries. So the journal rows come out with the same sequences, times, actors, lines and hashes, and the read
    /// models and events as the original commits wrote them. True when the batch is full and should be committed.
    /// </summary>
    /// <exception cref="InvalidDataException">The line is out of sequence, unreadable, or refused by the engine now.</exception>
    internal bool RebuildLine(JournalEntry entry)
    {
        if (entry.Sequence != _sequence + 1)
            throw new InvalidDataException($"{JournalName}: sequence {entry.Sequence} follows {_sequence}; a journal with a gap cannot be rebuilt");
        if (BookFacts.IsFact(entry.Command))
        {
            BookFact fact;
            try
            {
                fact = BookFacts.Parse(entry.Command);
            }
            catch (System.Text.Json.JsonException e)
            {
                throw new InvalidDataException($"{JournalName}: sequence {entry.Sequence} is no fact this build reads ({e.Message})");
            }
            Interlocked.Increment(ref _sequence);
            _batch.Journal.Add(entry);
            _batch.Facts.Add(fact);
            _batch.Events.AddRange(fact.Events);
        }
        else
        {
            var command = ReplayCodec.Parse(entry.Command).Command ?? throw new InvalidDataException($"{JournalName}: sequence {entry.Sequence} is no command");
            var site = command is PoolCommand ? PoolSite.Of(entry.Command) : null;
            var outcome = ApplyOne(command, new MarketRequest(entry.OrganizationId, command, site) { Actor = entry.Actor }, entry.RecordedMs, entry.Command);
            if (!outcome.IsAccepted)
                throw new InvalidDataException($"{JournalName}: sequence {entry.Sequence} is refused on replay ({outcome.Failure!.Detail}); the journal and the engine disagree");
        }
        return _batch.Journal.Count >= MaxBatch;
    }

    /// <summary>Commits the lines added since the last commit (their rows, events and, in a cluster, the fence row's move).</summary>
    internal async Task CommitRebuiltAsync(CancellationToken cancellationToken)
    {
        if (_batch.IsEmpty) return;
        if (Group is not null) _batch.Fence = new ShardFence(Group, _epoch, _rebuiltThrough, _sequence);
        await _store.CommitAsync(_batch, cancellationToken);
        _batch.Clear();
        _rebuiltThrough = _sequence;
    }

    private string JournalName => Group is null ? "journal" : $"journal of {Group}";
}
