using Neocloud.Domain.Offtake;
using Neocloud.Domain.Time;
using Neocloud.Economics.Escalation;
using Neocloud.Exchange.Indices;
using Neocloud.Offtake;
using Neocloud.Offtake.Contracts;
using Neocloud.Offtake.Offers;
using Neocloud.Offtake.Rfqs;
using Neocloud.Storage;

namespace Neocloud.Exchange.Offtake;

/// <summary>An RFQ as the API shows it; <c>offers</c> (how many arrived) only to its buyer.</summary>
public sealed record RfqView(string Id, string Buyer, RfqStatus Status, DateTimeOffset ClosesAt, DateTimeOffset Created, RfqTerms Terms, int? Offers)
{
    /// <summary>open, closed (past its closing time, not awarded), awarded or withdrawn.</summary>
    public static RfqStatus StatusOf(RfqRecord rfq, DateTimeOffset now) =>
        rfq.Status == RfqStatus.Open && now.ToUnixTimeMilliseconds() >= rfq.ClosesMs ? RfqStatus.Closed : rfq.Status;

    public static RfqView Of(RfqRecord rfq, DateTimeOffset now, int? offers) =>
        new(rfq.Id, rfq.BuyerId, StatusOf(rfq, now), DateTimeOffset.FromUnixTimeMilliseconds(rfq.ClosesMs), DateTimeOffset.FromUnixTimeMilliseconds(rfq.CreatedMs),
            OfftakeJson.Read<RfqTerms>(rfq.Terms), offers);
}

/// <summary>An offer as its seller, or the buyer after closing, sees it.</summary>
public sealed record OfferView(string Id, string Rfq, string Seller, OfferStatus Status, DateTimeOffset Submitted, OfferTerms Terms)
{
    public static OfferView Of(OfferRecord offer) =>
        new(offer.Id, offer.RfqId, offer.SellerId, offer.Status, DateTimeOffset.FromUnixTimeMilliseconds(offer.CreatedMs), OfftakeJson.Read<OfferTerms>(offer.Terms));
}

/// <summary>An offer in the buyer's ranking, with its score and the buyer's lease-vs-build economics.</summary>
public sealed record RankedOfferView(int Rank, OfferView Offer, ScoredOffer Score);

/// <summary>A tranche of a contract: its state, the reservation that holds its GPUs, and the pool its holder can resell from once delivered.</summary>
public sealed record TrancheView(int Number, string Pool, int Gpus, TrancheState State, CalendarMonth Due, CalendarMonth? Delivered, int MonthsLate, CalendarMonth End,
    string Reservation, string? ResalePool);

/// <summary>An offtake contract with where it stands: tranches, the termination right, and plan-versus-actual economics.</summary>
public sealed record OfftakeView(string Id, string Kind, string? Rfq, string? Offer, string Buyer, string Seller, string Sku, string Region, ContractStatus Status,
    CalendarMonth Signed, CalendarMonth? TerminatedIn, decimal PricePerGpuHour, decimal PrepaymentFraction, decimal PrepaymentUsd, decimal TcvUsd,
    decimal AvailabilityPercent, int GraceMonths, IReadOnlyList<CreditStep> CreditTable, IReadOnlyList<TrancheView> Tranches,
    IReadOnlyList<int> TerminationRight, ContractEconomics Economics, BillingConvention Billing, int PrepaymentCreditFromMonth, CalendarMonth PrepaymentCreditFrom,
    PriceIndex? PriceIndex, decimal LdPercentPerMonth, decimal LdCapPercent, IReadOnlyList<AssignmentView> Assignments);

/// <summary>A month's SLA report and the credit it earns.</summary>
public sealed record SlaView(CalendarMonth Month, decimal AvailabilityPercent, decimal CreditFraction, decimal CreditUsd);

/// <summary>
/// An assignment as the API shows it: who assigns what to whom from which month, where the acceptances stand, and the
/// resale pools it opened for the assignee (one per delivered tranche, once accepted).
/// </summary>
public sealed record AssignmentView(string Id, string Contract, string Assignor, string Assignee, CalendarMonth FromMonth, IReadOnlyList<AssignedTranche> Tranches,
    string Status, DateTimeOffset Proposed, DateTimeOffset? SellerAccepted, DateTimeOffset? AssigneeAccepted, DateTimeOffset? Decided, string? DeclinedBy,
    IReadOnlyList<string> ResalePools)
{
    /// <summary>The GPUs of each tranche a stored assignment moves.</summary>
    public static IReadOnlyList<AssignedTranche> Parts(AssignmentRecord record) => OfftakeJson.Read<List<AssignedTranche>>(record.Tranches);

    public static AssignmentView Of(AssignmentRecord record, OfftakeState state)
    {
        var parts = Parts(record);
        var pools = record.Status == AssignmentStatus.Accepted
            ? parts.Where(p => state.History.DeliveredIn(p.Tranche) is not null).Select(p => OfftakeState.AssignedPoolId(record.ContractId, p.Tranche, record.Id)).ToList()
            : [];
        static DateTimeOffset? At(long? ms) => ms is { } m ? DateTimeOffset.FromUnixTimeMilliseconds(m) : null;
        return new AssignmentView(record.Id, record.ContractId, record.AssignorId, record.AssigneeId, CalendarMonth.Parse(record.FromMonth), parts, record.Status,
            DateTimeOffset.FromUnixTimeMilliseconds(record.CreatedMs), At(record.SellerAcceptedMs), At(record.AssigneeAcceptedMs), At(record.DecidedMs), record.DeclinedBy,
            pools);
    }
}

/// <summary>A stored contract read back: record, terms, history and assignment proposals together.</summary>
public sealed record OfftakeState(OfftakeRecord Record, ContractTerms Terms, ContractHistory History, IReadOnlyList<AssignmentRecord>? AssignmentRecords = null)
{
    /// <summary>The id of the reservation that holds a tranche's GPUs (also the id of its resale pool).</summary>
    public static string TrancheId(string contractId, int tranche) => $"{contractId}.t{tranche}";

    /// <summary>The id of an assignee's resale pool of a tranche (also of the reservation in the buyer's resale pool that backs it).</summary>
    public static string AssignedPoolId(string contractId, int tranche, string assignment) => $"{TrancheId(contractId, tranche)}.{assignment}";

    /// <summary>Every assignment proposed, accepted or declined, oldest first.</summary>
    public IReadOnlyList<AssignmentRecord> Proposals => AssignmentRecords ?? [];

    /// <summary>
    /// The invoices <paramref name="caller"/> may see as they stand in month <paramref name="asOf"/>, each naming who
    /// pays it: the seller sees every part, the buyer and each assignee their own.
    /// </summary>
    public IReadOnlyList<Invoice> InvoicesFor(string caller, CalendarMonth asOf) =>
        ContractLedger.InvoicesByHolder(Terms, History, asOf)
            .Select(i => i with { BilledTo = i.BilledTo ?? Record.BuyerId })
            .Where(i => caller == Record.SellerId || i.BilledTo == caller)
            .ToList();

    /// <summary>
    /// The contract as the API shows it in month <paramref name="now"/> to <paramref name="viewer"/>: an assignee sees
    /// only its own assignments (the buyer and the seller, or no viewer, see all).
    /// </summary>
    public OfftakeView View(CalendarMonth now, string? viewer = null)
    {
        var statuses = ContractLedger.Statuses(Terms, History, now);
        var tranches = statuses.Select(s => new TrancheView(s.Number, s.Pool, s.Gpus, s.State, s.Due, s.Delivered, s.MonthsLate, s.End, TrancheId(Record.Id, s.Number),
            s.Delivered is not null && s.State is TrancheState.Delivered or TrancheState.DeliveredLate ? TrancheId(Record.Id, s.Number) : null)).ToList();
        return new OfftakeView(Record.Id, "offtake", Record.RfqId, Record.OfferId, Record.BuyerId, Record.SellerId, Record.Sku, Record.Region, Record.Status,
            Terms.Signed, History.TerminatedIn, Terms.PricePerGpuHour, Terms.PrepaymentFraction, Terms.PrepaymentUsd, Terms.TcvUsd, Terms.AvailabilityPercent,
            Terms.GraceMonths, Terms.CreditTable, tranches, ContractLedger.TerminationRight(Terms, History, now), ContractLedger.Economics(Terms, History, now),
            Terms.Billing, Terms.PrepaymentCreditFromMonth, Terms.PrepaymentCreditFrom, Terms.PriceIndex, Terms.LdPercentPerMonth, Terms.LdCapPercent,
            Proposals.Where(a => viewer is null || viewer == Record.BuyerId || viewer == Record.SellerId || viewer == a.AssigneeId)
                .Select(a => AssignmentView.Of(a, this)).ToList());
    }

    /// <summary>Reads a stored contract with its deliveries, SLA reports, assignments (<paramref name="assignments"/> when already read) and index values.</summary>
    public static async Task<OfftakeState> LoadAsync(ExchangeStore store, OfftakeRecord record, CancellationToken ct,
        IReadOnlyList<AssignmentRecord>? assignments = null)
    {
        var deliveries = (await store.DeliveriesAsync(record.Id, ct)).Select(d => new Delivery((int)d.Tranche, CalendarMonth.Parse(d.Month))).ToList();
        var sla = (await store.SlaReportsAsync(record.Id, ct))
            .Select(r => new SlaReport(CalendarMonth.Parse(r.Month), decimal.Parse(r.Availability, System.Globalization.CultureInfo.InvariantCulture))).ToList();
        var terminated = record.TerminatedMonth is { } t ? CalendarMonth.Parse(t) : (CalendarMonth?)null;
        assignments ??= await store.AssignmentsAsync(record.Id, ct);
        var accepted = assignments.Where(a => a.Status == AssignmentStatus.Accepted)
            .Select(a => new Assignment(a.Id, a.AssigneeId, CalendarMonth.Parse(a.FromMonth), AssignmentView.Parts(a))).ToList();
        var terms = OfftakeJson.Read<ContractTerms>(record.Terms);
        // An escalator that follows a series or the exchange's VWAP is priced with the values known now.
        var index = terms.PriceIndex is { Kind: not IndexKind.Fixed } priceIndex ? new IndexValues(await IndexBook.ValuesAsync(store, priceIndex, ct)) : null;
        return new OfftakeState(record, terms, new ContractHistory(deliveries, sla, terminated, accepted, index), assignments);
    }
}

/// <summary>
/// The offers of an RFQ as the caller may see them: a seller its own (<see cref="Own"/>), the buyer of a closed RFQ
/// all of them ranked (<see cref="Ranked"/>).
/// </summary>
public sealed record OffersOnRfq(IReadOnlyList<OfferView>? Own, IReadOnlyList<RankedOfferView>? Ranked);
