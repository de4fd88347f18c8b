using System.Security.Claims;
using Neocloud.Domain.Paging;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Audit;
using Neocloud.Server.Auth;
using Neocloud.Server.Http;

namespace Neocloud.Server.Audit;

/// <summary>
/// The audit trail (DESIGN.md "People, roles and approvals"): the calling organization's journaled commands, oldest
/// first, each with its sequence, time, actor (person, token or the exchange), kind and a summary.
/// </summary>
public static class AuditApi
{
    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder api)
    {
        var audit = api.MapGroup("/audit").WithTags("Audit").RequireAuthorization(Permissions.OrganizationAdmin.Name);
        audit.MapGet("", ListAuditAsync).WithName("ListAudit").Produces<Page<AuditEntryView>>()
            .WithSummary("Your organization's journaled commands, oldest first: sequence, time, who acted (person, token or the exchange), kind and summary");
        return api;
    }

    private static async Task<IResult> ListAuditAsync(ClaimsPrincipal user, AuditDesk desk, string? after, WholeQuery? limit, CancellationToken ct)
    {
        if (Paging.Limit(limit, out var problem) is not { } take) return problem!.ToResult();
        return ApiResponse.Of(200, await desk.EntriesAsync(user.OrganizationId(), after, take, ct)).ToResult();
    }
}
