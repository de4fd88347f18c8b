using System.Globalization;
using Neocloud.Market.Commands;
using Neocloud.Market.Reference;
using Neocloud.Market.Replay;
using Neocloud.Storage;

namespace Neocloud.Server.Tests;

/// <summary>
/// Replays journal lines through the plain reference engine — not the indexed one the server runs — and lists the
/// trades it makes, one line per trade.
/// </summary>
public static class JournalReplay
{
    /// <summary>"bid ask gpus start end priceTicks" for every trade, in order.</summary>
    public static List<string> Trades(IEnumerable<string> journal)
    {
        var engine = new ReferenceEngine();
        var events = new List<MarketEvent>();
        // The contract book's facts move no market state; their reservations are journaled as commands of their own.
        foreach (var line in journal.Where(l => !BookFacts.IsFact(l)))
        {
            var parsed = ReplayCodec.Parse(line);
            Assert.True(parsed.Command is not null, $"journal line is not a command: {line}");
            engine.Apply(parsed.Command!, events);
        }
        Assert.DoesNotContain(events, e => e.Kind == EventKind.Rejected);
        return events.Where(e => e.Kind == EventKind.Trade)
            .Select(t => string.Join(' ', t.Bid, t.Ask, t.Gpus.ToString(CultureInfo.InvariantCulture), t.Start.ToString(CultureInfo.InvariantCulture),
                t.End.ToString(CultureInfo.InvariantCulture), t.PriceTicks.ToString(CultureInfo.InvariantCulture)))
            .ToList();
    }
}
