using Neocloud.Domain.Input;
using Neocloud.Domain.Offtake;
using Neocloud.Exchange.Outcomes;
using Neocloud.Storage;

namespace Neocloud.Exchange.Offtake;

/// <summary>What the book's state machine decided about a fact: refused (nothing changes), or the fact to journal and whether its market steps run.</summary>
/// <param name="Refusal">Why the transition is not allowed now, or null.</param>
/// <param name="Fact">The fact as it is journaled (an acceptance learns here whether it completes its assignment).</param>
/// <param name="RunSteps">Whether the transaction's market commands run (an acceptance that does not complete has none to run).</param>
public sealed record BookDecision(Failure? Refusal, BookFact Fact, bool RunSteps);

/// <summary>
/// The contract book's states and transitions, held by the shard that owns them and decided on its single writer: an RFQ
/// open → withdrawn | awarded (closed by time; its offers are decided with it), a contract active →
/// terminated with its tranches delivered once and each month's availability reported once, an assignment proposed →
/// accepted by the seller and the assignee (the second completes it) | declined. Two requests racing for one transition
/// reach it one after the other, so the second is refused whatever it read before; no state machine lives in SQL.
/// Time's transitions (an RFQ's closing, a contract's month closed, invoices issued) are decided here too
/// (BookState.Ticks.cs).
/// </summary>
public sealed partial class BookState
{
    private readonly Dictionary<string, Rfq> _rfqs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Contract> _contracts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Assignment> _assignments = new(StringComparer.Ordinal);

    /// <summary>The state the stored book holds (read at a shard's start, after its last commit).</summary>
    public static BookState From(BookRows rows)
    {
        var state = new BookState();
        foreach (var rfq in rows.Rfqs) state._rfqs[rfq.Id] = new Rfq(rfq.BuyerId, rfq.Status, rfq.ClosesMs);
        foreach (var contract in rows.Contracts) state._contracts[contract.Id] = new Contract(contract.Status, contract.SellerId, [], []);
        foreach (var delivery in rows.Deliveries)
        {
            if (state._contracts.TryGetValue(delivery.ContractId, out var contract)) contract.Delivered.Add(delivery.Tranche);
        }
        foreach (var report in rows.Sla)
        {
            if (state._contracts.TryGetValue(report.ContractId, out var contract)) contract.Reported.Add(report.Month);
        }
        foreach (var assignment in rows.Assignments)
            state._assignments[assignment.Id] = new Assignment(assignment.Status, assignment.SellerAcceptedMs is not null, assignment.AssigneeAcceptedMs is not null);
        return state;
    }

    /// <summary>The seller of a contract in the book, or null.</summary>
    public string? SellerOf(string contractId) => _contracts.TryGetValue(contractId, out var contract) ? contract.Seller : null;

    /// <summary>Decides whether <paramref name="fact"/> may happen now (<paramref name="nowMs"/>, the shard's clock); changes nothing.</summary>
    public BookDecision Decide(BookFact fact, long nowMs)
    {
        Failure? refusal = fact switch
        {
            RfqOpened opened => _rfqs.ContainsKey(opened.Rfq.Id) ? Failure.Conflict("RFQ exists", $"RFQ {opened.Rfq.Id} exists") : null,
            RfqWithdrawn withdrawn => _rfqs.TryGetValue(withdrawn.RfqId, out var rfq) && rfq.Buyer == withdrawn.BuyerId && rfq.Status == RfqStatus.Open
                ? null : Failure.NotFound($"no open RFQ '{withdrawn.RfqId}' of yours"),
            OfferMade made => !_rfqs.TryGetValue(made.Offer.RfqId, out var rfq) ? Failure.NotFound($"no RFQ '{made.Offer.RfqId}'")
                : rfq.Status != RfqStatus.Open || nowMs >= rfq.ClosesMs ? Failure.Conflict("RFQ closed", $"RFQ {made.Offer.RfqId} takes no more offers")
                : null,
            ContractAwarded awarded => Awardable(awarded, nowMs),
            TrancheDelivered delivered => Active(delivered.Delivery.ContractId) is { } problem ? problem
                : _contracts[delivered.Delivery.ContractId].Delivered.Contains(delivered.Delivery.Tranche)
                    ? Failure.Conflict("Already delivered", $"tranche {delivered.Delivery.Tranche} of contract {delivered.Delivery.ContractId} was delivered already")
                    : null,
            SlaReported reported => !_contracts.TryGetValue(reported.Report.ContractId, out var contract)
                ? Failure.NotFound($"no offtake contract '{reported.Report.ContractId}'")
                : contract.Reported.Contains(reported.Report.Month)
                    ? Failure.Conflict("Already reported", $"availability for {reported.Report.Month} was already reported") : null,
            ContractTerminated terminated => Active(terminated.ContractId) is { } problem
                ? Failure.Conflict("No termination right", problem.Detail) : null,
            AssignmentProposed proposed => Active(proposed.Assignment.ContractId) ?? (_assignments.ContainsKey(proposed.Assignment.Id)
                ? Failure.Conflict("Assignment exists", $"assignment {proposed.Assignment.Id} exists") : null),
            AssignmentAccepted accepted => !_assignments.TryGetValue(accepted.AssignmentId, out var assignment)
                ? Failure.NotFound($"no assignment '{accepted.AssignmentId}'")
                : assignment.Status != AssignmentStatus.Proposed ? Failure.Conflict("Assignment settled", $"assignment {accepted.AssignmentId} is {assignment.Status}")
                : (accepted.BySeller ? assignment.BySeller : assignment.ByAssignee)
                    ? Failure.Conflict("Already accepted", $"{(accepted.BySeller ? "the seller" : "the assignee")} has already accepted assignment {accepted.AssignmentId}")
                : null,
            AssignmentDeclined declined => !_assignments.TryGetValue(declined.AssignmentId, out var assignment)
                ? Failure.NotFound($"no assignment '{declined.AssignmentId}'")
                : assignment.Status != AssignmentStatus.Proposed ? Failure.Conflict("Assignment settled", $"assignment {declined.AssignmentId} is no longer proposed")
                : null,
            IndexValuesSet or BookImported => null,
            RfqClosed or ContractMonthClosed or InvoicesIssued => DecideTick(fact, nowMs),
            _ => throw new ArgumentException($"unknown book fact {fact.GetType().Name}", nameof(fact)),
        };
        if (refusal is not null) return new BookDecision(refusal, fact, RunSteps: false);
        if (fact is AssignmentAccepted acceptance)
        {
            // The second of the two acceptances completes the assignment and runs the market steps that hand the assignee its part.
            var assignment = _assignments[acceptance.AssignmentId];
            var completes = acceptance.BySeller ? assignment.ByAssignee : assignment.BySeller;
            var effective = completes
                ? acceptance with { Completes = true, Events = [.. acceptance.Events, .. acceptance.OnCompletion], OnCompletion = [] }
                : acceptance with { Completes = false, OnCompletion = [] };
            return new BookDecision(null, effective, completes);
        }
        return new BookDecision(null, fact, RunSteps: true);
    }

    /// <summary>Moves the state by a fact decided and committed.</summary>
    public void Apply(BookFact fact)
    {
        switch (fact)
        {
            case RfqOpened opened:
                _rfqs[opened.Rfq.Id] = new Rfq(opened.Rfq.BuyerId, opened.Rfq.Status, opened.Rfq.ClosesMs);
                break;
            case RfqWithdrawn withdrawn:
                _rfqs[withdrawn.RfqId] = _rfqs[withdrawn.RfqId] with { Status = RfqStatus.Withdrawn };
                break;
            case ContractAwarded awarded:
                // An RFQ is awarded once (its state guards that), so its offers' outcomes need no state of their own.
                foreach (var contract in awarded.Contracts) _contracts[contract.Id] = new Contract(contract.Status, contract.SellerId, [], []);
                if (awarded.RfqId is { } id && _rfqs.TryGetValue(id, out var rfq)) _rfqs[id] = rfq with { Status = RfqStatus.Awarded };
                break;
            case TrancheDelivered delivered:
                _contracts[delivered.Delivery.ContractId].Delivered.Add(delivered.Delivery.Tranche);
                break;
            case SlaReported reported:
                _contracts[reported.Report.ContractId].Reported.Add(reported.Report.Month);
                break;
            case ContractTerminated terminated:
                _contracts[terminated.ContractId] = _contracts[terminated.ContractId] with { Status = ContractStatus.Terminated };
                break;
            case AssignmentProposed proposed:
                _assignments[proposed.Assignment.Id] = new Assignment(proposed.Assignment.Status, false, false);
                break;
            case AssignmentAccepted accepted:
            {
                var assignment = _assignments[accepted.AssignmentId];
                assignment = accepted.BySeller ? assignment with { BySeller = true } : assignment with { ByAssignee = true };
                _assignments[accepted.AssignmentId] = accepted.Completes ? assignment with { Status = AssignmentStatus.Accepted } : assignment;
                break;
            }
            case AssignmentDeclined declined:
                _assignments[declined.AssignmentId] = _assignments[declined.AssignmentId] with { Status = AssignmentStatus.Declined };
                break;
            case RfqClosed or ContractMonthClosed or InvoicesIssued:
                ApplyTick(fact);
                break;
            case BookImported imported:
            {
                var added = From(new BookRows(imported.Rfqs, imported.Offers, imported.Contracts, imported.Deliveries, imported.Sla, imported.Assignments, []));
                foreach (var (key, value) in added._rfqs) _rfqs.TryAdd(key, value);
                foreach (var (key, value) in added._contracts) _contracts.TryAdd(key, value);
                foreach (var (key, value) in added._assignments) _assignments.TryAdd(key, value);
                break;
            }
        }
    }

    private Failure? Awardable(ContractAwarded awarded, long nowMs)
    {
        if (awarded.Contracts.FirstOrDefault(c => _contracts.ContainsKey(c.Id)) is { } existing) return Failure.Conflict("Contract exists", $"contract {existing.Id} exists");
        if (awarded.RfqId is not { } id) return null;
        if (!_rfqs.TryGetValue(id, out var rfq)) return Failure.NotFound($"no RFQ '{id}'");
        if (rfq.Status != RfqStatus.Open) return Failure.Conflict("RFQ not awardable", $"RFQ {id} is {JsonNames.Of(rfq.Status)}");
        return nowMs < rfq.ClosesMs ? Failure.Conflict("RFQ still open", $"RFQ {id} has not closed yet; award after it closes") : null;
    }

    private Failure? Active(string contractId) =>
        !_contracts.TryGetValue(contractId, out var contract) ? Failure.NotFound($"no offtake contract '{contractId}'")
        : contract.Status != ContractStatus.Active ? Failure.Conflict("Contract terminated", $"contract {contractId} was terminated")
        : null;

    private sealed record Rfq(string Buyer, RfqStatus Status, long ClosesMs);

    private sealed record Contract(ContractStatus Status, string Seller, HashSet<long> Delivered, HashSet<string> Reported);

    private sealed record Assignment(string Status, bool BySeller, bool ByAssignee);
}
