using System.Globalization;
using System.Security.Cryptography;
using Neocloud.Domain.Input;
using Neocloud.Domain.Time;
using Neocloud.Exchange.Events;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Market.Commands;
using Neocloud.Offtake;
using Neocloud.Offtake.Contracts;
using Neocloud.Storage;

namespace Neocloud.Exchange.Offtake;

/// <summary>
/// Assignment: the buyer proposes moving whole tranches, or a share of every tranche, to another organization from a
/// month not yet billed; the seller and the assignee each accept or decline. Once both accept, the assignee is the buyer
/// of what was assigned from that month (its invoices, credits, SLA and damages), and for each delivered tranche a
/// reservation moves the assigned GPUs' hours out of the buyer's resale pool into a resale pool of the assignee's.
/// </summary>
public sealed partial class OfftakeDesk
{
    /// <summary>The buyer proposes an assignment of <paramref name="tranches"/> (whole) or <paramref name="share"/> of every tranche.</summary>
    public async Task<Outcome<AssignmentView>> ProposeAssignmentAsync(string buyer, string id, string to, IReadOnlyList<int>? tranches, decimal? share,
        CalendarMonth fromMonth, Idempotency<AssignmentView>? key, CancellationToken ct)
    {
        if (await ContractAsync(buyer, id, ct) is not { } state) return NoContract(id);
        if (state.Record.BuyerId != buyer) return Failure.Forbidden("only the contract's buyer proposes an assignment");
        if (state.History.TerminatedIn is { } terminated) return Failure.Conflict("Contract terminated", $"contract {id} was terminated in {terminated}");
        var errors = new FieldErrors();
        if (to == buyer) errors.Add("to", "a buyer cannot assign a contract to itself");
        else if (to == state.Record.SellerId) errors.Add("to", "the seller cannot be the assignee of its own contract");
        else if (await store.GetOrganizationAsync(to, ct) is null) errors.Add("to", $"no organization '{to}'");
        if (fromMonth < ThisMonth) errors.Add("fromMonth", $"{fromMonth} is already billed; assign from this month ({ThisMonth}) or later");
        else if (fromMonth >= state.Terms.End) errors.Add("fromMonth", $"the contract's last month is {state.Terms.End.AddMonths(-1)}, got {fromMonth}");
        if ((tranches is null) == (share is null)) errors.Add("tranches", "give tranches (whole tranches by number) or share (of every tranche), not both");
        var free = Unassigned(state);
        var assigned = new List<AssignedTranche>();
        if (tranches is not null)
        {
            foreach (var number in tranches.Distinct())
            {
                if (state.Terms.Tranches.All(t => t.Number != number)) errors.Add("tranches", $"contract {id} has tranches 1 to {state.Terms.Tranches.Count}, got {number}");
                else if (free[number] < state.Terms.Tranches.Single(t => t.Number == number).Gpus)
                    errors.Add("tranches", $"tranche {number} is already assigned in part ({free[number]} GPUs left); assign a share instead");
                else if (state.Terms.Tranches.Single(t => t.Number == number).End <= fromMonth) errors.Add("tranches", $"tranche {number}'s term ends before {fromMonth}");
                else assigned.Add(new AssignedTranche(number, free[number]));
            }
        }
        else if (share is { } s)
        {
            foreach (var tranche in state.Terms.Tranches.Where(t => t.End > fromMonth))
            {
                var gpus = (int)decimal.Floor(tranche.Gpus * s);
                if (gpus > free[tranche.Number])
                    errors.Add("share", $"{gpus} GPUs of tranche {tranche.Number} would be assigned; {free[tranche.Number]} are not assigned already");
                else if (gpus > 0) assigned.Add(new AssignedTranche(tranche.Number, gpus));
            }
            if (assigned.Count == 0 && errors.IsEmpty) errors.Add("share", $"{s.ToString(CultureInfo.InvariantCulture)} of each tranche is less than one GPU");
        }
        if (!errors.IsEmpty) return Failure.Invalid(errors);
        // Its value: the assigned GPUs' share of each tranche's value from the month it is assigned.
        var value = Accounts.AccountEntries.Cents(assigned.Sum(a =>
        {
            var tranche = state.Terms.Tranches.Single(t => t.Number == a.Tranche);
            return state.Terms.ValueUsd(tranche, fromMonth, tranche.End) * a.Gpus / tranche.Gpus;
        }));
        if (await approvals.HoldAsync(buyer, Approvals.HeldCommand.Assignment(id, to, tranches, share, fromMonth), value,
                $"assign {assigned.Sum(a => a.Gpus)} GPUs of contract {id} to {to} from {fromMonth}", key, ct) is { } held)
            return held;

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var record = new AssignmentRecord($"asg-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}", id, buyer, to, fromMonth.ToString(),
            OfftakeJson.Write(assigned), AssignmentStatus.Proposed, now, null, null, null, null);
        var view = AssignmentView.Of(record, state);
        var proposed = new AssignmentProposed(record) { Events = ExchangeEvent.ForEach([buyer, state.Record.SellerId, to], EventTypes.AssignmentProposed, now, view).ToList() };
        return await BookAsync(buyer, state.Record.Sku, [], proposed, committed => committed.Map(_ => view), key);
    }

    /// <summary>A contract's assignments, as its buyer and seller see them; an assignee sees those made to it.</summary>
    public async Task<Outcome<IReadOnlyList<AssignmentView>>> AssignmentsAsync(string caller, string id, CancellationToken ct)
    {
        if (await ContractAsync(caller, id, ct) is not { } state) return NoContract(id);
        return state.Proposals.Where(a => Sees(caller, state, a)).Select(a => AssignmentView.Of(a, state)).ToList();
    }

    /// <summary>
    /// The seller or the assignee accepts. The second acceptance completes the assignment: in the same market
    /// transaction, the assigned hours of each delivered tranche move from the buyer's resale pool to a new one of the
    /// assignee's; if the buyer has already sold or offered those hours the acceptance is refused and nothing changes.
    /// Which acceptance is the second is decided by the shard, so two acceptances at once complete it exactly once.
    /// </summary>
    /// <remarks>An acceptance is not replayed by idempotency key: repeating it answers 409 (already accepted), and changes nothing.</remarks>
    public async Task<Outcome<AssignmentView>> AcceptAssignmentAsync(string caller, string id, string assignmentId, CancellationToken ct)
    {
        if (await ContractAsync(caller, id, ct) is not { } state || state.Proposals.FirstOrDefault(a => a.Id == assignmentId) is not { } proposal
            || !Sees(caller, state, proposal))
            return NoAssignment(id, assignmentId);
        if (caller != state.Record.SellerId && caller != proposal.AssigneeId) return Failure.Forbidden("only the seller and the assignee accept an assignment");
        if (proposal.Status != AssignmentStatus.Proposed) return Failure.Conflict("Assignment settled", $"assignment {assignmentId} is {proposal.Status}");
        if (CalendarMonth.Parse(proposal.FromMonth) < ThisMonth)
            return Failure.Conflict("Assignment month billed", $"assignment {assignmentId} starts in {proposal.FromMonth}, which is already billed; propose a new one");
        var bySeller = caller == state.Record.SellerId;
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var parties = new[] { state.Record.BuyerId, state.Record.SellerId, proposal.AssigneeId };
        var accepted = bySeller ? proposal with { SellerAcceptedMs = now } : proposal with { AssigneeAcceptedMs = now };
        var completed = accepted with { Status = AssignmentStatus.Accepted, DecidedMs = now };
        var after = state with { AssignmentRecords = [.. state.Proposals.Select(a => a.Id == proposal.Id ? completed : a)] };
        // The steps run only if this acceptance completes the assignment (the shard decides): prepared either way.
        var steps = new List<MarketCommand>();
        foreach (var part in AssignmentView.Parts(completed))
        {
            var tranche = state.Terms.Tranches.Single(t => t.Number == part.Tranche);
            if (state.History.DeliveredIn(tranche.Number) is { } delivered) steps.AddRange(await AssigneePoolAsync(state, tranche, delivered, completed, part.Gpus, ct));
        }
        var fact = new AssignmentAccepted(assignmentId, bySeller, now, Completes: false)
        {
            Events = ExchangeEvent.ForEach(parties, EventTypes.AssignmentAccepted, now, new AssignmentStep(id, assignmentId, caller)).ToList(),
            OnCompletion = ExchangeEvent.ForEach(parties, EventTypes.ContractAssigned, now, AssignmentView.Of(completed, after)).ToList(),
        };
        Outcome<AssignmentView> Accepted(Outcome<Committed> committed) => committed.Failure is { Kind: FailureKind.Rejected } refused
            ? Failure.Conflict("Assignment not completed", $"the resale pool cannot give up the assigned hours: {refused.Detail}")
            : committed.Map(c => c.Fact is AssignmentAccepted { Completes: true } ? AssignmentView.Of(completed, after) : AssignmentView.Of(accepted, state));
        return await BookAsync(caller, state.Record.Sku, steps, fact, Accepted, null);
    }

    /// <summary>The seller or the assignee declines; the proposal is settled and nothing moves.</summary>
    public async Task<Outcome<AssignmentView>> DeclineAssignmentAsync(string caller, string id, string assignmentId, CancellationToken ct)
    {
        if (await ContractAsync(caller, id, ct) is not { } state || state.Proposals.FirstOrDefault(a => a.Id == assignmentId) is not { } proposal
            || !Sees(caller, state, proposal))
            return NoAssignment(id, assignmentId);
        if (caller != state.Record.SellerId && caller != proposal.AssigneeId) return Failure.Forbidden("only the seller and the assignee decline an assignment");
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var declined = proposal with { Status = AssignmentStatus.Declined, DecidedMs = now, DeclinedBy = caller };
        var view = AssignmentView.Of(declined, state);
        var parties = new[] { state.Record.BuyerId, state.Record.SellerId, proposal.AssigneeId };
        var fact = new AssignmentDeclined(assignmentId, caller, now) { Events = ExchangeEvent.ForEach(parties, EventTypes.AssignmentDeclined, now, view).ToList() };
        return await BookAsync(caller, state.Record.Sku, [], fact, committed => committed.Map(_ => view), null);
    }

    /// <summary>
    /// The market steps that give an assignee its part of a delivered tranche: a reservation of the assigned GPUs in the
    /// buyer's resale pool from the assignment's month (or delivery, if later) to the end of the term, and a resale pool
    /// of the assignee's with those GPUs.
    /// </summary>
    private async Task<IReadOnlyList<MarketCommand>> AssigneePoolAsync(OfftakeState state, ContractTranche tranche, CalendarMonth delivered, AssignmentRecord assignment,
        int gpus, CancellationToken ct)
    {
        var from = new[] { CalendarMonth.Parse(assignment.FromMonth), delivered, tranche.Start }.Max();
        if (from >= tranche.End) return [];
        var resale = OfftakeState.TrancheId(state.Record.Id, tranche.Number);
        var poolId = OfftakeState.AssignedPoolId(state.Record.Id, tranche.Number, assignment.Id);
        var region = (await store.GetPoolAsync(tranche.Pool, ct))?.Region ?? state.Record.Region;
        var window = HourWindow.Of(from.FirstHour.Value, tranche.End.FirstHour.Value);
        return
        [
            new ReserveCommand(poolId, assignment.AssigneeId, resale, gpus, window),
            new PoolCommand(poolId, assignment.AssigneeId, region, state.Record.Sku, [new Segment(window.Start.Value, window.End.Value, gpus)]),
        ];
    }

    /// <summary>The assignee pools a delivery opens beside the buyer's resale pool, for assignments already accepted.</summary>
    private async Task<List<MarketCommand>> AssigneePoolsOnDeliveryAsync(OfftakeState state, ContractTranche tranche, CalendarMonth delivered, CancellationToken ct)
    {
        var steps = new List<MarketCommand>();
        foreach (var assignment in state.Proposals.Where(a => a.Status == AssignmentStatus.Accepted))
        {
            var gpus = AssignmentView.Parts(assignment).Where(p => p.Tranche == tranche.Number).Sum(p => p.Gpus);
            if (gpus > 0) steps.AddRange(await AssigneePoolAsync(state, tranche, delivered, assignment, gpus, ct));
        }
        return steps;
    }

    /// <summary>GPUs of each tranche not yet assigned or proposed for assignment.</summary>
    private static Dictionary<int, int> Unassigned(OfftakeState state)
    {
        var free = state.Terms.Tranches.ToDictionary(t => t.Number, t => t.Gpus);
        foreach (var assignment in state.Proposals.Where(a => a.Status != AssignmentStatus.Declined))
        {
            foreach (var part in AssignmentView.Parts(assignment)) free[part.Tranche] -= part.Gpus;
        }
        return free;
    }

    private static bool Sees(string caller, OfftakeState state, AssignmentRecord assignment) =>
        caller == state.Record.BuyerId || caller == state.Record.SellerId || caller == assignment.AssigneeId;

    /// <summary>The refusal for an assignment the caller may not see.</summary>
    public static Failure NoAssignment(string contract, string id) => Failure.NotFound($"no assignment '{id}' of offtake contract '{contract}'");
}
