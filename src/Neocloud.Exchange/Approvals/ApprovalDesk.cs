using System.Text.Json;
using Neocloud.Domain.Paging;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Accounts;
using Neocloud.Exchange.Events;
using Neocloud.Exchange.Offtake;
using Neocloud.Exchange.Orders;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Market.Commands;
using Neocloud.Storage;

namespace Neocloud.Exchange.Approvals;

/// <summary>
/// Four eyes: an organization's admin sets its threshold; another person of the organization with the approver role
/// approves a held command (which then runs as of the approval, its checks included, as the approver) or rejects it.
/// Each step is a journaled fact with its actor. The approval is decided in the shard's single writer before the command
/// runs, so two approvers at once run it once; the command runs under an idempotency key of the approval's, so an
/// approval a crash left between the two runs it, once, when approved again.
/// </summary>
public sealed class ApprovalDesk(IMarket market, ExchangeStore store, TimeProvider clock, ApprovalGate gate, OrderDesk orders, OfftakeDesk offtake,
    StoredAnswers answers)
{
    /// <summary>The organization's threshold.</summary>
    public async Task<ApprovalThresholdView> ThresholdAsync(string organization, CancellationToken ct = default) =>
        new(organization, AccountMoney.Usd(await store.ApprovalThresholdAsync(organization, ct)));

    /// <summary>Sets (or with null clears) the organization's threshold.</summary>
    public async Task<Outcome<ApprovalThresholdView>> SetThresholdAsync(string organization, long? thresholdCents, CancellationToken ct = default)
    {
        var set = await ConfigJournal.SubmitAsync(market, organization, new ApprovalThresholdSet(organization, thresholdCents, clock.GetUtcNow().ToUnixTimeMilliseconds()));
        gate.Forget(organization);
        return set.Map(_ => new ApprovalThresholdView(organization, AccountMoney.Usd(thresholdCents)));
    }

    /// <summary>The organization's approvals (of one status, or all), oldest first.</summary>
    public async Task<Page<ApprovalView>> ListAsync(string organization, string? status, string? after, int limit, CancellationToken ct = default)
    {
        var page = await store.ApprovalsAsync(organization, status, after, limit, ct);
        return new Page<ApprovalView>(page.Items.Select(ApprovalView.Of).ToList(), page.Next);
    }

    /// <summary>One of the organization's approvals.</summary>
    public async Task<Outcome<ApprovalView>> GetAsync(string organization, string id, CancellationToken ct = default) =>
        await store.GetApprovalAsync(id, ct) is { } approval && approval.OrganizationId == organization ? ApprovalView.Of(approval) : NoApproval(id);

    /// <summary>
    /// <paramref name="approver"/> (a person of the organization, never the one who asked) approves: the command runs now,
    /// as the approver, with every check as of now. The answer is the approval with the command's answer in
    /// <c>result</c>; or, when the command was refused (its credit ran out, its window passed), that refusal, and the
    /// approval is left failed.
    /// </summary>
    public async Task<Outcome<ApprovalView>> ApproveAsync(string organization, JournalActor approver, string id, CancellationToken ct = default)
    {
        if (await DecidableAsync(organization, approver, id, ct) is not { } approval) return await RefusalAsync(organization, approver, id, ct);
        if (approval.Status == ApprovalRecord.Pending)
        {
            var decided = await DecideAsync(approval, ApprovalRecord.Approved, approver);
            if (!decided.IsAccepted) return decided.Failure!;
        }
        var (ran, result) = await RunAsync(approval, approver, ct);
        var nowMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var final = approval with
        {
            Status = ran is null ? ApprovalRecord.Executed : ApprovalRecord.Failed, DecidedBy = approver.Text, DecidedMs = approval.DecidedMs ?? nowMs, Result = result,
        };
        var completed = new ApprovalCompleted(id, organization, final.Status, result, nowMs)
        {
            Events = [ExchangeEvent.Of(organization, EventTypes.ApprovalDecided, nowMs, ApprovalView.Of(final))],
        };
        var stored = await ConfigJournal.SubmitAsync(market, organization, completed);
        if (!stored.IsAccepted) return stored.Failure!;
        if (ran is not null) return ran;
        return ApprovalView.Of(final);
    }

    /// <summary><paramref name="approver"/> (a person of the organization, never the one who asked) rejects: the command is dropped.</summary>
    public async Task<Outcome<ApprovalView>> RejectAsync(string organization, JournalActor approver, string id, CancellationToken ct = default)
    {
        if (await DecidableAsync(organization, approver, id, ct) is not { Status: ApprovalRecord.Pending } approval)
            return await RefusalAsync(organization, approver, id, ct) is { IsAccepted: false } refused ? refused
                : Failure.Conflict("Approval decided", $"approval {id} was approved; it can no longer be rejected");
        var decided = await DecideAsync(approval, ApprovalRecord.Rejected, approver);
        return decided.Map(fact => ApprovalView.Of(approval with { Status = ApprovalRecord.Rejected, DecidedBy = approver.Text, DecidedMs = fact.AtMs }));
    }

    /// <summary>The approval when <paramref name="approver"/> may decide it now (pending, or approved and not yet run), else null.</summary>
    private async Task<ApprovalRecord?> DecidableAsync(string organization, JournalActor approver, string id, CancellationToken ct) =>
        await store.GetApprovalAsync(id, ct) is { OrganizationId: var owner } approval && owner == organization && !AskedBy(approval, approver)
            && approval.Status is ApprovalRecord.Pending or ApprovalRecord.Approved
            ? approval
            : null;

    /// <summary>Why <see cref="DecidableAsync"/> found nothing to decide: not found, one's own request, or decided already.</summary>
    private async Task<Outcome<ApprovalView>> RefusalAsync(string organization, JournalActor approver, string id, CancellationToken ct)
    {
        if (await store.GetApprovalAsync(id, ct) is not { } approval || approval.OrganizationId != organization) return NoApproval(id);
        if (AskedBy(approval, approver)) return Failure.Forbidden("the person who asked for a command cannot approve or reject it; another approver must");
        return Failure.Conflict("Approval decided", $"approval {id} is already {approval.Status}");
    }

    private static bool AskedBy(ApprovalRecord approval, JournalActor approver) =>
        JournalActor.Parse(approval.RequestedBy) is { } asker && asker.Kind == approver.Kind && asker.Id == approver.Id;

    private async Task<Outcome<ApprovalDecided>> DecideAsync(ApprovalRecord approval, string status, JournalActor approver)
    {
        var nowMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var decided = new ApprovalDecided(approval.Id, approval.OrganizationId, status, approver.Text, nowMs);
        if (status == ApprovalRecord.Rejected)
        {
            var view = ApprovalView.Of(approval with { Status = status, DecidedBy = approver.Text, DecidedMs = nowMs });
            decided = decided with { Events = [ExchangeEvent.Of(approval.OrganizationId, EventTypes.ApprovalDecided, nowMs, view)] };
        }
        return (await ConfigJournal.SubmitAsync(market, approval.OrganizationId, decided)).Map(fact => (ApprovalDecided)fact);
    }

    /// <summary>
    /// Runs the held command as <paramref name="approver"/>, never held again, under the approval's idempotency key (an
    /// answer already stored under it, from a run a crash interrupted, is taken instead of running again). Gives the
    /// refusal (null when it ran) and the answer's JSON.
    /// </summary>
    private async Task<(Failure? Refused, string Json)> RunAsync(ApprovalRecord approval, JournalActor approver, CancellationToken ct)
    {
        var keyText = "approval:" + approval.Id;
        if (await answers.FindAsync(approval.OrganizationId, keyText, ct) is { StatusCode: > 0 } stored)
            return (stored.StatusCode < 300 ? null : new Failure(FailureKind.Rejected, "Refused as of the approval", stored.Response), stored.Response);
        using var acting = Acting.As(approver);
        ApprovalGate.RunApproved();
        var key = new IdempotencyKey(approval.OrganizationId, keyText, approval.Id);
        var command = new HeldCommand(approval.Kind, approval.Command);
        return command.Kind switch
        {
            HeldCommand.BidKind => Answer(await orders.PlaceAsync(approval.OrganizationId, command.ReadOrder(), Keyed<PlacedView>(key))),
            HeldCommand.PortfolioKind => Answer(await orders.PlacePortfolioAsync(approval.OrganizationId, (PortfolioCommand)command.ReadOrder(), Keyed<PortfolioView>(key))),
            HeldCommand.AwardKind => await AwardAsync(approval.OrganizationId, command, key, ct),
            HeldCommand.AssignmentKind => await AssignAsync(approval.OrganizationId, command, key, ct),
            _ => throw new InvalidDataException($"approval {approval.Id} holds an unknown kind of command '{approval.Kind}'"),
        };
    }

    private async Task<(Failure?, string)> AwardAsync(string organization, HeldCommand command, IdempotencyKey key, CancellationToken ct)
    {
        var (rfq, awards) = command.ReadAward();
        return Answer(await offtake.AwardAsync(organization, rfq, awards, Keyed<IReadOnlyList<OfftakeView>>(key), ct));
    }

    private async Task<(Failure?, string)> AssignAsync(string organization, HeldCommand command, IdempotencyKey key, CancellationToken ct)
    {
        var (contract, to, tranches, share, from) = command.ReadAssignment();
        return Answer(await offtake.ProposeAssignmentAsync(organization, contract, to, tranches, share, from, Keyed<AssignmentView>(key), ct));
    }

    /// <summary>The command's answer stored under the approval's key: 201 and the view, or the refusal's problem.</summary>
    private static Idempotency<T> Keyed<T>(IdempotencyKey key) => new(key, outcome => Stored(outcome));

    private static StoredAnswer Stored<T>(Outcome<T> outcome) =>
        outcome.Replayed is { } replayed ? replayed
        : outcome.IsAccepted ? new StoredAnswer(201, JsonSerializer.Serialize(outcome.Value, ApiJson.Options))
        : new StoredAnswer(422, JsonSerializer.Serialize(new { title = outcome.Failure!.Title, detail = outcome.Failure.Detail, errors = outcome.Failure.Errors }, ApiJson.Options));

    private static (Failure?, string) Answer<T>(Outcome<T> outcome) => (outcome.IsAccepted || outcome.Replayed is { Code: < 300 } ? null : outcome.Failure, Stored(outcome).Body);

    private static Failure NoApproval(string id) => Failure.NotFound($"no approval '{id}'");
}
