using Neocloud.Domain.Time;
using Neocloud.Exchange.Offtake;
using Neocloud.Offtake.Contracts;

namespace Neocloud.Exchange.Events;

/// <summary>The data of <c>rfq.offer_received</c> and <c>rfq.closed</c>: the RFQ and how many offers it has (offers stay sealed until it closes).</summary>
public sealed record RfqOffers(string Rfq, int Offers);

/// <summary>The data of <c>rfq.awarded</c>: the RFQ and the contracts its award made.</summary>
public sealed record RfqAward(string Rfq, IReadOnlyList<string> Contracts);

/// <summary>The data of <c>offer.awarded</c> (with the contract and the share of the offer's GPUs awarded) and <c>offer.lost</c>.</summary>
public sealed record OfferOutcome(string Rfq, string Offer, string? Contract, decimal? Share);

/// <summary>The data of <c>tranche.delivered</c> and <c>tranche.late</c>.</summary>
public sealed record TrancheEvent(string Contract, int Tranche, int Gpus, CalendarMonth Due, CalendarMonth? Delivered, int MonthsLate, string? ResalePool);

/// <summary>The data of <c>contract.terminated</c>: the month, and the tranches cancelled with it (their reservations released).</summary>
public sealed record ContractTermination(string Contract, CalendarMonth Month, IReadOnlyList<int> CancelledTranches);

/// <summary>The data of <c>contract.assignment_accepted</c>: the contract, the assignment, and the organization that accepted.</summary>
public sealed record AssignmentStep(string Contract, string Assignment, string AcceptedBy);

/// <summary>The data of <c>invoice.issued</c>: the contract, its buyer and seller, and the month's invoice.</summary>
public sealed record InvoiceEvent(string Contract, string Buyer, string Seller, Invoice Invoice);

/// <summary>The data of <c>sla.credit</c>: the contract and the month's report with the credit it earns.</summary>
public sealed record SlaCreditEvent(string Contract, SlaView Report);
