using System.Security.Claims;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Book;
using Neocloud.Exchange.Offtake;
using Neocloud.Exchange.Outcomes;
using Neocloud.Offtake.Contracts;
using Neocloud.Offtake.Offers;
using Neocloud.Server.Auth;
using Neocloud.Server.Http;

namespace Neocloud.Server.Offtake;

/// <summary>
/// <c>/api/v1/rfqs</c> and <c>/api/v1/offtakes</c>: requests for long-term capacity, sealed offers, awards, and the
/// offtake contracts' life. Buyers see their own RFQs and the offers on them once closed; sellers see open RFQs and
/// their own offers; each party sees its own contracts.
/// </summary>
public static class OfftakeApi
{
    public static RouteGroupBuilder MapOfftakeApi(this RouteGroupBuilder api)
    {
        var rfqs = api.MapGroup("/rfqs").WithTags("RFQs");
        rfqs.MapPost("", OpenRfqAsync).Produces<RfqView>(StatusCodes.Status201Created).RequireAuthorization(Permissions.Contracts.Name).Accepts<OfftakeRequests.RfqBody>("application/json")
            .WithSummary("Open a request for quotes for long-term capacity (sealed: sellers never see each other's offers)");
        rfqs.MapGet("", ListRfqsAsync).Produces<IReadOnlyList<RfqView>>().RequireAuthorization(Permissions.Read.Name).WithSummary("List your RFQs and the open RFQs of others");
        rfqs.MapGet("/{id}", GetRfqAsync).Produces<RfqView>().RequireAuthorization(Permissions.Read.Name).WithSummary("Get an RFQ");
        rfqs.MapDelete("/{id}", WithdrawRfqAsync).Produces(StatusCodes.Status204NoContent).RequireAuthorization(Permissions.Contracts.Name).WithSummary("Withdraw one of your open RFQs");
        rfqs.MapPost("/{id}/offers", SubmitOfferAsync).Produces<OfferView>(StatusCodes.Status201Created).RequireAuthorization(Permissions.Contracts.Name).Accepts<OfftakeRequests.OfferBody>("application/json")
            .WithSummary("Answer an open RFQ with a sealed offer your pools (or announced capacity) can back");
        rfqs.MapGet("/{id}/offers", ListOffersAsync).ProducesOneOf(StatusCodes.Status200OK, typeof(IReadOnlyList<RankedOfferView>), typeof(IReadOnlyList<OfferView>))
            .RequireAuthorization(Permissions.Read.Name)
            .WithSummary("The buyer: offers ranked (effective-price, delivery, availability or region) once the RFQ has closed; a seller: its own offers");
        rfqs.MapPost("/{id}/award", AwardOffersAsync).Produces<IReadOnlyList<OfftakeView>>(StatusCodes.Status201Created).Produces<Exchange.Approvals.ApprovalView>(StatusCodes.Status202Accepted).RequireAuthorization(Permissions.Contracts.Name).Accepts<OfftakeRequests.AwardBody>("application/json")
            .WithSummary("Award one or several offers (whole, or a share of their GPUs): contracts whose tranches reserve the pools' capacity");

        var offtakes = api.MapGroup("/offtakes").WithTags("Offtake contracts");
        offtakes.MapGet("", ListOfftakesAsync).Produces<IReadOnlyList<OfftakeView>>().RequireAuthorization(Permissions.Read.Name).WithSummary("List your offtake contracts, as buyer or seller");
        offtakes.MapGet("/{id}", GetOfftakeAsync).Produces<OfftakeView>().RequireAuthorization(Permissions.Read.Name)
            .WithSummary("A contract: tranches, termination right, plan-versus-actual economics");
        offtakes.MapGet("/{id}/marks", GetOfftakeMarksAsync).Produces<ContractMarksView>().RequireAuthorization(Permissions.Read.Name)
            .WithSummary("Your side of a contract marked to its SKU's forward curve: (curve − billed price) × your GPUs × hours, discounted, for each month after this one");
        offtakes.MapGet("/{id}/invoices", ListOfftakeInvoicesAsync).Produces<IReadOnlyList<Invoice>>().RequireAuthorization(Permissions.Read.Name)
            .WithSummary("Monthly invoices: service, prepayment drawn down, SLA credits, refunds");
        offtakes.MapGet("/{id}/sla", ListSlaReportsAsync).Produces<IReadOnlyList<SlaView>>().RequireAuthorization(Permissions.Read.Name).WithSummary("SLA reports and the credits they earn");
        offtakes.MapPost("/{id}/deliveries", ReportDeliveryAsync).Produces<OfftakeView>(StatusCodes.Status201Created).RequireAuthorization(Permissions.Fleet.Name).Accepts<OfftakeRequests.DeliveryBody>("application/json")
            .WithSummary("The seller reports a tranche delivered; the buyer gets a resale pool for its GPUs");
        offtakes.MapPost("/{id}/sla", ReportSlaAsync).Produces<SlaView>(StatusCodes.Status201Created).RequireAuthorization(Permissions.Fleet.Name).Accepts<OfftakeRequests.SlaBody>("application/json")
            .WithSummary("The seller reports a month's availability; credits follow the contract's table");
        offtakes.MapPost("/{id}/assignments", ProposeAssignmentAsync).Produces<AssignmentView>(StatusCodes.Status201Created).Produces<Exchange.Approvals.ApprovalView>(StatusCodes.Status202Accepted).RequireAuthorization(Permissions.Contracts.Name)
            .Accepts<OfftakeRequests.AssignmentBody>("application/json")
            .WithSummary("The buyer proposes assigning whole tranches, or a share of every tranche, to another organization from a month not yet billed");
        offtakes.MapGet("/{id}/assignments", ListAssignmentsAsync).Produces<IReadOnlyList<AssignmentView>>().RequireAuthorization(Permissions.Read.Name)
            .WithSummary("A contract's assignments: proposed, accepted or declined");
        offtakes.MapPost("/{id}/assignments/{assignment}/accept", AcceptAssignmentAsync).Produces<AssignmentView>().RequireAuthorization(Permissions.Contracts.Name)
            .AllowEmptyBody()
            .WithSummary("The seller or the assignee accepts; when both have, the assignee is the buyer of what was assigned from its month");
        offtakes.MapPost("/{id}/assignments/{assignment}/decline", DeclineAssignmentAsync).Produces<AssignmentView>().RequireAuthorization(Permissions.Contracts.Name)
            .AllowEmptyBody().WithSummary("The seller or the assignee declines an assignment");
        offtakes.MapPost("/{id}/terminate", TerminateOfftakeAsync).Produces<OfftakeView>().RequireAuthorization(Permissions.Contracts.Name).AllowEmptyBody()
            .WithSummary("The buyer terminates when a tranche is later than the grace period: undelivered tranches are cancelled and released");
        return api;
    }

    private static async Task<IResult> OpenRfqAsync(PostBody body, ClaimsPrincipal user, OfftakeDesk desk, TimeProvider clock, CancellationToken ct)
    {
        if (OfftakeRequests.Rfq(body.Fields, clock.GetUtcNow()) is not { } terms) return Invalid(body);
        return Answers.Result(await desk.OpenRfqAsync(user.OrganizationId(), terms, body.Key<RfqView>(StatusCodes.Status201Created), ct), StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListRfqsAsync(ClaimsPrincipal user, OfftakeDesk desk, CancellationToken ct) =>
        ApiResponse.Of(200, await desk.RfqsAsync(user.OrganizationId(), ct)).ToResult();

    private static async Task<IResult> GetRfqAsync(string id, ClaimsPrincipal user, OfftakeDesk desk, CancellationToken ct) =>
        Answers.Result(await desk.RfqAsync(user.OrganizationId(), id, ct));

    private static async Task<IResult> WithdrawRfqAsync(string id, ClaimsPrincipal user, OfftakeDesk desk, CancellationToken ct) =>
        (await desk.WithdrawRfqAsync(user.OrganizationId(), id, ct)).Failure is { } failure ? Answers.Result(failure) : Results.NoContent();

    private static async Task<IResult> SubmitOfferAsync(string id, PostBody body, ClaimsPrincipal user, OfftakeDesk desk, CancellationToken ct)
    {
        if (OfftakeRequests.Offer(body.Fields) is not { } offer) return Invalid(body);
        return Answers.Result(await desk.SubmitOfferAsync(user.OrganizationId(), id, offer, body.Key<OfferView>(StatusCodes.Status201Created), ct),
            StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListOffersAsync(string id, string? rank, ClaimsPrincipal user, OfftakeDesk desk, CancellationToken ct)
    {
        if (OfferRankings.Parse(rank) is not { } ranking)
            return Answers.Result(Failure.Invalid("rank", $"must be one of {string.Join(", ", OfferRankings.Names)}, got \"{rank}\""));
        return Answers.Result(await desk.OffersAsync(user.OrganizationId(), id, ranking, ct), StatusCodes.Status200OK, offers => (object?)offers.Ranked ?? offers.Own);
    }

    private static async Task<IResult> AwardOffersAsync(string id, PostBody body, ClaimsPrincipal user, OfftakeDesk desk, CancellationToken ct)
    {
        if (OfftakeRequests.Award(body.Fields) is not { } awards) return Invalid(body);
        return Answers.Result(await desk.AwardAsync(user.OrganizationId(), id, awards, body.Key<IReadOnlyList<OfftakeView>>(StatusCodes.Status201Created), ct),
            StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListOfftakesAsync(ClaimsPrincipal user, OfftakeDesk desk, CancellationToken ct) =>
        ApiResponse.Of(200, await desk.ContractsAsync(user.OrganizationId(), ct)).ToResult();

    private static async Task<IResult> GetOfftakeAsync(string id, ClaimsPrincipal user, OfftakeDesk desk, CancellationToken ct) =>
        await desk.ContractAsync(user.OrganizationId(), id, ct) is { } state
            ? ApiResponse.Of(200, state.View(desk.ThisMonth, user.OrganizationId())).ToResult()
            : Answers.Result(OfftakeDesk.NoContract(id));

    private static async Task<IResult> GetOfftakeMarksAsync(string id, ClaimsPrincipal user, BookDesk book, CancellationToken ct) =>
        Answers.Result(await book.ContractMarksAsync(user.OrganizationId(), id, ct));

    private static async Task<IResult> ListOfftakeInvoicesAsync(string id, ClaimsPrincipal user, OfftakeDesk desk, CancellationToken ct) =>
        await desk.ContractAsync(user.OrganizationId(), id, ct) is { } state
            ? ApiResponse.Of(200, state.InvoicesFor(user.OrganizationId(), desk.ThisMonth)).ToResult()
            : Answers.Result(OfftakeDesk.NoContract(id));

    private static async Task<IResult> ListSlaReportsAsync(string id, ClaimsPrincipal user, OfftakeDesk desk, CancellationToken ct) =>
        await desk.ContractAsync(user.OrganizationId(), id, ct) is { } state
            ? ApiResponse.Of(200, OfftakeDesk.SlaReports(state, desk.ThisMonth)).ToResult()
            : Answers.Result(OfftakeDesk.NoContract(id));

    private static async Task<IResult> ReportDeliveryAsync(string id, PostBody body, ClaimsPrincipal user, OfftakeDesk desk, CancellationToken ct)
    {
        var fields = body.Fields;
        var tranche = fields.Integer("tranche", 1, 1000);
        var month = fields.Month("month");
        fields.RejectUnknown();
        if (!fields.IsValid) return Invalid(body);
        return Answers.Result(await desk.DeliverAsync(user.OrganizationId(), id, (int)tranche!.Value, month!.Value, body.Key<OfftakeView>(StatusCodes.Status201Created), ct),
            StatusCodes.Status201Created);
    }

    private static async Task<IResult> ReportSlaAsync(string id, PostBody body, ClaimsPrincipal user, OfftakeDesk desk, CancellationToken ct)
    {
        var fields = body.Fields;
        var month = fields.Month("month");
        var availability = fields.Decimal("availabilityPercent", 0m, 100m);
        fields.RejectUnknown();
        if (!fields.IsValid) return Invalid(body);
        return Answers.Result(await desk.ReportSlaAsync(user.OrganizationId(), id, month!.Value, availability!.Value, body.Key<SlaView>(StatusCodes.Status201Created), ct),
            StatusCodes.Status201Created);
    }

    private static async Task<IResult> TerminateOfftakeAsync(string id, PostBody body, ClaimsPrincipal user, OfftakeDesk desk, CancellationToken ct)
    {
        body.Fields.RejectUnknown();
        if (!body.Fields.IsValid) return Invalid(body);
        return Answers.Result(await desk.TerminateAsync(user.OrganizationId(), id, body.Key<OfftakeView>(StatusCodes.Status200OK), ct));
    }

    private static async Task<IResult> ProposeAssignmentAsync(string id, PostBody body, ClaimsPrincipal user, OfftakeDesk desk, CancellationToken ct)
    {
        if (OfftakeRequests.Assignment(body.Fields) is not { } request) return Invalid(body);
        return Answers.Result(await desk.ProposeAssignmentAsync(user.OrganizationId(), id, request.To, request.Tranches, request.Share, request.FromMonth,
            body.Key<AssignmentView>(StatusCodes.Status201Created), ct), StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListAssignmentsAsync(string id, ClaimsPrincipal user, OfftakeDesk desk, CancellationToken ct) =>
        Answers.Result(await desk.AssignmentsAsync(user.OrganizationId(), id, ct));

    private static async Task<IResult> AcceptAssignmentAsync(string id, string assignment, PostBody body, ClaimsPrincipal user, OfftakeDesk desk, CancellationToken ct)
    {
        body.Fields.RejectUnknown();
        if (!body.Fields.IsValid) return Invalid(body);
        return Answers.Result(await desk.AcceptAssignmentAsync(user.OrganizationId(), id, assignment, ct));
    }

    private static async Task<IResult> DeclineAssignmentAsync(string id, string assignment, PostBody body, ClaimsPrincipal user, OfftakeDesk desk, CancellationToken ct)
    {
        body.Fields.RejectUnknown();
        if (!body.Fields.IsValid) return Invalid(body);
        return Answers.Result(await desk.DeclineAssignmentAsync(user.OrganizationId(), id, assignment, ct));
    }

    private static IResult Invalid(PostBody body) => Answers.Result(Failure.Invalid(body.Fields.Errors));
}
