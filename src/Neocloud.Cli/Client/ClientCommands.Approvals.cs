using System.CommandLine;
using Neocloud.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Neocloud.Cli.Client;

/// <summary><c>neocloud approvals …</c>: four eyes on a running exchange (a person's access token approves; any caller lists).</summary>
public static partial class ClientCommands
{
    private static readonly Column<ApprovalView>[] s_approvalColumns =
    [
        new("approval", a => a.Approval), new("requestedAt", a => Cells.Instant(a.RequestedAt)), new("requestedBy", a => Who(a.RequestedBy)), new("kind", a => a.Kind),
        new("summary", a => a.Summary), new("valueUsd", a => a.ValueUsd), new("status", a => a.Status), new("decidedBy", a => Who(a.DecidedBy)),
    ];

    /// <summary><c>neocloud approvals [--status …]</c>, <c>approvals show|approve|reject &lt;id&gt;</c>, <c>approvals threshold [usd|none]</c>.</summary>
    public static Command Approvals(CliContext context)
    {
        var status = new Option<string?>("--status") { Description = "Only approvals in this status: pending, approved, executed, failed or rejected." };
        status.AcceptOnlyFromAmong("pending", "approved", "executed", "failed", "rejected");
        var after = new Option<string?>("--after") { Description = "The cursor a previous page gave (next)." };
        var limit = new Option<int>("--limit") { Description = "How many approvals.", DefaultValueFactory = _ => 100 };
        var approvals = new Command("approvals", "Your organization's commands held for a second person (oldest first); approve or reject them as an approver.")
        {
            status, after, limit,
        };
        Run(approvals, context, (api, parsed, ct) => api.ListApprovalsAsync(parsed.GetValue(status), parsed.GetValue(after), parsed.GetValue(limit), ct), ApprovalsTable);

        var id = new Argument<string>("id") { Description = "The approval's id (apr_…)." };
        var show = new Command("show", "One held command: who asked, its value, its status and, once run, its answer.") { id };
        Run(show, context, (api, parsed, ct) => api.GetApprovalAsync(parsed.GetValue(id)!, ct), ApprovalTable);
        approvals.Subcommands.Add(show);

        var approveId = new Argument<string>("id") { Description = "The approval's id (apr_…)." };
        var approve = new Command("approve", "Approve a held command: it runs now, as you (a person with the approver role, not the one who asked).") { approveId };
        Run(approve, context, (api, parsed, ct) => api.ApproveAsync(parsed.GetValue(approveId)!, ct), ApprovalTable);
        approvals.Subcommands.Add(approve);

        var rejectId = new Argument<string>("id") { Description = "The approval's id (apr_…)." };
        var reject = new Command("reject", "Reject a held command: it is dropped.") { rejectId };
        Run(reject, context, (api, parsed, ct) => api.RejectAsync(parsed.GetValue(rejectId)!, ct), ApprovalTable);
        approvals.Subcommands.Add(reject);

        var amount = new Argument<string?>("usd") { Description = "The new threshold in USD (e.g. 1000000.00), or none; without it, the threshold is shown.", Arity = ArgumentArity.ZeroOrOne };
        var threshold = new Command("threshold", "Your organization's approval threshold; given a value, set it (the organization's admin).") { amount };
        Run(threshold, context, (api, parsed, ct) => parsed.GetValue(amount) is { } usd
                ? api.SetApprovalThresholdAsync(new ThresholdBody { ThresholdUsd = usd is "none" ? null : usd }, ct)
                : api.GetApprovalThresholdAsync(ct),
            threshold => Table([threshold], [new Column<ApprovalThresholdView>("organization", t => t.Organization), new("thresholdUsd", t => t.ThresholdUsd)]));
        approvals.Subcommands.Add(threshold);
        return approvals;
    }

    private static IRenderable ApprovalsTable(PageOfApprovalView page) => new Rows(Table(page.Items, s_approvalColumns), More(page.Next));

    private static IRenderable ApprovalTable(ApprovalView approval) => Table([approval], s_approvalColumns);

    /// <summary>An actor as a table cell shows it: its name (kind).</summary>
    private static string? Who(AuditActorView? actor) => actor is null ? null : $"{actor.Name} ({actor.Kind})";
}
