using System.Text.Json;
using Neocloud.Exchange.Accounts;
using Neocloud.Exchange.Audit;
using Neocloud.Storage;

namespace Neocloud.Exchange.Approvals;

/// <summary>
/// A command held for a second person's approval (<c>approval</c> is its id): what it is and is worth, who asked and
/// when, its status (pending, approved, executed, failed, rejected), who decided, and once run, its answer.
/// </summary>
public sealed record ApprovalView(string Approval, string Organization, string Kind, string Summary, string ValueUsd, string Status, AuditActorView RequestedBy,
    DateTimeOffset RequestedAt, AuditActorView? DecidedBy, DateTimeOffset? DecidedAt, JsonElement? Result)
{
    public static ApprovalView Of(ApprovalRecord r) => new(r.Id, r.OrganizationId, r.Kind, r.Summary, AccountMoney.Usd(r.ValueCents), r.Status, AuditActorView.Of(r.RequestedBy),
        DateTimeOffset.FromUnixTimeMilliseconds(r.RequestedMs), r.DecidedBy is null ? null : AuditActorView.Of(r.DecidedBy),
        r.DecidedMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null, r.Result is { } json ? JsonDocument.Parse(json).RootElement.Clone() : null);
}

/// <summary>The organization's approval threshold: commands worth this much or more wait for a second person; null: none waits.</summary>
public sealed record ApprovalThresholdView(string Organization, string? ThresholdUsd);
