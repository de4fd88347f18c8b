using System.Text.Json;
using System.Text.Json.Serialization;

namespace Neocloud.Storage;

/// <summary>
/// A change to the contract book (RFQs, offers, contracts, deliveries, SLA reports, terminations, assignments, index
/// values), as the core hands it to Storage: a typed record, journaled (hash-chained, with its actor) and projected into
/// the book's read models in the same commit. A fact carries every value its rows hold (ids, times, terms), so a replay
/// of the journal writes the same rows whatever day it runs; and the events it causes, so they are written with it.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = BookFacts.Discriminator)]
[JsonDerivedType(typeof(RfqOpened), "rfq.opened")]
[JsonDerivedType(typeof(RfqWithdrawn), "rfq.withdrawn")]
[JsonDerivedType(typeof(OfferMade), "offer.made")]
[JsonDerivedType(typeof(ContractAwarded), "contract.awarded")]
[JsonDerivedType(typeof(TrancheDelivered), "tranche.delivered")]
[JsonDerivedType(typeof(SlaReported), "sla.reported")]
[JsonDerivedType(typeof(ContractTerminated), "contract.terminated")]
[JsonDerivedType(typeof(AssignmentProposed), "assignment.proposed")]
[JsonDerivedType(typeof(AssignmentAccepted), "assignment.accepted")]
[JsonDerivedType(typeof(AssignmentDeclined), "assignment.declined")]
[JsonDerivedType(typeof(IndexValuesSet), "index.values")]
[JsonDerivedType(typeof(BookImported), "book.imported")]
[JsonDerivedType(typeof(OrganizationCreated), "organization.created")]
[JsonDerivedType(typeof(OrganizationRateLimitSet), "organization.rate_limit")]
[JsonDerivedType(typeof(TokenIssued), "token.issued")]
[JsonDerivedType(typeof(TokenRotated), "token.rotated")]
[JsonDerivedType(typeof(TokenRevoked), "token.revoked")]
[JsonDerivedType(typeof(WebhookCreated), "webhook.created")]
[JsonDerivedType(typeof(WebhookDeleted), "webhook.deleted")]
[JsonDerivedType(typeof(WebhookRedelivered), "webhook.redelivered")]
[JsonDerivedType(typeof(WebhookDisabled), "webhook.disabled")]
[JsonDerivedType(typeof(ProcurementStarted), "procurement.started")]
[JsonDerivedType(typeof(ProcurementStopped), "procurement.stopped")]
[JsonDerivedType(typeof(ConfigImported), "config.imported")]
[JsonDerivedType(typeof(RfqClosed), "rfq.closed")]
[JsonDerivedType(typeof(ContractMonthClosed), "contract.month_closed")]
[JsonDerivedType(typeof(InvoicesIssued), "contract.invoices_issued")]
[JsonDerivedType(typeof(OrderRejected), "order.rejected")]
[JsonDerivedType(typeof(CreditLimitSet), "account.credit_limit")]
[JsonDerivedType(typeof(MoneyRecorded), "account.money")]
[JsonDerivedType(typeof(MarginMarked), "account.margin")]
[JsonDerivedType(typeof(CreditGranted), "account.credit_granted")]
[JsonDerivedType(typeof(CreditReturned), "account.credit_returned")]
[JsonDerivedType(typeof(ApprovalThresholdSet), "approval.threshold")]
[JsonDerivedType(typeof(ApprovalRequested), "approval.requested")]
[JsonDerivedType(typeof(ApprovalDecided), "approval.decided")]
[JsonDerivedType(typeof(ApprovalCompleted), "approval.completed")]
[JsonDerivedType(typeof(AlertSet), "alert.set")]
[JsonDerivedType(typeof(AlertRemoved), "alert.removed")]
[JsonDerivedType(typeof(AlertsCrossed), "alert.crossed")]
[JsonDerivedType(typeof(AlertCurveObserved), "alert.curve_observed")]
public abstract record BookFact
{
    /// <summary>The events the fact causes, written to the outbox in its commit.</summary>
    public IReadOnlyList<EventRecord> Events { get; init; } = [];

    /// <summary>The account entries the fact causes (a trade's are its trade row), written in its commit.</summary>
    public IReadOnlyList<AccountEntry> Entries { get; init; } = [];
}

/// <summary>A buyer opened an RFQ.</summary>
public sealed record RfqOpened(RfqRecord Rfq) : BookFact;

/// <summary>The buyer withdrew its open RFQ.</summary>
public sealed record RfqWithdrawn(string RfqId, string BuyerId, long AtMs) : BookFact;

/// <summary>A seller made a sealed offer on an open RFQ.</summary>
public sealed record OfferMade(OfferRecord Offer) : BookFact;

/// <summary>
/// Contracts awarded: on an RFQ (its offers awarded, the others not), or one recorded without an RFQ (a deal signed
/// elsewhere, <c>RfqId</c> null). The tranches' reservations are market commands of the same transaction.
/// </summary>
public sealed record ContractAwarded(string? RfqId, IReadOnlyList<OfftakeRecord> Contracts, IReadOnlyList<string> LosingOffers) : BookFact;

/// <summary>The seller reported a tranche delivered.</summary>
public sealed record TrancheDelivered(DeliveryRecord Delivery) : BookFact;

/// <summary>The seller reported a month's availability.</summary>
public sealed record SlaReported(SlaRecord Report) : BookFact;

/// <summary>The buyer terminated a contract in a month; tranches not delivered by then are cancelled.</summary>
public sealed record ContractTerminated(string ContractId, string Month, long AtMs) : BookFact;

/// <summary>A buyer proposed assigning part of a contract.</summary>
public sealed record AssignmentProposed(AssignmentRecord Assignment) : BookFact;

/// <summary>
/// The seller (<c>BySeller</c>) or the assignee accepted an assignment; <c>Completes</c> when the other had accepted
/// already, so the assignment is done (its resale pools are market commands of the same transaction).
/// </summary>
public sealed record AssignmentAccepted(string AssignmentId, bool BySeller, long AtMs, bool Completes) : BookFact
{
    /// <summary>The events to add should the acceptance complete the assignment (decided where it is applied; not journaled apart).</summary>
    [JsonIgnore]
    public IReadOnlyList<EventRecord> OnCompletion { get; init; } = [];
}

/// <summary>The seller or the assignee declined an assignment.</summary>
public sealed record AssignmentDeclined(string AssignmentId, string DeclinedBy, long AtMs) : BookFact;

/// <summary>An administrator uploaded monthly values of a price index (a month given again replaces its value).</summary>
public sealed record IndexValuesSet(string Name, IReadOnlyList<IndexValueRow> Values, long AtMs) : BookFact;

/// <summary>One month's value of a price index, as stored (month <c>yyyy-MM</c>, value as invariant text).</summary>
public sealed record IndexValueRow(string Month, string Value);

/// <summary>
/// The contract book of a store written before the book was journaled, taken into the journal once when the store is
/// upgraded: every row as it stood, so a replay rebuilds them.
/// </summary>
public sealed record BookImported(
    IReadOnlyList<RfqRecord> Rfqs,
    IReadOnlyList<OfferRecord> Offers,
    IReadOnlyList<OfftakeRecord> Contracts,
    IReadOnlyList<DeliveryRecord> Deliveries,
    IReadOnlyList<SlaRecord> Sla,
    IReadOnlyList<AssignmentRecord> Assignments,
    IReadOnlyList<StoredIndexValue> IndexValues) : BookFact;

/// <summary>An index value row as stored, with when it was last set.</summary>
public sealed record StoredIndexValue(string Name, string Month, string Value, long UpdatedMs);

/// <summary>How the journal writes and reads a book fact.</summary>
public static class BookFacts
{
    /// <summary>The property that names a fact's kind; a journal line that starts with it is a book fact, not a market command.</summary>
    public const string Discriminator = "book";

    private const string Prefix = "{\"" + Discriminator + "\":";

    private static readonly JsonSerializerOptions s_options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        AllowDuplicateProperties = false,
    };

    /// <summary>The fact's journal line (its kind first).</summary>
    public static string Format(BookFact fact) => JsonSerializer.Serialize(fact, s_options);

    /// <summary>True when a journal line is a book fact (the market's replay lines start otherwise).</summary>
    public static bool IsFact(string line) => line.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The fact a journal line holds.</summary>
    /// <exception cref="JsonException">The line is not a book fact this build reads.</exception>
    public static BookFact Parse(string line) =>
        JsonSerializer.Deserialize<BookFact>(line, s_options) ?? throw new JsonException("a book fact line holds null");
}

/// <summary>The contract book's rows, read whole: what a shard's book state starts from.</summary>
public sealed record BookRows(
    IReadOnlyList<RfqRecord> Rfqs,
    IReadOnlyList<OfferRecord> Offers,
    IReadOnlyList<OfftakeRecord> Contracts,
    IReadOnlyList<DeliveryRecord> Deliveries,
    IReadOnlyList<SlaRecord> Sla,
    IReadOnlyList<AssignmentRecord> Assignments,
    IReadOnlyList<StoredIndexValue> IndexValues);
