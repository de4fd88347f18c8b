using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Neocloud.Domain.Money;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Accounts;
using Neocloud.Market.Commands;
using Neocloud.Market.Replay;
using Neocloud.Storage;

namespace Neocloud.Exchange.Audit;

/// <summary>A journal line as people read it: the command's kind and one short line about it.</summary>
/// <param name="Kind">A market command's <c>op</c> (<c>bid</c>, <c>ask</c>, <c>cancel</c>, …) or a fact's kind (<c>contract.awarded</c>, <c>organization.created</c>, …).</param>
/// <param name="Summary">E.g. <c>bid 8 GB300 us-east 2026-12-08T00→2026-12-09T00 at 3.10</c>; the kind when there is nothing more to say.</param>
public sealed record JournalLineText(string Kind, string Summary);

/// <summary>
/// Reads journal lines for people (the audit trail): a market command by its replay line (<see cref="ReplayCodec"/>), a
/// fact by its kind (the <c>book</c> discriminator of <see cref="BookFacts"/>) and its fields.
/// </summary>
public static class JournalLines
{
    /// <summary>The kind of a line this build cannot read (written by a newer one).</summary>
    public const string Unknown = "unknown";

    // Each fact type's kind, as its journal line names it.
    private static readonly Dictionary<Type, string> s_factKinds = typeof(BookFact).GetCustomAttributes<JsonDerivedTypeAttribute>()
        .ToDictionary(a => a.DerivedType, a => (string)a.TypeDiscriminator!);

    /// <summary>The line's kind and summary.</summary>
    public static JournalLineText Describe(string line)
    {
        if (BookFacts.IsFact(line))
        {
            try
            {
                var fact = BookFacts.Parse(line);
                var kind = s_factKinds[fact.GetType()];
                return new JournalLineText(kind, Summary(fact) ?? kind);
            }
            catch (JsonException)
            {
                return new JournalLineText(Unknown, "a fact this build does not read");
            }
        }
        return ReplayCodec.Parse(line).Command is { } command
            ? new JournalLineText(command.Op, Summary(command))
            : new JournalLineText(Unknown, "a command this build does not read");
    }

    /// <summary>A market command in one line, as the audit and an approval show it: <c>bid 8 GB300 us-east 2026-12-08T00→2026-12-09T00 at 3.10</c>.</summary>
    public static string Summary(MarketCommand command) => command switch
    {
        PoolCommand p => $"pool {p.PoolId} {p.Sku} {p.Region}",
        CapacityCommand c => $"capacity {c.PoolId} +{c.Step.Gpus} GPUs {Window(c.Step.Start, c.Step.End)}",
        AskCommand a => $"ask {a.Gpus} on {a.PoolId} {Window(a.Window)} at {Dollars(a.Price)}",
        BidCommand b => Bid(b),
        PortfolioCommand f => $"portfolio {f.OrderId}: {f.Legs.Count} legs, {string.Join("; ", f.Legs.Select(Bid))}",
        CancelCommand c => $"cancel {c.OrderId}",
        ReserveCommand r => $"reserve {r.Gpus} on {r.PoolId} {Window(r.Window)} for {r.ReservationId}",
        ReleaseCommand r => $"release {r.ReservationId} from {Hour(r.From.Value)}",
        _ => command.Op,
    };

    /// <summary><c>bid 8 GB300 us-east 2026-12-08T00→2026-12-09T00 at 3.10</c>; alternatives as <c>GB300/B200 … at 3.10/2.00</c>.</summary>
    private static string Bid(BidCommand b)
    {
        var where = b.PoolId is { } pool ? $" on {pool}" : b.Region is { } region ? $" {region}" : "";
        var skus = string.Join('/', b.Choices.Select(c => c.Sku));
        var limits = string.Join('/', b.Choices.Select(c => Dollars(c.Limit)));
        return $"bid {b.Gpus} {skus}{where} {Window(b.Window)} at {limits}{(b.ImmediateOrCancel ? " IOC" : "")}";
    }

    private static string? Summary(BookFact fact) => fact switch
    {
        RfqOpened f => $"RFQ {f.Rfq.Id} opened, closing {Time(f.Rfq.ClosesMs)}",
        RfqWithdrawn f => $"RFQ {f.RfqId} withdrawn",
        OfferMade f => $"offer {f.Offer.Id} on RFQ {f.Offer.RfqId}",
        ContractAwarded f => f.RfqId is { } rfq
            ? $"RFQ {rfq} awarded: {string.Join(", ", f.Contracts.Select(c => c.Id))}"
            : $"contract {string.Join(", ", f.Contracts.Select(c => c.Id))} recorded",
        TrancheDelivered f => $"tranche {f.Delivery.Tranche} of {f.Delivery.ContractId} delivered in {f.Delivery.Month}",
        SlaReported f => $"availability {f.Report.Availability} of {f.Report.ContractId} in {f.Report.Month}",
        ContractTerminated f => $"contract {f.ContractId} terminated in {f.Month}",
        AssignmentProposed f => $"assignment {f.Assignment.Id} of {f.Assignment.ContractId} to {f.Assignment.AssigneeId} proposed from {f.Assignment.FromMonth}",
        AssignmentAccepted f => $"assignment {f.AssignmentId} accepted by the {(f.BySeller ? "seller" : "assignee")}",
        AssignmentDeclined f => $"assignment {f.AssignmentId} declined by {f.DeclinedBy}",
        IndexValuesSet f => $"index {f.Name}: {f.Values.Count} monthly values",
        OrganizationCreated f => $"organization {f.Organization.Id} ({f.Organization.Name}) created",
        OrganizationRateLimitSet f => f.RateLimit is { } limit ? $"rate limit of {f.OrganizationId} set to {limit}/s" : $"rate limit of {f.OrganizationId} cleared",
        TokenIssued f => $"token {f.Token.Id} '{f.Token.Label}' issued to {f.Token.OrganizationId} ({f.Token.Scopes})",
        TokenRotated f => $"token {f.TokenId} rotated to {f.Replacement.Id}",
        TokenRevoked f => $"token {f.TokenId} revoked",
        WebhookCreated f => $"webhook {f.Hook.Id} created for {f.Hook.Url}",
        WebhookDeleted f => $"webhook {f.WebhookId} deleted",
        WebhookRedelivered f => $"webhook {f.WebhookId} redelivers after event {f.Cursor}",
        WebhookDisabled f => $"webhook {f.WebhookId} disabled: {f.Reason}",
        ProcurementStarted f => $"procurement {f.Procurement.Id} started: {f.Procurement.Gpus} {f.Procurement.Sku} for the next {f.Procurement.HorizonHours} hours",
        ProcurementStopped f => $"procurement {f.ProcurementId} stopped",
        RfqClosed f => $"RFQ {f.RfqId} closed with {f.Offers} offers",
        ContractMonthClosed f => $"{f.ContractId} {f.Month} closed, {f.Invoices.Count} invoices",
        InvoicesIssued f => $"{f.Invoices.Count} invoices of {f.ContractId} issued",
        OrderRejected f => $"order {f.OrderId} rejected: {f.Reason}",
        CreditLimitSet f => f.LimitCents is { } cents ? $"credit limit of {f.OrganizationId} set to {AccountMoney.Usd(cents)}" : $"credit limit of {f.OrganizationId} removed",
        MoneyRecorded f => $"{f.Kind} {AccountMoney.Usd(f.Cents)} for {f.OrganizationId}: {f.Reference}",
        MarginMarked f => $"margins marked for {f.Marks.Count} organizations",
        CreditGranted f => $"credit {AccountMoney.Usd(f.Cents)} of {f.OrganizationId} granted to {f.Shard}",
        CreditReturned f => $"credit of {f.OrganizationId} returned from {f.Shard}",
        ApprovalThresholdSet f => f.ThresholdCents is { } cents
            ? $"approval threshold of {f.OrganizationId} set to {AccountMoney.Usd(cents)}"
            : $"approval threshold of {f.OrganizationId} cleared",
        ApprovalRequested f => $"{f.Approval.Kind} held for approval {f.Approval.Id} ({AccountMoney.Usd(f.Approval.ValueCents)}): {f.Approval.Summary}",
        ApprovalDecided f => $"approval {f.ApprovalId} {f.Status}",
        ApprovalCompleted f => $"approval {f.ApprovalId}: the command {(f.Status == ApprovalRecord.Executed ? "ran" : "was refused as of the approval")}",
        AlertSet f => $"alert {f.Alert.Id} set: {f.Alert.Sku} {f.Alert.Kind} {Domain.Money.Price.FromTicks(f.Alert.PriceTicks)}{(f.Alert.Month is { } m ? " for " + m : "")}",
        AlertRemoved f => $"alert {f.AlertId} removed",
        AlertsCrossed f => $"{f.Crossings.Count(c => c.Triggered)} alerts of {f.Sku} triggered, {f.Crossings.Count(c => !c.Triggered)} re-armed",
        _ => null,
    };

    private static string Window(HourWindow window) => Window(window.Start.Value, window.End.Value);

    private static string Window(long start, long end) => $"{Hour(start)}→{Hour(end)}";

    /// <summary>An hour as <c>2026-12-08T00</c>.</summary>
    private static string Hour(long hour) => DateTimeOffset.FromUnixTimeSeconds(hour * 3600).UtcDateTime.ToString("yyyy-MM-dd'T'HH", CultureInfo.InvariantCulture);

    private static string Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture);

    /// <summary>A price in dollars with at least two decimals: <c>3.10</c>, <c>3.1075</c>.</summary>
    private static string Dollars(Price price) => price.Dollars.ToString("0.00##", CultureInfo.InvariantCulture);
}
