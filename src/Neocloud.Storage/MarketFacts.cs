namespace Neocloud.Storage;

/// <summary>
/// The market refused an organization's order or cancel: nothing of the market changes, but the organization's
/// <c>order.rejected</c> event is part of its event stream, so the refusal is journaled with that event (and writes no
/// other row), and a rebuild from the journal numbers the organization's events as the original did.
/// </summary>
public sealed record OrderRejected(string OrderId, string Reason, long AtMs) : BookFact;
