namespace Neocloud.Exchange.Events;

/// <summary>The types of event an organization can hear about (<c>seq</c>-ordered in its feed and its webhooks).</summary>
public static class EventTypes
{
    /// <summary>An order of the organization's rests on the book (data: the order).</summary>
    public const string OrderRested = "order.rested";

    /// <summary>An order of the organization traded, wholly or in part (data: the order as it stands, and the trade).</summary>
    public const string OrderFilled = "order.filled";

    /// <summary>An order was cancelled: by its owner, or an immediate-or-cancel bid (or a portfolio) that found nothing (data: the order).</summary>
    public const string OrderCancelled = "order.cancelled";

    /// <summary>The market refused an order or a cancel (data: the order id and the reason).</summary>
    public const string OrderRejected = "order.rejected";

    /// <summary>A trade the organization is a party to (data: the trade from its side).</summary>
    public const string TradeExecuted = "trade.executed";

    public const string RfqOpened = "rfq.opened";
    public const string RfqOfferReceived = "rfq.offer_received";
    public const string RfqClosed = "rfq.closed";
    public const string RfqAwarded = "rfq.awarded";
    public const string OfferAwarded = "offer.awarded";
    public const string OfferLost = "offer.lost";
    public const string TrancheDelivered = "tranche.delivered";
    public const string TrancheLate = "tranche.late";
    public const string ContractTerminated = "contract.terminated";
    /// <summary>The buyer proposed assigning part of a contract (to the buyer, the seller and the assignee; data: the assignment).</summary>
    public const string AssignmentProposed = "contract.assignment_proposed";
    /// <summary>The seller or the assignee accepted (data: the contract, the assignment and who accepted).</summary>
    public const string AssignmentAccepted = "contract.assignment_accepted";
    /// <summary>The seller or the assignee declined (data: the assignment).</summary>
    public const string AssignmentDeclined = "contract.assignment_declined";
    /// <summary>Both accepted: from its month the assignee is the buyer of what was assigned (data: the assignment, with the assignee's resale pools).</summary>
    public const string ContractAssigned = "contract.assigned";
    public const string InvoiceIssued = "invoice.issued";
    public const string SlaCredit = "sla.credit";
    public const string WebhookDisabled = "webhook.disabled";

    /// <summary>The organization's available credit fell below zero (marks moved, an invoice landed); nothing new that adds exposure is accepted until it is back (data: the account).</summary>
    public const string MarginCall = "account.margin_call";

    /// <summary>A command at or above the organization's approval threshold was held for a second person (data: the approval).</summary>
    public const string ApprovalRequested = "approval.requested";

    /// <summary>A held command was approved and ran (or was refused as of the approval), or was rejected (data: the approval).</summary>
    public const string ApprovalDecided = "approval.decided";

    /// <summary>One of the organization's price alerts became true (data: the alert, and the value that crossed its price).</summary>
    public const string AlertTriggered = "alert.triggered";

    /// <summary>Every type, in the order the documentation lists them.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        OrderRested, OrderFilled, OrderCancelled, OrderRejected, TradeExecuted, RfqOpened, RfqOfferReceived, RfqClosed, RfqAwarded, OfferAwarded,
        OfferLost, TrancheDelivered, TrancheLate, ContractTerminated, AssignmentProposed, AssignmentAccepted, AssignmentDeclined, ContractAssigned, InvoiceIssued, SlaCredit, WebhookDisabled,
        MarginCall, ApprovalRequested, ApprovalDecided, AlertTriggered,
    ];

    private static readonly HashSet<string> s_known = [.. All];

    /// <summary>True for a type in <see cref="All"/>.</summary>
    public static bool IsKnown(string type) => s_known.Contains(type);
}
