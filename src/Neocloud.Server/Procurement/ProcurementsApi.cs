using System.Security.Claims;
using Neocloud.Domain.Paging;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Procurement;
using Neocloud.Server.Auth;
using Neocloud.Server.Http;

namespace Neocloud.Server.Procurement;

/// <summary>
/// <c>/api/v1/procurements</c>: standing procurements. The exchange keeps the buyer holding N GPUs for the next H hours
/// by buying blocks of B hours as time passes, at no more than a maximum price. An organization sees and stops only
/// its own (others' ids are not found).
/// </summary>
public static class ProcurementsApi
{
    /// <summary>The body of POST /procurements: a SKU and its <c>maxPrice</c>, or <c>alternatives</c> (SKUs of one market group, each with its limit).</summary>
    public sealed record ProcurementBody(string? Sku, string? Region, int Gpus, int HorizonHours, int BlockHours, string? MaxPrice = null,
        IReadOnlyList<Exchange.Orders.OrderRequests.AlternativeBody>? Alternatives = null);

    public static RouteGroupBuilder MapProcurementsApi(this RouteGroupBuilder api)
    {
        var procurements = api.MapGroup("/procurements").WithTags("Procurement");
        procurements.MapPost("", StartProcurementAsync).RequireAuthorization(Permissions.Trade.Name).Accepts<ProcurementBody>("application/json")
            .WithName("StartProcurement").Produces<ProcurementView>(StatusCodes.Status201Created)
            .WithSummary("Start a standing procurement: keep N GPUs of a SKU held for the next horizonHours, bought in blocks of blockHours at no more than maxPrice");
        procurements.MapGet("", ListProcurementsAsync).RequireAuthorization(Permissions.Read.Name)
            .WithName("ListProcurements").Produces<Page<ProcurementView>>()
            .WithSummary("List your standing procurements");
        procurements.MapGet("/{id}", GetProcurementAsync).RequireAuthorization(Permissions.Read.Name)
            .WithName("GetProcurement").Produces<ProcurementView>()
            .WithSummary("One of your procurements: status, blocks bought (trades), what it could not buy and why, the hour it is covered through");
        procurements.MapDelete("/{id}", StopProcurementAsync).RequireAuthorization(Permissions.Trade.Name)
            .WithName("StopProcurement").Produces<ProcurementView>()
            .WithSummary("Stop one of your procurements: it buys nothing more, and what it bought stays bought");
        return api;
    }

    private static async Task<IResult> StartProcurementAsync(PostBody body, ClaimsPrincipal user, ProcurementDesk desk, CancellationToken ct)
    {
        if (ProcurementRequests.Terms(body.Fields) is not { } terms) return Answers.Result(Failure.Invalid(body.Fields.Errors));
        return Answers.Result(await desk.StartAsync(user.OrganizationId(), terms, body.Key<ProcurementView>(StatusCodes.Status201Created), ct),
            StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListProcurementsAsync(ClaimsPrincipal user, ProcurementDesk desk, string? after, WholeQuery? limit, CancellationToken ct)
    {
        if (Paging.Limit(limit, out var problem) is not { } take) return problem!.ToResult();
        return ApiResponse.Of(200, await desk.ProcurementsAsync(user.OrganizationId(), after, take, ct)).ToResult();
    }

    private static async Task<IResult> GetProcurementAsync(string id, ClaimsPrincipal user, ProcurementDesk desk, CancellationToken ct) =>
        Answers.Result(await desk.ProcurementAsync(user.OrganizationId(), id, ct));

    private static async Task<IResult> StopProcurementAsync(string id, ClaimsPrincipal user, ProcurementDesk desk, CancellationToken ct) =>
        Answers.Result(await desk.StopAsync(user.OrganizationId(), id, ct));
}
