using Neocloud.Domain.Offtake;
using Neocloud.Storage;

namespace Neocloud.Cluster.Wire;

// The contract book's facts (the typed records Storage journals) and the rows they carry, on the Orleans wire.
// Neocloud.Storage does not reference Orleans, so each concrete fact travels as a [GenerateSerializer] surrogate through
// its own [RegisterConverter] converter; a field declared BookFact carries the concrete fact's type, and that type's
// converter reads it back. Every fact's surrogate carries the events of BookFact.Events; AssignmentAccepted also carries
// OnCompletion, the events its completion would add, which the journal line leaves out but the shard that applies
// the fact needs. Text columns (terms, event data, tranches) stay the rows' own text: the wire does not read them.

/// <summary>An RFQ row on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.row.rfq")]
public readonly record struct RfqRecordSurrogate(
    [property: Id(0)] string Id, [property: Id(1)] string BuyerId, [property: Id(2)] RfqStatus Status,
    [property: Id(3)] long ClosesMs, [property: Id(4)] long CreatedMs, [property: Id(5)] string Terms);

/// <summary>Converts <see cref="RfqRecord"/> for the wire.</summary>
[RegisterConverter]
public sealed class RfqRecordConverter : IConverter<RfqRecord, RfqRecordSurrogate>
{
    public RfqRecord ConvertFromSurrogate(in RfqRecordSurrogate surrogate) => new(
        surrogate.Id, surrogate.BuyerId, surrogate.Status, surrogate.ClosesMs, surrogate.CreatedMs, surrogate.Terms);

    public RfqRecordSurrogate ConvertToSurrogate(in RfqRecord value) => new(
        value.Id, value.BuyerId, value.Status, value.ClosesMs, value.CreatedMs, value.Terms);
}

/// <summary>An offer row on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.row.offer")]
public readonly record struct OfferRecordSurrogate(
    [property: Id(0)] string Id, [property: Id(1)] string RfqId, [property: Id(2)] string SellerId,
    [property: Id(3)] OfferStatus Status, [property: Id(4)] long CreatedMs, [property: Id(5)] string Terms);

/// <summary>Converts <see cref="OfferRecord"/> for the wire.</summary>
[RegisterConverter]
public sealed class OfferRecordConverter : IConverter<OfferRecord, OfferRecordSurrogate>
{
    public OfferRecord ConvertFromSurrogate(in OfferRecordSurrogate surrogate) => new(
        surrogate.Id, surrogate.RfqId, surrogate.SellerId, surrogate.Status, surrogate.CreatedMs, surrogate.Terms);

    public OfferRecordSurrogate ConvertToSurrogate(in OfferRecord value) => new(
        value.Id, value.RfqId, value.SellerId, value.Status, value.CreatedMs, value.Terms);
}

/// <summary>An offtake contract row on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.row.offtake")]
public readonly record struct OfftakeRecordSurrogate(
    [property: Id(0)] string Id, [property: Id(1)] string? RfqId, [property: Id(2)] string? OfferId,
    [property: Id(3)] string BuyerId, [property: Id(4)] string SellerId, [property: Id(5)] string Sku,
    [property: Id(6)] string Region, [property: Id(7)] ContractStatus Status, [property: Id(8)] string? TerminatedMonth,
    [property: Id(9)] long CreatedMs, [property: Id(10)] string Terms);

/// <summary>Converts <see cref="OfftakeRecord"/> for the wire.</summary>
[RegisterConverter]
public sealed class OfftakeRecordConverter : IConverter<OfftakeRecord, OfftakeRecordSurrogate>
{
    public OfftakeRecord ConvertFromSurrogate(in OfftakeRecordSurrogate surrogate) => new(
        surrogate.Id, surrogate.RfqId, surrogate.OfferId, surrogate.BuyerId, surrogate.SellerId, surrogate.Sku, surrogate.Region,
        surrogate.Status, surrogate.TerminatedMonth, surrogate.CreatedMs, surrogate.Terms);

    public OfftakeRecordSurrogate ConvertToSurrogate(in OfftakeRecord value) => new(
        value.Id, value.RfqId, value.OfferId, value.BuyerId, value.SellerId, value.Sku, value.Region, value.Status,
        value.TerminatedMonth, value.CreatedMs, value.Terms);
}

/// <summary>A tranche delivery row on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.row.delivery")]
public readonly record struct DeliveryRecordSurrogate(
    [property: Id(0)] string ContractId, [property: Id(1)] long Tranche, [property: Id(2)] string Month,
    [property: Id(3)] long ReportedMs);

/// <summary>Converts <see cref="DeliveryRecord"/> for the wire.</summary>
[RegisterConverter]
public sealed class DeliveryRecordConverter : IConverter<DeliveryRecord, DeliveryRecordSurrogate>
{
    public DeliveryRecord ConvertFromSurrogate(in DeliveryRecordSurrogate surrogate) => new(
        surrogate.ContractId, surrogate.Tranche, surrogate.Month, surrogate.ReportedMs);

    public DeliveryRecordSurrogate ConvertToSurrogate(in DeliveryRecord value) => new(
        value.ContractId, value.Tranche, value.Month, value.ReportedMs);
}

/// <summary>An SLA report row on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.row.sla")]
public readonly record struct SlaRecordSurrogate(
    [property: Id(0)] string ContractId, [property: Id(1)] string Month, [property: Id(2)] string Availability,
    [property: Id(3)] long ReportedMs);

/// <summary>Converts <see cref="SlaRecord"/> for the wire.</summary>
[RegisterConverter]
public sealed class SlaRecordConverter : IConverter<SlaRecord, SlaRecordSurrogate>
{
    public SlaRecord ConvertFromSurrogate(in SlaRecordSurrogate surrogate) => new(
        surrogate.ContractId, surrogate.Month, surrogate.Availability, surrogate.ReportedMs);

    public SlaRecordSurrogate ConvertToSurrogate(in SlaRecord value) => new(
        value.ContractId, value.Month, value.Availability, value.ReportedMs);
}

/// <summary>An assignment row on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.row.assignment")]
public readonly record struct AssignmentRecordSurrogate(
    [property: Id(0)] string Id, [property: Id(1)] string ContractId, [property: Id(2)] string AssignorId,
    [property: Id(3)] string AssigneeId, [property: Id(4)] string FromMonth, [property: Id(5)] string Tranches,
    [property: Id(6)] string Status, [property: Id(7)] long CreatedMs, [property: Id(8)] long? SellerAcceptedMs,
    [property: Id(9)] long? AssigneeAcceptedMs, [property: Id(10)] long? DecidedMs, [property: Id(11)] string? DeclinedBy);

/// <summary>Converts <see cref="AssignmentRecord"/> for the wire.</summary>
[RegisterConverter]
public sealed class AssignmentRecordConverter : IConverter<AssignmentRecord, AssignmentRecordSurrogate>
{
    public AssignmentRecord ConvertFromSurrogate(in AssignmentRecordSurrogate surrogate) => new(
        surrogate.Id, surrogate.ContractId, surrogate.AssignorId, surrogate.AssigneeId, surrogate.FromMonth, surrogate.Tranches,
        surrogate.Status, surrogate.CreatedMs, surrogate.SellerAcceptedMs, surrogate.AssigneeAcceptedMs, surrogate.DecidedMs,
        surrogate.DeclinedBy);

    public AssignmentRecordSurrogate ConvertToSurrogate(in AssignmentRecord value) => new(
        value.Id, value.ContractId, value.AssignorId, value.AssigneeId, value.FromMonth, value.Tranches, value.Status,
        value.CreatedMs, value.SellerAcceptedMs, value.AssigneeAcceptedMs, value.DecidedMs, value.DeclinedBy);
}

/// <summary>An outbox event on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.row.event")]
public readonly record struct EventRecordSurrogate(
    [property: Id(0)] string OrganizationId, [property: Id(1)] string Id, [property: Id(2)] string Type,
    [property: Id(3)] long AtMs, [property: Id(4)] string Data);

/// <summary>Converts <see cref="EventRecord"/> for the wire.</summary>
[RegisterConverter]
public sealed class EventRecordConverter : IConverter<EventRecord, EventRecordSurrogate>
{
    public EventRecord ConvertFromSurrogate(in EventRecordSurrogate surrogate) => new(
        surrogate.OrganizationId, surrogate.Id, surrogate.Type, surrogate.AtMs, surrogate.Data);

    public EventRecordSurrogate ConvertToSurrogate(in EventRecord value) => new(
        value.OrganizationId, value.Id, value.Type, value.AtMs, value.Data);
}

/// <summary>A month's index value on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.row.index-value")]
public readonly record struct IndexValueRowSurrogate(
    [property: Id(0)] string Month, [property: Id(1)] string Value);

/// <summary>Converts <see cref="IndexValueRow"/> for the wire.</summary>
[RegisterConverter]
public sealed class IndexValueRowConverter : IConverter<IndexValueRow, IndexValueRowSurrogate>
{
    public IndexValueRow ConvertFromSurrogate(in IndexValueRowSurrogate surrogate) => new(
        surrogate.Month, surrogate.Value);

    public IndexValueRowSurrogate ConvertToSurrogate(in IndexValueRow value) => new(
        value.Month, value.Value);
}

/// <summary>A stored index value row on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.row.stored-index-value")]
public readonly record struct StoredIndexValueSurrogate(
    [property: Id(0)] string Name, [property: Id(1)] string Month, [property: Id(2)] string Value,
    [property: Id(3)] long UpdatedMs);

/// <summary>Converts <see cref="StoredIndexValue"/> for the wire.</summary>
[RegisterConverter]
public sealed class StoredIndexValueConverter : IConverter<StoredIndexValue, StoredIndexValueSurrogate>
{
    public StoredIndexValue ConvertFromSurrogate(in StoredIndexValueSurrogate surrogate) => new(
        surrogate.Name, surrogate.Month, surrogate.Value, surrogate.UpdatedMs);

    public StoredIndexValueSurrogate ConvertToSurrogate(in StoredIndexValue value) => new(
        value.Name, value.Month, value.Value, value.UpdatedMs);
}

/// <summary>A buyer's RFQ opened, with its events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.rfq-opened")]
public readonly record struct RfqOpenedSurrogate(
    [property: Id(0)] RfqRecord Rfq, [property: Id(1)] EventRecord[] Events);

/// <summary>Converts <see cref="RfqOpened"/> for the wire.</summary>
[RegisterConverter]
public sealed class RfqOpenedConverter : IConverter<RfqOpened, RfqOpenedSurrogate>
{
    public RfqOpened ConvertFromSurrogate(in RfqOpenedSurrogate surrogate) => new(
        surrogate.Rfq) { Events = surrogate.Events };

    public RfqOpenedSurrogate ConvertToSurrogate(in RfqOpened value) => new(
        value.Rfq, [.. value.Events]);
}

/// <summary>An RFQ withdrawn, with its events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.rfq-withdrawn")]
public readonly record struct RfqWithdrawnSurrogate(
    [property: Id(0)] string RfqId, [property: Id(1)] string BuyerId, [property: Id(2)] long AtMs,
    [property: Id(3)] EventRecord[] Events);

/// <summary>Converts <see cref="RfqWithdrawn"/> for the wire.</summary>
[RegisterConverter]
public sealed class RfqWithdrawnConverter : IConverter<RfqWithdrawn, RfqWithdrawnSurrogate>
{
    public RfqWithdrawn ConvertFromSurrogate(in RfqWithdrawnSurrogate surrogate) => new(
        surrogate.RfqId, surrogate.BuyerId, surrogate.AtMs) { Events = surrogate.Events };

    public RfqWithdrawnSurrogate ConvertToSurrogate(in RfqWithdrawn value) => new(
        value.RfqId, value.BuyerId, value.AtMs, [.. value.Events]);
}

/// <summary>An offer made, with its events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.offer-made")]
public readonly record struct OfferMadeSurrogate(
    [property: Id(0)] OfferRecord Offer, [property: Id(1)] EventRecord[] Events);

/// <summary>Converts <see cref="OfferMade"/> for the wire.</summary>
[RegisterConverter]
public sealed class OfferMadeConverter : IConverter<OfferMade, OfferMadeSurrogate>
{
    public OfferMade ConvertFromSurrogate(in OfferMadeSurrogate surrogate) => new(
        surrogate.Offer) { Events = surrogate.Events };

    public OfferMadeSurrogate ConvertToSurrogate(in OfferMade value) => new(
        value.Offer, [.. value.Events]);
}

/// <summary>Contracts awarded, with its events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.contract-awarded")]
public readonly record struct ContractAwardedSurrogate(
    [property: Id(0)] string? RfqId, [property: Id(1)] OfftakeRecord[] Contracts, [property: Id(2)] string[] LosingOffers,
    [property: Id(3)] EventRecord[] Events);

/// <summary>Converts <see cref="ContractAwarded"/> for the wire.</summary>
[RegisterConverter]
public sealed class ContractAwardedConverter : IConverter<ContractAwarded, ContractAwardedSurrogate>
{
    public ContractAwarded ConvertFromSurrogate(in ContractAwardedSurrogate surrogate) => new(
        surrogate.RfqId, surrogate.Contracts, surrogate.LosingOffers) { Events = surrogate.Events };

    public ContractAwardedSurrogate ConvertToSurrogate(in ContractAwarded value) => new(
        value.RfqId, [.. value.Contracts], [.. value.LosingOffers], [.. value.Events]);
}

/// <summary>A tranche delivered, with its events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.tranche-delivered")]
public readonly record struct TrancheDeliveredSurrogate(
    [property: Id(0)] DeliveryRecord Delivery, [property: Id(1)] EventRecord[] Events);

/// <summary>Converts <see cref="TrancheDelivered"/> for the wire.</summary>
[RegisterConverter]
public sealed class TrancheDeliveredConverter : IConverter<TrancheDelivered, TrancheDeliveredSurrogate>
{
    public TrancheDelivered ConvertFromSurrogate(in TrancheDeliveredSurrogate surrogate) => new(
        surrogate.Delivery) { Events = surrogate.Events };

    public TrancheDeliveredSurrogate ConvertToSurrogate(in TrancheDelivered value) => new(
        value.Delivery, [.. value.Events]);
}

/// <summary>A month's availability reported, with its events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.sla-reported")]
public readonly record struct SlaReportedSurrogate(
    [property: Id(0)] SlaRecord Report, [property: Id(1)] EventRecord[] Events);

/// <summary>Converts <see cref="SlaReported"/> for the wire.</summary>
[RegisterConverter]
public sealed class SlaReportedConverter : IConverter<SlaReported, SlaReportedSurrogate>
{
    public SlaReported ConvertFromSurrogate(in SlaReportedSurrogate surrogate) => new(
        surrogate.Report) { Events = surrogate.Events };

    public SlaReportedSurrogate ConvertToSurrogate(in SlaReported value) => new(
        value.Report, [.. value.Events]);
}

/// <summary>A contract terminated, with its events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.contract-terminated")]
public readonly record struct ContractTerminatedSurrogate(
    [property: Id(0)] string ContractId, [property: Id(1)] string Month, [property: Id(2)] long AtMs,
    [property: Id(3)] EventRecord[] Events);

/// <summary>Converts <see cref="ContractTerminated"/> for the wire.</summary>
[RegisterConverter]
public sealed class ContractTerminatedConverter : IConverter<ContractTerminated, ContractTerminatedSurrogate>
{
    public ContractTerminated ConvertFromSurrogate(in ContractTerminatedSurrogate surrogate) => new(
        surrogate.ContractId, surrogate.Month, surrogate.AtMs) { Events = surrogate.Events };

    public ContractTerminatedSurrogate ConvertToSurrogate(in ContractTerminated value) => new(
        value.ContractId, value.Month, value.AtMs, [.. value.Events]);
}

/// <summary>An assignment proposed, with its events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.assignment-proposed")]
public readonly record struct AssignmentProposedSurrogate(
    [property: Id(0)] AssignmentRecord Assignment, [property: Id(1)] EventRecord[] Events);

/// <summary>Converts <see cref="AssignmentProposed"/> for the wire.</summary>
[RegisterConverter]
public sealed class AssignmentProposedConverter : IConverter<AssignmentProposed, AssignmentProposedSurrogate>
{
    public AssignmentProposed ConvertFromSurrogate(in AssignmentProposedSurrogate surrogate) => new(
        surrogate.Assignment) { Events = surrogate.Events };

    public AssignmentProposedSurrogate ConvertToSurrogate(in AssignmentProposed value) => new(
        value.Assignment, [.. value.Events]);
}

/// <summary>An assignment accepted (with the events its completion would add), with its events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.assignment-accepted")]
public readonly record struct AssignmentAcceptedSurrogate(
    [property: Id(0)] string AssignmentId, [property: Id(1)] bool BySeller, [property: Id(2)] long AtMs,
    [property: Id(3)] bool Completes, [property: Id(4)] EventRecord[] Events, [property: Id(5)] EventRecord[] OnCompletion);

/// <summary>Converts <see cref="AssignmentAccepted"/> for the wire.</summary>
[RegisterConverter]
public sealed class AssignmentAcceptedConverter : IConverter<AssignmentAccepted, AssignmentAcceptedSurrogate>
{
    public AssignmentAccepted ConvertFromSurrogate(in AssignmentAcceptedSurrogate surrogate) => new(
        surrogate.AssignmentId, surrogate.BySeller, surrogate.AtMs, surrogate.Completes) { Events = surrogate.Events, OnCompletion = surrogate.OnCompletion };

    public AssignmentAcceptedSurrogate ConvertToSurrogate(in AssignmentAccepted value) => new(
        value.AssignmentId, value.BySeller, value.AtMs, value.Completes, [.. value.Events], [.. value.OnCompletion]);
}

/// <summary>An assignment declined, with its events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.assignment-declined")]
public readonly record struct AssignmentDeclinedSurrogate(
    [property: Id(0)] string AssignmentId, [property: Id(1)] string DeclinedBy, [property: Id(2)] long AtMs,
    [property: Id(3)] EventRecord[] Events);

/// <summary>Converts <see cref="AssignmentDeclined"/> for the wire.</summary>
[RegisterConverter]
public sealed class AssignmentDeclinedConverter : IConverter<AssignmentDeclined, AssignmentDeclinedSurrogate>
{
    public AssignmentDeclined ConvertFromSurrogate(in AssignmentDeclinedSurrogate surrogate) => new(
        surrogate.AssignmentId, surrogate.DeclinedBy, surrogate.AtMs) { Events = surrogate.Events };

    public AssignmentDeclinedSurrogate ConvertToSurrogate(in AssignmentDeclined value) => new(
        value.AssignmentId, value.DeclinedBy, value.AtMs, [.. value.Events]);
}

/// <summary>Index values uploaded, with its events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.index-values-set")]
public readonly record struct IndexValuesSetSurrogate(
    [property: Id(0)] string Name, [property: Id(1)] IndexValueRow[] Values, [property: Id(2)] long AtMs,
    [property: Id(3)] EventRecord[] Events);

/// <summary>Converts <see cref="IndexValuesSet"/> for the wire.</summary>
[RegisterConverter]
public sealed class IndexValuesSetConverter : IConverter<IndexValuesSet, IndexValuesSetSurrogate>
{
    public IndexValuesSet ConvertFromSurrogate(in IndexValuesSetSurrogate surrogate) => new(
        surrogate.Name, surrogate.Values, surrogate.AtMs) { Events = surrogate.Events };

    public IndexValuesSetSurrogate ConvertToSurrogate(in IndexValuesSet value) => new(
        value.Name, [.. value.Values], value.AtMs, [.. value.Events]);
}

/// <summary>An older store's book imported, with its events, on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.fact.book-imported")]
public readonly record struct BookImportedSurrogate(
    [property: Id(0)] RfqRecord[] Rfqs, [property: Id(1)] OfferRecord[] Offers, [property: Id(2)] OfftakeRecord[] Contracts,
    [property: Id(3)] DeliveryRecord[] Deliveries, [property: Id(4)] SlaRecord[] Sla,
    [property: Id(5)] AssignmentRecord[] Assignments, [property: Id(6)] StoredIndexValue[] IndexValues,
    [property: Id(7)] EventRecord[] Events);

/// <summary>Converts <see cref="BookImported"/> for the wire.</summary>
[RegisterConverter]
public sealed class BookImportedConverter : IConverter<BookImported, BookImportedSurrogate>
{
    public BookImported ConvertFromSurrogate(in BookImportedSurrogate surrogate) => new(
        surrogate.Rfqs, surrogate.Offers, surrogate.Contracts, surrogate.Deliveries, surrogate.Sla, surrogate.Assignments,
        surrogate.IndexValues) { Events = surrogate.Events };

    public BookImportedSurrogate ConvertToSurrogate(in BookImported value) => new(
        [.. value.Rfqs], [.. value.Offers], [.. value.Contracts], [.. value.Deliveries], [.. value.Sla], [.. value.Assignments],
        [.. value.IndexValues], [.. value.Events]);
}
