using Neocloud.Domain.Money;
using Neocloud.Domain.Time;
using Neocloud.Market.Commands;
using Neocloud.Market.Engine;
using Neocloud.Market.Indexed;
using Neocloud.Market.Replay;

namespace Neocloud.Server.Exchange;

/// <summary>The exchange's view of the matching engine: the indexed engine of Neocloud.Market behind <see cref="IMarketPort"/>.</summary>
public sealed class MarketPort(IMatchingEngine engine) : IMarketPort
{
    private readonly List<MarketEvent> _events = [];

    /// <summary>A new, empty market on the indexed engine.</summary>
    public static IMarketPort Create() => new MarketPort(new IndexedEngine());

    public CommandOutcome Apply(ExchangeCommand command)
    {
        _events.Clear();
        engine.Apply(ToMarket(command), _events);
        var trades = new List<Fill>();
        bool rested = false, cancelled = false;
        foreach (var e in _events)
        {
            switch (e.Kind)
            {
                case EventKind.Rejected: return CommandOutcome.Rejected(e.Reason!);
                case EventKind.Trade:
                    trades.Add(new Fill(e.Bid!, e.Ask!, e.Pool!, e.Gpus, HourWindow.Of(e.Start, e.End), Price.FromTicks(e.PriceTicks), e.Buyer!, e.Seller!));
                    break;
                case EventKind.Rested: rested = true; break;
                case EventKind.Cancelled: cancelled = true; break;
            }
        }
        return new CommandOutcome(null, trades, rested, cancelled);
    }

    public string ToJournalLine(ExchangeCommand command) => ReplayCodec.Format(ToMarket(command));

    public void Replay(string journalLine)
    {
        var parsed = ReplayCodec.Parse(journalLine);
        if (parsed.Command is null) throw new InvalidOperationException($"journal line is not a command ({parsed.NotJson ?? parsed.Rejection?.Reason}): {journalLine}");
        _events.Clear();
        engine.Apply(parsed.Command, _events);
        if (_events.Find(e => e.Kind == EventKind.Rejected) is { Kind: EventKind.Rejected } rejected)
            throw new InvalidOperationException($"journal line rejected on replay ({rejected.Reason}): {journalLine}");
    }

    public void WriteSnapshot(Stream destination) => engine.Export().WriteTo(destination);

    public Action<Stream> CaptureSnapshot()
    {
        var state = engine.Capture();
        return destination => state().WriteTo(destination);
    }

    public void ReadSnapshot(Stream source) => engine.Import(MarketState.ReadFrom(source));

    public int RestingOrders => engine.RestingOrders;

    public bool IsOpen(string orderId) => engine.IsOpen(orderId);

    public PoolInfo? Pool(string poolId) => engine.Pool(poolId) is { } p ? new PoolInfo(p.PoolId, p.Provider, p.Sku, p.Region) : null;

    public IReadOnlyList<BookLevel> Book(string sku, string? region) => engine.Asks(sku, region).Select(Level).ToList();

    public IReadOnlyList<BookLevel> Bids(string sku, string? region) => engine.Bids(sku, region).Select(Level).ToList();

    public Price? Quote(string sku, string? region, int gpus, HourWindow window, string buyer) =>
        engine.Quote(sku, region, gpus, window.Start.Value, window.End.Value, buyer) is { } ticks ? Price.FromTicks(ticks) : null;

    public IReadOnlyList<PoolUsageStep> Usage(string poolId, HourWindow window) =>
        engine.Usage(poolId, window.Start.Value, window.End.Value).Select(u => new PoolUsageStep(new Hour(u.Start), new Hour(u.End), u.Capacity, u.Sold, u.Offered)).ToList();

    private static BookLevel Level(Neocloud.Market.Engine.BookLevel l) =>
        new(Price.FromTicks(l.PriceTicks), l.Orders, l.GpuHours, l.MaxGpus, new Hour(l.FirstHour), new Hour(l.LastHour));

    /// <summary>The engine's command for an exchange command.</summary>
    public static MarketCommand ToMarket(ExchangeCommand command) => command switch
    {
        CreatePool p => new PoolCommand(p.PoolId, p.OrganizationId, p.Region, p.Sku, p.Capacity.Select(Segment).ToList()),
        AddCapacity a => new CapacityCommand(a.PoolId, Segment(a.Step)),
        PlaceAsk a => new AskCommand(a.OrderId, a.OrganizationId, a.PoolId, a.Gpus, a.Window, a.Price),
        PlaceBid b => new BidCommand(b.OrderId, b.OrganizationId, b.Sku, b.Region, b.Gpus, b.Window, b.Limit, b.ImmediateOrCancel),
        CancelOrder c => new CancelCommand(c.OrderId),
        ReserveCapacity r => new ReserveCommand(r.ReservationId, r.OrganizationId, r.PoolId, r.Gpus, r.Window),
        ReleaseCapacity r => new ReleaseCommand(r.ReservationId, r.From),
        _ => throw new ArgumentException($"unknown command {command.GetType().Name}", nameof(command)),
    };

    private static Segment Segment(CapacityStep step) => new(step.Window.Start.Value, step.Window.End.Value, step.Gpus);
}
