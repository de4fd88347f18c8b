using Neocloud.Market.Commands;
using Neocloud.Market.Engine;
using Neocloud.Market.Replay;
using Neocloud.Storage;

namespace Neocloud.Exchange.Shard;

/// <summary>A journal line applied again to an engine: how recovery and the journal's audit replay it.</summary>
public static class JournalReplay
{
    /// <summary>Applies the line; returns null, or why the line is no command or the engine rejects it now (the journal and the engine disagree).</summary>
    public static string? Apply(IMatchingEngine engine, string journalLine, List<MarketEvent> events)
    {
        // A contract book fact moves no market state (its reservations are journaled as commands of their own).
        if (BookFacts.IsFact(journalLine)) return null;
        var parsed = ReplayCodec.Parse(journalLine);
        if (parsed.Command is null) return $"journal line is not a command ({parsed.NotJson ?? parsed.Rejection?.Reason})";
        events.Clear();
        engine.Apply(parsed.Command, events);
        return events.Count > 0 && events[0].Kind == EventKind.Rejected ? $"journal line rejected on replay ({events[0].Reason})" : null;
    }
}
