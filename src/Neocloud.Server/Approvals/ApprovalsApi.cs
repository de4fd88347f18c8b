using System.Security.Claims;
using Neocloud.Domain.Paging;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Approvals;
using Neocloud.Exchange.Outcomes;
using Neocloud.Server.Auth;
using Neocloud.Server.Http;
using Neocloud.Storage;

namespace Neocloud.Server.Approvals;

/// <summary>
/// Four eyes (DESIGN.md "People, roles and approvals"): the organization's admin sets the threshold; commands at or above
/// it answer 202 with an approval; another person of the organization with the approver role approves (the command
/// runs) or rejects it. People only decide: an API token never can, nor the person who asked.
/// </summary>
public static class ApprovalsApi
{
    /// <summary>The body of PUT /organization/approvals: the threshold in dollars, or null for none.</summary>
    public sealed record ThresholdBody(string? ThresholdUsd);

    private static readonly string[] s_statuses =
        [ApprovalRecord.Pending, ApprovalRecord.Approved, ApprovalRecord.Executed, ApprovalRecord.Failed, ApprovalRecord.Rejected];

    public static RouteGroupBuilder MapApprovalsApi(this RouteGroupBuilder api)
    {
        var organization = api.MapGroup("/organization").WithTags("Approvals");
        organization.MapGet("/approvals", GetThresholdAsync).RequireAuthorization(Permissions.Read.Name).Produces<ApprovalThresholdView>()
            .WithName("GetApprovalThreshold").WithSummary("Your organization's approval threshold: bids, portfolios, awards and assignments worth this much or more wait for a second person");
        organization.MapPut("/approvals", SetThresholdAsync).RequireAuthorization(Permissions.OrganizationAdmin.Name).Accepts<ThresholdBody>("application/json")
            .Produces<ApprovalThresholdView>().WithName("SetApprovalThreshold").WithSummary("Set your organization's approval threshold in USD (null: nothing waits)");

        var approvals = api.MapGroup("/approvals").WithTags("Approvals");
        approvals.MapGet("", ListAsync).RequireAuthorization(Permissions.Read.Name).Produces<Page<ApprovalView>>().WithName("ListApprovals")
            .WithSummary("Your organization's held commands, oldest first; ?status=pending for the queue");
        approvals.MapGet("/{id}", GetAsync).RequireAuthorization(Permissions.Read.Name).Produces<ApprovalView>().WithName("GetApproval")
            .WithSummary("A held command: who asked, its value, its status, and once run its answer");
        approvals.MapPost("/{id}/approve", ApproveAsync).RequireAuthorization(Permissions.Approve.Name).AllowEmptyBody().Produces<ApprovalView>()
            .WithName("Approve").WithSummary("Approve a held command: it runs now as you, with every check as of now (another approver than the one who asked)");
        approvals.MapPost("/{id}/reject", RejectAsync).RequireAuthorization(Permissions.Approve.Name).AllowEmptyBody().Produces<ApprovalView>()
            .WithName("Reject").WithSummary("Reject a held command: it is dropped");
        return api;
    }

    private static async Task<IResult> GetThresholdAsync(ClaimsPrincipal user, ApprovalDesk desk, CancellationToken ct) =>
        ApiResponse.Of(200, await desk.ThresholdAsync(user.OrganizationId(), ct)).ToResult();

    private static async Task<IResult> SetThresholdAsync(PostBody body, ClaimsPrincipal user, ApprovalDesk desk, CancellationToken ct)
    {
        var fields = body.Fields;
        var threshold = fields.RequiredCentsOrNull("thresholdUsd", "1000000.00", least: 1, "must be more than zero (null: no threshold)");
        fields.RejectUnknown();
        if (!fields.IsValid) return Answers.Result(Failure.Invalid(fields.Errors));
        return Answers.Result(await desk.SetThresholdAsync(user.OrganizationId(), threshold, ct));
    }

    private static async Task<IResult> ListAsync(ClaimsPrincipal user, ApprovalDesk desk, string? status, string? after, WholeQuery? limit, CancellationToken ct)
    {
        if (Paging.Limit(limit, out var problem) is not { } take) return problem!.ToResult();
        if (status is not null && !s_statuses.Contains(status))
            return Answers.Result(Failure.Invalid("status", $"must be one of {string.Join(", ", s_statuses)}, got \"{status}\""));
        return ApiResponse.Of(200, await desk.ListAsync(user.OrganizationId(), status, after, take, ct)).ToResult();
    }

    private static async Task<IResult> GetAsync(string id, ClaimsPrincipal user, ApprovalDesk desk, CancellationToken ct) =>
        Answers.Result(await desk.GetAsync(user.OrganizationId(), id, ct));

    private static async Task<IResult> ApproveAsync(string id, PostBody body, ClaimsPrincipal user, ApprovalDesk desk, CancellationToken ct)
    {
        body.Fields.RejectUnknown();
        if (!body.Fields.IsValid) return Answers.Result(Failure.Invalid(body.Fields.Errors));
        return Answers.Result(await desk.ApproveAsync(user.OrganizationId(), user.Actor()!, id, ct));
    }

    private static async Task<IResult> RejectAsync(string id, PostBody body, ClaimsPrincipal user, ApprovalDesk desk, CancellationToken ct)
    {
        body.Fields.RejectUnknown();
        if (!body.Fields.IsValid) return Answers.Result(Failure.Invalid(body.Fields.Errors));
        return Answers.Result(await desk.RejectAsync(user.OrganizationId(), user.Actor()!, id, ct));
    }
}
