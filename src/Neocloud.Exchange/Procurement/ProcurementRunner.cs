using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Neocloud.Domain.Orders;
using Neocloud.Domain.Procurement;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Shard;
using Neocloud.Market.Commands;
using Neocloud.Storage;

namespace Neocloud.Exchange.Procurement;

/// <summary>
/// Tops up standing procurements: for each active one, while the hours from the current hour to the horizon are not all
/// held by blocks it bought, it places an immediate-or-cancel bid for the next block <c>[t, t + block)</c> at the
/// procurement's maximum price — an ordinary market command through <see cref="IMarket.SubmitAsync"/>, journaled like
/// any order — and records the block from the committed trade; when no ask can fill the block at or under the maximum,
/// it records a miss and tries again on the next top-up.
/// <para>
/// <b>No block is bought twice</b>, by two runners (nodes of a cluster) or across a crash between a bid and its
/// record. Every bid a procurement places is numbered, and its order id is derived from the procurement and that number
/// (<see cref="BidId"/>); the procurement stores the number of its next bid. The market never accepts an order id twice
/// (a filled or cancelled IOC uses its id up; only a rejected order leaves its id free, and a rejected bid bought
/// nothing). A runner places bid <c>n + 1</c> only after the store shows bid <c>n</c> settled: before computing the next
/// block it looks bid <c>n</c> up among the orders (committed with the bid, in the same transaction as the journal) and,
/// if it exists, records its trade as a block (or its cancellation) and moves the procurement to <c>n + 1</c> with a
/// compare-and-set. So every block that was ever bought is recorded before the next window is computed, and two runners
/// that race place the same order id, which the market accepts once: the loser's bid is rejected and it settles the
/// winner's. Bid numbers rather than block start hours are in the id because the next block's start moves with the
/// clock: an id per (procurement, start hour) would let a runner whose hour had moved on place a second, overlapping
/// block beside a bought but unrecorded one, and a retry after a cancelled IOC needs a fresh id anyway.
/// </para>
/// <para>
/// Before placing a bid the runner asks the market for a quote, so a block no ask can fill at or under the maximum
/// costs one query instead of a journaled, cancelled bid on every top-up.
/// </para>
/// </summary>
public sealed partial class ProcurementRunner(IMarket market, ExchangeStore store, TimeProvider clock, ILogger<ProcurementRunner> log)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>The order id of a procurement's bid number <paramref name="number"/>.</summary>
    public static string BidId(string procurementId, long number) => $"{procurementId}-b{number.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The first hour at or after <paramref name="currentHour"/> that no block holds.</summary>
    public static int CoveredThrough(IReadOnlyList<ProcurementBlockRecord> blocks, int currentHour)
    {
        var through = (long)currentHour;
        foreach (var block in blocks.OrderBy(b => b.StartHour))
        {
            if (block.StartHour <= through && through < block.EndHour) through = block.EndHour;
        }
        return (int)through;
    }

    /// <summary>Asks for a top-up soon (a procurement started, the market changed); returns at once.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>Waits until <see cref="Wake"/> is called or <paramref name="timeout"/> passes.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await _wake.Reader.ReadAsync(timer.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The timeout: a periodic top-up.
        }
    }

    /// <summary>Tops up every active procurement; one that fails (the store or a shard unavailable) is logged and tried next time.</summary>
    public async Task TopUpAllAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            foreach (var procurement in await store.ActiveProcurementsAsync(cancellationToken))
            {
                try
                {
                    await TopUpAsync(procurement, cancellationToken);
                }
                catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or IOException or TimeoutException)
                {
                    LogTopUpFailed(e, procurement.Id);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> while no top-up of this runner is under way, after settling the procurement's last
    /// bid (for a stop: what a bid in flight bought is recorded, and no new one starts).
    /// </summary>
    public async Task<T> ExclusiveAsync<T>(Func<Task<T>> action, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await action();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Records what the procurement's latest bid did, if it was placed and not yet recorded; true when there was one.</summary>
    public async Task<bool> SettleAsync(ProcurementRecord procurement, CancellationToken cancellationToken = default)
    {
        var bidId = BidId(procurement.Id, procurement.NextBid);
        if (await store.GetOrderAsync(bidId, cancellationToken) is not { } order) return false;
        var nowMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (order.Status == OrderStatus.Filled && await store.TradeOfBidAsync(procurement.OrganizationId, bidId, cancellationToken) is { } trade)
        {
            await store.RecordProcurementBlockAsync(BlockOf(procurement, trade, nowMs), procurement.NextBid, cancellationToken);
        }
        else
        {
            var reason = $"the bid {bidId} for [{order.StartHour}, {order.EndHour}) was {JsonNamesOf(order.Status)} without a trade; trying again";
            await store.RecordProcurementMissAsync(Miss(procurement, order.StartHour, order.EndHour, reason, nowMs), procurement.NextBid, cancellationToken);
        }
        return true;
    }

    private async Task TopUpAsync(ProcurementRecord procurement, CancellationToken cancellationToken)
    {
        // Each round either settles a bid, buys a block or stops; a horizon needs at most MaxBlocksPerHorizon blocks.
        for (var round = 0; round < 2 * ProcurementTerms.MaxBlocksPerHorizon + 4; round++)
        {
            if (await SettleAsync(procurement, cancellationToken))
            {
                procurement = await store.GetProcurementAsync(procurement.Id, cancellationToken) ?? procurement;
                // Stopped meanwhile (on another node): what it bought is recorded, and it buys nothing more.
                if (procurement.Status != ProcurementStatus.Active) return;
                continue;
            }

            var currentHour = Hour.FromUtc(clock.GetUtcNow()).Value;
            var blocks = await store.ProcurementBlocksAsync(procurement.Id, cancellationToken);
            var start = CoveredThrough(blocks, currentHour);
            if (start >= currentHour + procurement.HorizonHours) return;
            var end = start + (int)procurement.BlockHours;
            var nowMs = clock.GetUtcNow().ToUnixTimeMilliseconds();

            // One quote per SKU it takes: a block is worth a bid only when some SKU has an ask under its own limit.
            var alternatives = Orders.BidAlternatives.Commands(procurement.Alternatives);
            var choices = alternatives ?? [new Alternative(procurement.Sku, Domain.Money.Price.FromTicks(procurement.MaxPriceTicks))];
            var quotes = new List<(Alternative Choice, long? Ticks)>();
            foreach (var choice in choices)
                quotes.Add((choice, await market.QuoteAsync(choice.Sku, procurement.Region, (int)procurement.Gpus, start, end, procurement.OrganizationId)));
            if (!quotes.Any(q => q.Ticks is { } ticks && ticks <= q.Choice.Limit.Ticks))
            {
                var reason = $"no ask under {string.Join(" or ", quotes.Select(q => Under(q.Choice, quotes.Count > 1)))} for [{start}, {end}) " +
                    $"({string.Join("; ", quotes.Select(q => Best(q.Choice.Sku, q.Ticks, procurement, quotes.Count > 1)))}); trying again";
                await store.RecordProcurementMissAsync(Miss(procurement, start, end, reason, nowMs), null, cancellationToken);
                return;
            }

            var bidId = BidId(procurement.Id, procurement.NextBid);
            var window = HourWindow.Of(start, end);
            var bid = alternatives is null
                ? new BidCommand(OrderId: bidId, Account: procurement.OrganizationId, Sku: procurement.Sku, Region: procurement.Region,
                    Gpus: (int)procurement.Gpus, Window: window, Limit: Domain.Money.Price.FromTicks(procurement.MaxPriceTicks), ImmediateOrCancel: true)
                : BidCommand.Of(bidId, procurement.OrganizationId, alternatives, procurement.Region, (int)procurement.Gpus, window, immediateOrCancel: true);
            var outcome = await market.SubmitAsync(new MarketRequest(procurement.OrganizationId, bid));
            if (outcome.IsAccepted)
            {
                LogBid(procurement.Id, bidId, start, end, outcome.Value!.Trades.Count > 0);
                // The bid is committed: settle it from the store, as a runner that crashed here would after a restart.
                continue;
            }
            if (outcome.Failure is { } failure && await store.GetOrderAsync(bidId, cancellationToken) is null)
            {
                // Refused without using the id (a rule of the market, or the shard unavailable): nothing was bought.
                await store.RecordProcurementMissAsync(Miss(procurement, start, end, $"the bid for [{start}, {end}) was refused: {failure}; trying again", nowMs), null,
                    cancellationToken);
                return;
            }
            // Another runner placed this bid number first: the next round settles its bid.
        }
    }

    private static ProcurementBlockRecord BlockOf(ProcurementRecord procurement, TradeRecord trade, long nowMs) =>
        new(procurement.Id, trade.StartHour, trade.EndHour, trade.BidId, trade.TradeNo, trade.PoolId, trade.Gpus, trade.PriceTicks, nowMs);

    private static ProcurementMissRecord Miss(ProcurementRecord procurement, long start, long end, string reason, long nowMs) =>
        new(procurement.Id, start, end, reason, 1, nowMs, nowMs);

    private static string In(string? region) => region is null ? "" : $" in {region}";

    private static string Under(Alternative choice, bool named) => named ? $"{choice.Limit} for {choice.Sku}" : choice.Limit.ToString();

    private static string Best(string sku, long? ticks, ProcurementRecord procurement, bool named) =>
        ticks is { } best ? $"the best {(named ? sku + " " : "")}is {Orders.Prices.Format(best)}" : $"none can fill {procurement.Gpus} GPUs of {sku}{In(procurement.Region)}";

    private static string JsonNamesOf(OrderStatus status) => Domain.Input.JsonNames.Of(status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "top-up of procurement {Procurement} failed; it is tried again on the next tick")]
    private partial void LogTopUpFailed(Exception error, string procurement);

    [LoggerMessage(Level = LogLevel.Information, Message = "procurement {Procurement} placed {Bid} for [{Start}, {End}): traded {Traded}")]
    private partial void LogBid(string procurement, string bid, int start, int end, bool traded);
}
