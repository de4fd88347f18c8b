using System.Globalization;
using Neocloud.Domain.Input;
using Neocloud.Domain.Offtake;
using System.Security.Cryptography;
using Neocloud.Domain.Catalog;
using Neocloud.Domain.Time;
using Neocloud.Offtake;
using Neocloud.Offtake.Contracts;
using Neocloud.Offtake.Offers;
using Neocloud.Offtake.Rfqs;
using Neocloud.Exchange.Events;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Market.Commands;
using Neocloud.Storage;

namespace Neocloud.Exchange.Offtake;

/// <summary>
/// The long-term capacity workflow: open an RFQ, answer it with sealed offers that the seller's pools must back,
/// rank and award them (reserving the tranches in the market's ledger), then the contract's life — deliveries (each
/// opens a resale pool for the holder), SLA reports, termination. Every answer is an <see cref="Outcome{T}"/>, so the
/// API, the seed and the dashboard share one set of rules.
/// </summary>
public sealed partial class OfftakeDesk(ExchangeStore store, IMarket exchange, TimeProvider clock, Approvals.ApprovalGate approvals)
{
    /// <summary>The month it is now, UTC.</summary>
    public CalendarMonth ThisMonth => CalendarMonth.Of(clock.GetUtcNow());

    /// <summary>Opens an RFQ for <paramref name="buyer"/>.</summary>
    public async Task<Outcome<RfqView>> OpenRfqAsync(string buyer, RfqTerms terms, Idempotency<RfqView>? key, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var record = new RfqRecord(NewId("rfq"), buyer, RfqStatus.Open, terms.ClosesAt.ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds(), OfftakeJson.Write(terms));
        var view = RfqView.Of(record, now, 0);
        var opened = new RfqOpened(record) { Events = [ExchangeEvent.Of(buyer, EventTypes.RfqOpened, record.CreatedMs, view)] };
        return await BookAsync(buyer, HomeSku(terms), [], opened, committed => committed.Map(_ => view), key);
    }

    /// <summary>The buyer withdraws its open RFQ.</summary>
    public async Task<Outcome<bool>> WithdrawRfqAsync(string buyer, string id, CancellationToken ct)
    {
        if (await store.GetRfqAsync(id, ct) is not { } rfq || rfq.BuyerId != buyer) return Failure.NotFound($"no open RFQ '{id}' of yours");
        var withdrawn = new RfqWithdrawn(id, buyer, clock.GetUtcNow().ToUnixTimeMilliseconds());
        return await BookAsync(buyer, HomeSku(OfftakeJson.Read<RfqTerms>(rfq.Terms)), [], withdrawn, committed => committed.Map(_ => true), null);
    }

    /// <summary>
    /// Submits a contract book fact with the market steps it needs, and maps the commit to the caller's answer (also the
    /// answer an idempotency key keeps). The shard decides the fact's transition on its single writer.
    /// </summary>
    private async Task<Outcome<T>> BookAsync<T>(string actor, string sku, IReadOnlyList<MarketCommand> steps, BookFact fact,
        Func<Outcome<Committed>, Outcome<T>> answer, Idempotency<T>? key) =>
        answer(await exchange.SubmitAsync(new TransactionRequest(actor, steps, fact, sku), key?.Before<Committed>(answer)));

    /// <summary>The SKU whose market group holds an RFQ, its offers and its award (in a cluster, that group's shard).</summary>
    internal static string HomeSku(RfqTerms terms) => terms.Skus[0];

    /// <summary>The caller's RFQs (with how many offers arrived) and the open RFQs of others.</summary>
    public async Task<List<RfqView>> RfqsAsync(string caller, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var views = new List<RfqView>();
        foreach (var rfq in await store.VisibleRfqsAsync(caller, now.ToUnixTimeMilliseconds(), ct))
            views.Add(RfqView.Of(rfq, now, rfq.BuyerId == caller ? (await store.OffersAsync(rfq.Id, null, ct)).Count : null));
        return views;
    }

    /// <summary>An RFQ the caller may see: its own, an open one, or one it made an offer on.</summary>
    public async Task<Outcome<RfqView>> RfqAsync(string caller, string id, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (await store.GetRfqAsync(id, ct) is not { } rfq
            || (rfq.BuyerId != caller && RfqView.StatusOf(rfq, now) != RfqStatus.Open && (await store.OffersAsync(id, caller, ct)).Count == 0))
            return NoRfq(id);
        return RfqView.Of(rfq, now, rfq.BuyerId == caller ? (await store.OffersAsync(id, null, ct)).Count : null);
    }

    /// <summary>A seller's offer on an open RFQ: refused with the rule it breaks, or the pool and hour it cannot back.</summary>
    public async Task<Outcome<OfferView>> SubmitOfferAsync(string seller, string rfqId, OfferTerms offer, Idempotency<OfferView>? key, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (await store.GetRfqAsync(rfqId, ct) is not { } rfq || (rfq.BuyerId != seller && RfqView.StatusOf(rfq, now) != RfqStatus.Open)) return NoRfq(rfqId);
        if (rfq.BuyerId == seller) return Failure.Conflict("Own RFQ", "an organization cannot answer its own RFQ");
        if (RfqView.StatusOf(rfq, now) != RfqStatus.Open) return Failure.Conflict("RFQ closed", $"RFQ {rfqId} is {JsonNames.Of(RfqView.StatusOf(rfq, now))}; it takes no more offers");
        var terms = OfftakeJson.Read<RfqTerms>(rfq.Terms);

        var pools = new Dictionary<string, PoolFacts?>();
        foreach (var id in offer.Tranches.Select(t => t.Pool).Distinct())
            pools[id] = await store.GetPoolAsync(id, ct) is { } p ? new PoolFacts(p.ProviderId, p.Sku, p.Region) : null;
        var errors = OfferRules.Check(terms, seller, offer, id => pools.GetValueOrDefault(id));
        if (errors.Count > 0)
        {
            var invalid = new FieldErrors();
            foreach (var (field, message) in errors) invalid.Add(field, message);
            return Failure.Invalid(invalid);
        }
        if (await ShortfallAsync(offer) is { } problem) return problem;

        var record = new OfferRecord(NewId("off"), rfqId, seller, OfferStatus.Submitted, now.ToUnixTimeMilliseconds(), OfftakeJson.Write(offer));
        var view = OfferView.Of(record);
        var received = ExchangeEvent.Of(rfq.BuyerId, EventTypes.RfqOfferReceived, record.CreatedMs, new RfqOffers(rfqId, (await store.OffersAsync(rfqId, null, ct)).Count + 1));
        return await BookAsync(seller, HomeSku(terms), [], new OfferMade(record) { Events = [received] }, committed => committed.Map(_ => view), key);
    }

    /// <summary>The offers of an RFQ: ranked for its buyer once it has closed (sealed before), or the caller's own.</summary>
    public async Task<Outcome<OffersOnRfq>> OffersAsync(string caller, string rfqId, OfferRanking ranking, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (await store.GetRfqAsync(rfqId, ct) is not { } rfq || (rfq.BuyerId != caller && RfqView.StatusOf(rfq, now) != RfqStatus.Open
            && (await store.OffersAsync(rfqId, caller, ct)).Count == 0))
            return NoRfq(rfqId);
        if (rfq.BuyerId != caller) return new OffersOnRfq((await store.OffersAsync(rfqId, caller, ct)).Select(OfferView.Of).ToList(), null);
        if (RfqView.StatusOf(rfq, now) == RfqStatus.Open)
            return Sealed(rfq);
        return new OffersOnRfq(null, await RankAsync(rfq, ranking, ct));
    }

    /// <summary>The refusal to show the offers of an RFQ that is still open.</summary>
    public static Failure Sealed(RfqRecord rfq) =>
        Failure.Conflict("Offers sealed", $"offers on RFQ {rfq.Id} stay sealed until it closes at {DateTimeOffset.FromUnixTimeMilliseconds(rfq.ClosesMs):O}");

    /// <summary>The offers of a closed RFQ scored and ranked the buyer's way.</summary>
    private async Task<List<RankedOfferView>> RankAsync(RfqRecord rfq, OfferRanking ranking, CancellationToken ct)
    {
        var terms = OfftakeJson.Read<RfqTerms>(rfq.Terms);
        var offers = await store.OffersAsync(rfq.Id, null, ct);
        var regions = new Dictionary<string, string?>();
        foreach (var pool in offers.SelectMany(o => OfftakeJson.Read<OfferTerms>(o.Terms).Tranches).Select(t => t.Pool).Distinct())
            regions[pool] = (await store.GetPoolAsync(pool, ct))?.Region;
        var views = offers.ToDictionary(o => o.Id, OfferView.Of);
        var scored = views.Values.Select(v => OfferScoring.Score(terms, v.Id, v.Terms, p => regions.GetValueOrDefault(p), ReferenceCatalog.Embedded));
        return OfferScoring.Rank(scored, ranking).Select((s, i) => new RankedOfferView(i + 1, views[s.OfferId], s)).ToList();
    }

    /// <summary>
    /// The buyer awards one or several offers of its closed RFQ, each whole or a share of its GPUs. Every tranche is
    /// reserved in the market's ledger in the same commit as the contracts; if one no longer fits, nothing is awarded.
    /// </summary>
    public async Task<Outcome<IReadOnlyList<OfftakeView>>> AwardAsync(string buyer, string rfqId, IReadOnlyList<(string Offer, decimal Share)> awards,
        Idempotency<IReadOnlyList<OfftakeView>>? key, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (await store.GetRfqAsync(rfqId, ct) is not { } rfq || rfq.BuyerId != buyer) return NoRfq(rfqId);
        var status = RfqView.StatusOf(rfq, now);
        if (status == RfqStatus.Open) return Failure.Conflict("RFQ still open", $"RFQ {rfqId} closes at {DateTimeOffset.FromUnixTimeMilliseconds(rfq.ClosesMs):O}; award after that");
        if (status != RfqStatus.Closed) return Failure.Conflict("RFQ not awardable", $"RFQ {rfqId} is {JsonNames.Of(status)}");
        var terms = OfftakeJson.Read<RfqTerms>(rfq.Terms);
        var offers = (await store.OffersAsync(rfqId, null, ct)).ToDictionary(o => o.Id);
        var errors = new FieldErrors();
        for (var i = 0; i < awards.Count; i++)
        {
            if (!offers.ContainsKey(awards[i].Offer)) errors.Add($"awards[{i}].offer", $"no offer '{awards[i].Offer}' on RFQ {rfqId}");
        }
        if (!errors.IsEmpty) return Failure.Invalid(errors);

        var signed = CalendarMonth.Of(now);
        var contracts = new List<(OfftakeRecord Record, ContractTerms Terms)>();
        foreach (var (offerId, share) in awards)
        {
            var offer = offers[offerId];
            var contractTerms = OfferScoring.ToContract(terms, OfftakeJson.Read<OfferTerms>(offer.Terms), signed, share);
            var region = (await store.GetPoolAsync(contractTerms.Tranches[0].Pool, ct))?.Region ?? "";
            contracts.Add((new OfftakeRecord(NewId("otc"), rfqId, offerId, buyer, offer.SellerId, contractTerms.Sku, region, ContractStatus.Active, null,
                now.ToUnixTimeMilliseconds(), OfftakeJson.Write(contractTerms)), contractTerms));
        }
        var awarded = contracts.Sum(c => c.Terms.Tranches.Sum(t => t.Gpus));
        if (awarded > terms.Gpus)
            return Failure.Invalid("awards", $"{awarded} GPUs awarded, the RFQ asked for {terms.Gpus}; award shares of offers");

        var value = Accounts.AccountEntries.Cents(contracts.Sum(c => c.Terms.TcvUsd));
        if (await approvals.HoldAsync(buyer, Approvals.HeldCommand.Award(rfqId, awards), value,
                $"award {contracts.Count} contract{(contracts.Count == 1 ? "" : "s")} on RFQ {rfqId} ({awarded} GPUs, {string.Join(", ", contracts.Select(c => c.Record.SellerId).Distinct())})",
                key, ct) is { } held)
            return held;

        var losers = offers.Keys.Where(id => awards.All(a => a.Offer != id)).ToList();
        var nowMs = now.ToUnixTimeMilliseconds();
        var events = new List<EventRecord> { ExchangeEvent.Of(buyer, EventTypes.RfqAwarded, nowMs, new RfqAward(rfqId, contracts.Select(c => c.Record.Id).ToList())) };
        for (var i = 0; i < contracts.Count; i++)
        {
            var record = contracts[i].Record;
            events.Add(ExchangeEvent.Of(record.SellerId, EventTypes.OfferAwarded, nowMs, new OfferOutcome(rfqId, awards[i].Offer, record.Id, awards[i].Share)));
        }
        foreach (var loser in losers) events.Add(ExchangeEvent.Of(offers[loser].SellerId, EventTypes.OfferLost, nowMs, new OfferOutcome(rfqId, loser, null, null)));
        var award = new ContractAwarded(rfqId, contracts.Select(c => c.Record).ToList(), losers) { Events = events };
        Outcome<IReadOnlyList<OfftakeView>> Awarded(Outcome<Committed> committed) => committed.Failure is { Kind: FailureKind.Rejected } refused
            ? Failure.Conflict("Capacity no longer available", $"nothing was awarded: {refused.Detail}")
            : committed.Map<IReadOnlyList<OfftakeView>>(_ => contracts.Select(c => new OfftakeState(c.Record, c.Terms, ContractHistory.Empty).View(ThisMonth)).ToList());
        return await BookAsync(buyer, HomeSku(terms), contracts.SelectMany(c => Reservations(c.Record, c.Terms)).ToList(), award, Awarded, key);
    }

    /// <summary>Records an awarded contract that did not come through an RFQ (a deal signed elsewhere), reserving its tranches.</summary>
    public async Task<Outcome<OfftakeView>> RecordContractAsync(OfftakeRecord record, ContractTerms terms)
    {
        var committed = await exchange.SubmitAsync(new TransactionRequest(record.BuyerId, Reservations(record, terms).ToList(),
            new ContractAwarded(null, [record], []), record.Sku));
        return committed.Failure is { Kind: FailureKind.Rejected } refused
            ? Failure.Conflict("Capacity no longer available", refused.Detail)
            : committed.Map(_ => new OfftakeState(record, terms, ContractHistory.Empty).View(ThisMonth));
    }

    /// <summary>The contracts the organization is a party to.</summary>
    public async Task<List<OfftakeView>> ContractsAsync(string? organization, CancellationToken ct)
    {
        var views = new List<OfftakeView>();
        foreach (var record in await store.OfftakesForAsync(organization, ct)) views.Add((await OfftakeState.LoadAsync(store, record, ct)).View(ThisMonth, organization));
        return views;
    }

    /// <summary>A contract the caller is a party to (buyer, seller, or assignee of an assignment not declined), or null.</summary>
    public async Task<OfftakeState?> ContractAsync(string caller, string id, CancellationToken ct)
    {
        if (await store.GetOfftakeAsync(id, ct) is not { } record) return null;
        // Who may see it is known from the record and its assignments: the rest of the contract is read only for a party.
        var assignments = await store.AssignmentsAsync(record.Id, ct);
        var party = record.BuyerId == caller || record.SellerId == caller || assignments.Any(a => a.AssigneeId == caller && a.Status != AssignmentStatus.Declined);
        return party ? await OfftakeState.LoadAsync(store, record, ct, assignments) : null;
    }

    /// <summary>
    /// The seller reports a tranche delivered in a month (not in the future). The tranche's GPUs open as a resale pool
    /// of the buyer's from then to the end of its term, so the holder can sell hours it does not use on the spot market.
    /// </summary>
    public async Task<Outcome<OfftakeView>> DeliverAsync(string seller, string id, int tranche, CalendarMonth month, Idempotency<OfftakeView>? key, CancellationToken ct)
    {
        if (await ContractAsync(seller, id, ct) is not { } state) return NoContract(id);
        if (state.Record.SellerId != seller) return Failure.Forbidden("only the seller reports deliveries");
        if (state.Terms.Tranches.FirstOrDefault(t => t.Number == tranche) is not { } t)
            return Failure.Invalid("tranche", $"contract {id} has tranches 1 to {state.Terms.Tranches.Count}, got {tranche}");
        if (month > ThisMonth) return Failure.Invalid("month", $"must not be in the future (this month is {ThisMonth}), got {month}");
        if (month >= t.End) return Failure.Invalid("month", $"tranche {tranche}'s term ends before {t.End}, got {month}");
        if (state.History.DeliveredIn(tranche) is { } already) return Failure.Conflict("Already delivered", $"tranche {tranche} was delivered in {already}");
        if (state.History.TerminatedIn is not null) return Failure.Conflict("Contract terminated", $"contract {id} was terminated in {state.History.TerminatedIn}");

        var pool = await store.GetPoolAsync(t.Pool, ct);
        var from = month > t.Start ? month : t.Start;
        var resale = new PoolCommand(OfftakeState.TrancheId(id, tranche), state.Record.BuyerId, pool?.Region ?? state.Record.Region, state.Record.Sku,
            [new Segment(from.FirstHour.Value, t.End.FirstHour.Value, t.Gpus)]);
        var nowMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var steps = new List<MarketCommand> { resale };
        steps.AddRange(await AssigneePoolsOnDeliveryAsync(state, t, month, ct));
        var delivered = new TrancheDelivered(new DeliveryRecord(id, tranche, month.ToString(), nowMs))
        {
            Events = ExchangeEvent.ForEach([state.Record.BuyerId, seller], EventTypes.TrancheDelivered, nowMs,
                new TrancheEvent(id, tranche, t.Gpus, t.Start, month, Math.Max(0, month.MonthsSince(t.Start)), resale.PoolId)).ToList(),
        };
        Outcome<OfftakeView> Delivered(Outcome<Committed> committed) => committed.Failure is { Kind: FailureKind.Rejected } refused
            ? Failure.Conflict("Not delivered", refused.Detail)
            : committed.Map(_ => (state with { History = state.History with { Deliveries = [.. state.History.Deliveries, new Delivery(tranche, month)] } }).View(ThisMonth));
        return await BookAsync(seller, state.Record.Sku, steps, delivered, Delivered, key);
    }

    /// <summary>The seller reports a month's availability; the credit follows the contract's table.</summary>
    public async Task<Outcome<SlaView>> ReportSlaAsync(string seller, string id, CalendarMonth month, decimal availability, Idempotency<SlaView>? key, CancellationToken ct)
    {
        if (await ContractAsync(seller, id, ct) is not { } state) return NoContract(id);
        if (state.Record.SellerId != seller) return Failure.Forbidden("only the seller reports availability");
        if (month > ThisMonth) return Failure.Invalid("month", $"must not be in the future (this month is {ThisMonth}), got {month}");
        if (!state.Terms.Tranches.Any(t => ContractLedger.InService(t, state.History, month)))
            return Failure.Invalid("month", $"no GPUs of contract {id} were in service in {month}");
        var view = Sla(state.Terms, state.History, new SlaReport(month, availability), ThisMonth);
        var nowMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var reported = new SlaReported(new SlaRecord(id, month.ToString(), availability.ToString(CultureInfo.InvariantCulture), nowMs))
        {
            Events = view.CreditUsd > 0 ? ExchangeEvent.ForEach([state.Record.BuyerId, seller], EventTypes.SlaCredit, nowMs, new SlaCreditEvent(id, view)).ToList() : [],
        };
        return await BookAsync(seller, state.Record.Sku, [], reported, committed => committed.Map(_ => view), key);
    }

    /// <summary>Every SLA report of a contract with its credit.</summary>
    public static List<SlaView> SlaReports(OfftakeState state, CalendarMonth asOf) => state.History.Sla.Select(r => Sla(state.Terms, state.History, r, asOf)).ToList();

    /// <summary>
    /// The buyer ends the contract because a tranche is later than the grace period: every tranche not delivered is
    /// cancelled and its reservation released to the seller's pool; delivered tranches run to the end of their terms.
    /// </summary>
    public async Task<Outcome<OfftakeView>> TerminateAsync(string buyer, string id, Idempotency<OfftakeView>? key, CancellationToken ct)
    {
        if (await ContractAsync(buyer, id, ct) is not { } state) return NoContract(id);
        if (state.Record.BuyerId != buyer) return Failure.Forbidden("only the buyer may terminate");
        var now = ThisMonth;
        var late = ContractLedger.TerminationRight(state.Terms, state.History, now);
        if (late.Count == 0)
            return Failure.Conflict("No termination right",
                state.History.TerminatedIn is { } t ? $"contract {id} was terminated in {t}" : $"no tranche is later than the {state.Terms.GraceMonths}-month grace period");
        var cancelled = state.Terms.Tranches.Where(t => state.History.DeliveredIn(t.Number) is null).ToList();
        var releases = cancelled.Select(t => (MarketCommand)new ReleaseCommand(OfftakeState.TrancheId(id, t.Number), t.Start.FirstHour)).ToList();
        var terminated = state with { History = state.History with { TerminatedIn = now } };
        Outcome<OfftakeView> Terminated(Outcome<Committed> committed) => committed.Failure is { Kind: FailureKind.Rejected } refused
            ? Failure.Conflict("Not terminated", refused.Detail)
            : committed.Map(_ => terminated.View(now) with { Status = ContractStatus.Terminated });
        var nowMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var fact = new ContractTerminated(id, now.ToString(), nowMs)
        {
            Events = ExchangeEvent.ForEach([buyer, state.Record.SellerId], EventTypes.ContractTerminated, nowMs,
                new ContractTermination(id, now, cancelled.Select(t => t.Number).ToList())).ToList(),
        };
        return await BookAsync(buyer, state.Record.Sku, releases, fact, Terminated, key);
    }

    private static SlaView Sla(ContractTerms terms, ContractHistory history, SlaReport report, CalendarMonth asOf)
    {
        var fraction = terms.CreditFraction(report.AvailabilityPercent);
        var invoice = ContractLedger.Invoices(terms, history with { Sla = [.. history.Sla.Where(r => r.Month != report.Month), report] }, asOf)
            .FirstOrDefault(i => i.Month == report.Month);
        return new SlaView(report.Month, report.AvailabilityPercent, fraction, invoice?.SlaCreditUsd ?? 0m);
    }

    private static IEnumerable<MarketCommand> Reservations(OfftakeRecord record, ContractTerms terms) =>
        terms.Tranches.Select(t => new ReserveCommand(OfftakeState.TrancheId(record.Id, t.Number), record.BuyerId, t.Pool, t.Gpus, t.Start.Window(t.TermMonths)));

    private async Task<Failure?> ShortfallAsync(OfferTerms offer)
    {
        foreach (var group in offer.Tranches.Select((t, i) => (Tranche: t, Index: i)).GroupBy(x => x.Tranche.Pool))
        {
            var needs = group.Select(x => new Need(x.Tranche.Start.FirstHour.Value, x.Tranche.End.FirstHour.Value, x.Tranche.Gpus)).ToList();
            var window = HourWindow.Of(needs.Min(n => n.Start), needs.Max(n => n.End));
            var usage = await exchange.UsageAsync(group.Key, window.Start.Value, window.End.Value);
            var free = usage.Select(u => new FreeStep(u.Start, u.End, Math.Max(0, u.Capacity - u.Sold - u.Offered))).ToList();
            if (CapacityCheck.FirstShortfall(needs, free) is { } gap)
            {
                var index = group.First(x => x.Tranche.Start.FirstHour.Value <= gap.Hour && gap.Hour < x.Tranche.End.FirstHour.Value).Index;
                return new Failure(FailureKind.Rejected, "Offer not backed by capacity",
                    $"pool {group.Key} has {gap.Free} GPUs free at {new Hour(gap.Hour).StartUtc:yyyy-MM-dd HH:mm}Z (hour {gap.Hour}), the offer needs {gap.Needed}",
                    FieldErrors.Of($"tranches[{index}].gpus", $"pool {group.Key} cannot back {gap.Needed} GPUs at hour {gap.Hour}: {gap.Free} free"));
            }
        }
        return null;
    }

    private static string NewId(string prefix) => $"{prefix}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";

    /// <summary>The refusal for an RFQ the caller may not see.</summary>
    public static Failure NoRfq(string id) => Failure.NotFound($"no RFQ '{id}'");

    /// <summary>The refusal for an offtake contract the caller is not a party to.</summary>
    public static Failure NoContract(string id) => Failure.NotFound($"no offtake contract '{id}'");
}
