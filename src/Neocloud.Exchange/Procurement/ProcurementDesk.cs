using System.Globalization;
using System.Security.Cryptography;
using Neocloud.Domain.Paging;
using Neocloud.Domain.Procurement;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Storage;

namespace Neocloud.Exchange.Procurement;

/// <summary>
/// An organization's standing procurements: start one, list and read its own (others' ids are not found), stop one
/// (what it bought stays bought). The API and the dashboard both come here; <see cref="ProcurementRunner"/> does the buying.
/// </summary>
/// <remarks>Starting and stopping are journaled configuration facts, decided on the configuration's shard (<see cref="ConfigJournal"/>).</remarks>
public sealed class ProcurementDesk(ExchangeStore store, IMarket market, ProcurementRunner runner, TimeProvider clock)
{
    /// <summary>Starts a procurement for <paramref name="caller"/>; the runner buys its first blocks right after.</summary>
    public async Task<Outcome<ProcurementView>> StartAsync(string caller, ProcurementTerms terms, Idempotency<ProcurementView>? key = null,
        CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var record = new ProcurementRecord(NewId(now), caller, terms.Sku, terms.Region, terms.Gpus, terms.HorizonHours, terms.BlockHours, terms.MaxPrice.Ticks,
            ProcurementStatus.Active, 0, now.ToUnixTimeMilliseconds(), null, Orders.BidAlternatives.Format(terms.Alternatives));
        var view = ProcurementView.Of(record, [], [], Hour.FromUtc(now).Value);
        var outcome = await ConfigJournal.SubmitAsync(market, caller, new ProcurementStarted(record), committed => committed.Map(_ => view), key);
        if (outcome.IsAccepted) runner.Wake();
        return outcome;
    }

    /// <summary>The caller's procurements, oldest first.</summary>
    public async Task<Page<ProcurementView>> ProcurementsAsync(string caller, string? after, int limit, CancellationToken ct = default)
    {
        var page = await store.ListProcurementsAsync(caller, after, limit, ct);
        var views = new List<ProcurementView>(page.Items.Count);
        foreach (var procurement in page.Items) views.Add(await ViewAsync(procurement, ct));
        return new Page<ProcurementView>(views, page.Next);
    }

    /// <summary>One of the caller's procurements: status, blocks bought, misses, covered-through hour.</summary>
    public async Task<Outcome<ProcurementView>> ProcurementAsync(string caller, string id, CancellationToken ct = default) =>
        await store.GetProcurementAsync(id, ct) is { } procurement && procurement.OrganizationId == caller ? await ViewAsync(procurement, ct) : NotFound(id);

    /// <summary>Stops one of the caller's active procurements; a bid it had in flight is settled first, and nothing more is bought.</summary>
    public async Task<Outcome<ProcurementView>> StopAsync(string caller, string id, CancellationToken ct = default)
    {
        if (await store.GetProcurementAsync(id, ct) is not { } found || found.OrganizationId != caller) return NotFound(id);
        return await runner.ExclusiveAsync<Outcome<ProcurementView>>(async () =>
        {
            var stop = await ConfigJournal.SubmitAsync(market, caller, new ProcurementStopped(id, caller, clock.GetUtcNow().ToUnixTimeMilliseconds()));
            if (!stop.IsAccepted) return stop.Failure!;
            // No top-up of this node runs now; record what the last bid bought if a crash left it unrecorded.
            var stopped = (await store.GetProcurementAsync(id, ct))!;
            if (await runner.SettleAsync(stopped, ct)) stopped = (await store.GetProcurementAsync(id, ct))!;
            return await ViewAsync(stopped, ct);
        }, ct);
    }

    private async Task<ProcurementView> ViewAsync(ProcurementRecord procurement, CancellationToken ct) =>
        ProcurementView.Of(procurement, await store.ProcurementBlocksAsync(procurement.Id, ct), await store.ProcurementMissesAsync(procurement.Id, ct),
            Hour.FromUtc(clock.GetUtcNow()).Value);

    /// <summary>A new id: the millisecond (12 hex digits, so ids sort by creation), then 64 random bits.</summary>
    private static string NewId(DateTimeOffset now)
    {
        Span<byte> random = stackalloc byte[8];
        RandomNumberGenerator.Fill(random);
        return string.Create(CultureInfo.InvariantCulture, $"prc_{now.ToUnixTimeMilliseconds():x12}{Convert.ToHexStringLower(random)}");
    }

    private static Failure NotFound(string id) => Failure.NotFound($"no procurement '{id}'");
}
