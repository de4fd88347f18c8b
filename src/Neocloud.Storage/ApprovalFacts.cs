namespace Neocloud.Storage;

/// <summary>
/// A command held for a second person's approval: what it is (<see cref="Kind"/>: bid, portfolio, award, assignment),
/// its value, the command itself as it will run (<see cref="Command"/>, JSON), who asked (a journal actor's JSON
/// text) and, once decided, who decided, when, and the command's answer.
/// </summary>
public sealed record ApprovalRecord(string Id, string OrganizationId, string Kind, string Summary, long ValueCents, string Command, string RequestedBy,
    long RequestedMs, string Status = ApprovalRecord.Pending, string? DecidedBy = null, long? DecidedMs = null, string? Result = null)
{
    /// <summary>Waiting for an approver.</summary>
    public const string Pending = "pending";

    /// <summary>Approved, and the command is running (an approval left here by a crash runs it again, once, when approved again).</summary>
    public const string Approved = "approved";

    /// <summary>Approved, and the command ran: <see cref="Result"/> is its answer.</summary>
    public const string Executed = "executed";

    /// <summary>Approved, but the command was refused as of the approval (say, credit ran out): <see cref="Result"/> is the problem.</summary>
    public const string Failed = "failed";

    /// <summary>Rejected: the command was dropped.</summary>
    public const string Rejected = "rejected";
}

/// <summary>An organization's admin set (or, with null, cleared) the value at or above which commands wait for approval.</summary>
public sealed record ApprovalThresholdSet(string OrganizationId, long? ThresholdCents, long AtMs) : ConfigFact;

/// <summary>A command at or above its organization's threshold was held for approval.</summary>
public sealed record ApprovalRequested(ApprovalRecord Approval) : ConfigFact;

/// <summary>Another person of the organization approved (the command runs next) or rejected a held command.</summary>
public sealed record ApprovalDecided(string ApprovalId, string OrganizationId, string Status, string DecidedBy, long AtMs) : ConfigFact;

/// <summary>An approved command ran (<see cref="ApprovalRecord.Executed"/>) or was refused as of the approval (<see cref="ApprovalRecord.Failed"/>), answering <paramref name="Result"/>.</summary>
public sealed record ApprovalCompleted(string ApprovalId, string OrganizationId, string Status, string Result, long AtMs) : ConfigFact;
