using Neocloud.Exchange.Access;
using Neocloud.Exchange.Audit;
using Neocloud.Server.Http;
using Neocloud.Storage;

namespace Neocloud.Server.Admin;

/// <summary><c>/api/v1/admin/journal</c>: each journal's head signed with the journal signing key, to be recorded outside the store. Needs the <c>admin</c> scope.</summary>
public static class JournalHeadApi
{
    /// <summary>Maps <c>GET /admin/journal/head</c>.</summary>
    public static RouteGroupBuilder MapJournalHeadApi(this RouteGroupBuilder api)
    {
        var journal = api.MapGroup("/admin/journal").RequireAuthorization(Permissions.Operator.Name).WithTags("Admin");
        journal.MapGet("/head", GetJournalHeadAsync)
            .WithSummary("Each journal's head (last sequence and hash) signed with the exchange's journal signing key; record it elsewhere, check it with 'neocloud journal verify --head'")
            .Produces<SignedJournalHeads>();
        return api;
    }

    private static async Task<IResult> GetJournalHeadAsync(JournalAnchor anchor, CancellationToken ct) =>
        ApiResponse.Of(200, await anchor.SignedHeadsAsync(ct)).ToResult();
}
