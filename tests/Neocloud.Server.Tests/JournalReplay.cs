using System.Globalization;
using Neocloud.Server.Exchange;

namespace Neocloud.Server.Tests;

/// <summary>Replays journal lines through a fresh engine and lists the trades it makes, one line per trade.</summary>
public static class JournalReplay
{
    /// <summary>"bid ask gpus start end priceTicks" for every trade, in order.</summary>
    public static List<string> Trades(IEnumerable<string> journal)
    {
        var engine = MarketPort.Create();
        var trades = new List<string>();
        foreach (var line in journal)
        {
            var outcome = engine.Apply(MarketPort.Parse(line));
            Assert.False(outcome.IsRejected, $"journal line rejected on replay: {line}: {outcome.RejectedReason}");
            trades.AddRange(outcome.Trades.Select(t => string.Join(' ', t.BidId, t.AskId, t.Gpus.ToString(CultureInfo.InvariantCulture),
                t.Window.Start.Value.ToString(CultureInfo.InvariantCulture), t.Window.End.Value.ToString(CultureInfo.InvariantCulture),
                t.Price.Ticks.ToString(CultureInfo.InvariantCulture))));
        }
        return trades;
    }
}
