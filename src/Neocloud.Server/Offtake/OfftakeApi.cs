using Neocloud.Domain.Input;
using Neocloud.Offtake.Contracts;
using Neocloud.Offtake.Offers;
using Neocloud.Server.Auth;
using Neocloud.Server.Http;
using Neocloud.Storage;

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

        rfqs.MapPost("", async (HttpContext context, ExchangeStore store, OfftakeDesk desk, TimeProvider clock) =>
        {
            using var request = await PostRequest.ReadAsync(context, store, clock);
            if (request.Answer is { } answer) return answer.ToResult(request.Replayed);
            var fields = JsonFields.Of(request.Body!.RootElement);
            if (OfftakeRequests.Rfq(fields, clock.GetUtcNow()) is not { } terms) return ApiResponse.Invalid(fields.Errors).ToResult();
            return (await desk.OpenRfqAsync(context.User.OrganizationId(), terms, request.Idempotency, context.RequestAborted)).ToResult();
        }).RequireAuthorization(Scopes.MarketTrade).Accepts<OfftakeRequests.RfqBody>("application/json")
            .WithSummary("Open a request for quotes for long-term capacity (sealed: sellers never see each other's offers)");

        rfqs.MapGet("", async (HttpContext context, ExchangeStore store, TimeProvider clock, CancellationToken ct) =>
        {
            var caller = context.User.OrganizationId();
            var now = clock.GetUtcNow();
            var views = new List<RfqView>();
            foreach (var rfq in await store.VisibleRfqsAsync(caller, now.ToUnixTimeMilliseconds(), ct))
                views.Add(RfqView.Of(rfq, now, rfq.BuyerId == caller ? (await store.OffersAsync(rfq.Id, null, ct)).Count : null));
            return ApiResponse.Of(200, views).ToResult();
        }).RequireAuthorization(Scopes.MarketRead).WithSummary("List your RFQs and the open RFQs of others");

        rfqs.MapGet("/{id}", async (string id, HttpContext context, ExchangeStore store, TimeProvider clock, CancellationToken ct) =>
        {
            var caller = context.User.OrganizationId();
            var now = clock.GetUtcNow();
            if (await store.GetRfqAsync(id, ct) is not { } rfq
                || (rfq.BuyerId != caller && RfqView.StatusOf(rfq, now) != "open" && (await store.OffersAsync(id, caller, ct)).Count == 0))
                return ApiResponse.Problem(404, "Not found", $"no RFQ '{id}'").ToResult();
            return ApiResponse.Of(200, RfqView.Of(rfq, now, rfq.BuyerId == caller ? (await store.OffersAsync(id, null, ct)).Count : null)).ToResult();
        }).RequireAuthorization(Scopes.MarketRead).WithSummary("Get an RFQ");

        rfqs.MapDelete("/{id}", async (string id, HttpContext context, ExchangeStore store, CancellationToken ct) =>
            await store.WithdrawRfqAsync(id, context.User.OrganizationId(), ct)
                ? Results.NoContent()
                : ApiResponse.Problem(404, "Not found", $"no open RFQ '{id}' of yours").ToResult())
            .RequireAuthorization(Scopes.MarketTrade).WithSummary("Withdraw one of your open RFQs");

        rfqs.MapPost("/{id}/offers", async (string id, HttpContext context, ExchangeStore store, OfftakeDesk desk, TimeProvider clock) =>
        {
            using var request = await PostRequest.ReadAsync(context, store, clock);
            if (request.Answer is { } answer) return answer.ToResult(request.Replayed);
            var fields = JsonFields.Of(request.Body!.RootElement);
            if (OfftakeRequests.Offer(fields) is not { } offer) return ApiResponse.Invalid(fields.Errors).ToResult();
            return (await desk.SubmitOfferAsync(context.User.OrganizationId(), id, offer, request.Idempotency, context.RequestAborted)).ToResult();
        }).RequireAuthorization(Scopes.MarketTrade).Accepts<OfftakeRequests.OfferBody>("application/json")
            .WithSummary("Answer an open RFQ with a sealed offer your pools (or announced capacity) can back");

        rfqs.MapGet("/{id}/offers", async (string id, string? rank, HttpContext context, OfftakeDesk desk, CancellationToken ct) =>
        {
            if (Ranking(rank) is not { } ranking)
                return ApiResponse.Invalid("rank", $"must be one of {string.Join(", ", RankingNames)}, got \"{rank}\"").ToResult();
            return (await desk.OffersAsync(context.User.OrganizationId(), id, ranking, ct)).ToResult();
        }).RequireAuthorization(Scopes.MarketRead)
            .WithSummary("The buyer: offers ranked (effective-price, delivery, availability or region) once the RFQ has closed; a seller: its own offers");

        rfqs.MapPost("/{id}/award", async (string id, HttpContext context, ExchangeStore store, OfftakeDesk desk, TimeProvider clock) =>
        {
            using var request = await PostRequest.ReadAsync(context, store, clock);
            if (request.Answer is { } answer) return answer.ToResult(request.Replayed);
            var fields = JsonFields.Of(request.Body!.RootElement);
            if (OfftakeRequests.Award(fields) is not { } awards) return ApiResponse.Invalid(fields.Errors).ToResult();
            return (await desk.AwardAsync(context.User.OrganizationId(), id, awards, request.Idempotency, context.RequestAborted)).ToResult();
        }).RequireAuthorization(Scopes.MarketTrade).Accepts<OfftakeRequests.AwardBody>("application/json")
            .WithSummary("Award one or several offers (whole, or a share of their GPUs): contracts whose tranches reserve the pools' capacity");

        var offtakes = api.MapGroup("/offtakes").WithTags("Offtake contracts");

        offtakes.MapGet("", async (HttpContext context, OfftakeDesk desk, CancellationToken ct) =>
            ApiResponse.Of(200, await desk.ContractsAsync(context.User.OrganizationId(), ct)).ToResult())
            .RequireAuthorization(Scopes.MarketRead).WithSummary("List your offtake contracts, as buyer or seller");

        offtakes.MapGet("/{id}", async (string id, HttpContext context, OfftakeDesk desk, CancellationToken ct) =>
            await desk.ContractAsync(context.User.OrganizationId(), id, ct) is { } state
                ? ApiResponse.Of(200, state.View(desk.ThisMonth)).ToResult()
                : NoContract(id))
            .RequireAuthorization(Scopes.MarketRead).WithSummary("A contract: tranches, termination right, plan-versus-actual economics");

        offtakes.MapGet("/{id}/invoices", async (string id, HttpContext context, OfftakeDesk desk, CancellationToken ct) =>
            await desk.ContractAsync(context.User.OrganizationId(), id, ct) is { } state
                ? ApiResponse.Of(200, ContractLedger.Invoices(state.Terms, state.History)).ToResult()
                : NoContract(id))
            .RequireAuthorization(Scopes.MarketRead).WithSummary("Monthly invoices: service, prepayment drawn down, SLA credits, refunds");

        offtakes.MapGet("/{id}/sla", async (string id, HttpContext context, OfftakeDesk desk, CancellationToken ct) =>
            await desk.ContractAsync(context.User.OrganizationId(), id, ct) is { } state
                ? ApiResponse.Of(200, OfftakeDesk.SlaReports(state)).ToResult()
                : NoContract(id))
            .RequireAuthorization(Scopes.MarketRead).WithSummary("SLA reports and the credits they earn");

        offtakes.MapPost("/{id}/deliveries", async (string id, HttpContext context, ExchangeStore store, OfftakeDesk desk, TimeProvider clock) =>
        {
            using var request = await PostRequest.ReadAsync(context, store, clock);
            if (request.Answer is { } answer) return answer.ToResult(request.Replayed);
            var fields = JsonFields.Of(request.Body!.RootElement);
            var tranche = fields.Integer("tranche", 1, 1000);
            var month = fields.Month("month");
            fields.RejectUnknown();
            if (!fields.IsValid) return ApiResponse.Invalid(fields.Errors).ToResult();
            return (await desk.DeliverAsync(context.User.OrganizationId(), id, (int)tranche!.Value, month!.Value, request.Idempotency, context.RequestAborted)).ToResult();
        }).RequireAuthorization(Scopes.PoolsWrite).Accepts<OfftakeRequests.DeliveryBody>("application/json")
            .WithSummary("The seller reports a tranche delivered; the buyer gets a resale pool for its GPUs");

        offtakes.MapPost("/{id}/sla", async (string id, HttpContext context, ExchangeStore store, OfftakeDesk desk, TimeProvider clock) =>
        {
            using var request = await PostRequest.ReadAsync(context, store, clock);
            if (request.Answer is { } answer) return answer.ToResult(request.Replayed);
            var fields = JsonFields.Of(request.Body!.RootElement);
            var month = fields.Month("month");
            var availability = fields.Decimal("availabilityPercent", 0m, 100m);
            fields.RejectUnknown();
            if (!fields.IsValid) return ApiResponse.Invalid(fields.Errors).ToResult();
            return (await desk.ReportSlaAsync(context.User.OrganizationId(), id, month!.Value, availability!.Value, request.Idempotency, context.RequestAborted)).ToResult();
        }).RequireAuthorization(Scopes.PoolsWrite).Accepts<OfftakeRequests.SlaBody>("application/json")
            .WithSummary("The seller reports a month's availability; credits follow the contract's table");

        offtakes.MapPost("/{id}/terminate", async (string id, HttpContext context, ExchangeStore store, OfftakeDesk desk, TimeProvider clock) =>
        {
            using var request = await PostRequest.ReadAsync(context, store, clock, requireBody: false);
            if (request.Answer is { } answer) return answer.ToResult(request.Replayed);
            var fields = JsonFields.Of(request.Body!.RootElement);
            fields.RejectUnknown();
            if (!fields.IsValid) return ApiResponse.Invalid(fields.Errors).ToResult();
            return (await desk.TerminateAsync(context.User.OrganizationId(), id, request.Idempotency, context.RequestAborted)).ToResult();
        }).RequireAuthorization(Scopes.MarketTrade)
            .WithSummary("The buyer terminates when a tranche is later than the grace period: undelivered tranches are cancelled and released");

        return api;
    }

    /// <summary>The names of the rankings, as the API and CLI spell them.</summary>
    public static readonly IReadOnlyList<string> RankingNames = ["effective-price", "delivery", "availability", "region"];

    /// <summary>A ranking by name (default: effective price), or null for an unknown name.</summary>
    public static OfferRanking? Ranking(string? name) => name switch
    {
        null or "effective-price" => OfferRanking.EffectivePrice,
        "delivery" => OfferRanking.Delivery,
        "availability" => OfferRanking.Availability,
        "region" => OfferRanking.Region,
        _ => null,
    };

    private static IResult NoContract(string id) => ApiResponse.Problem(404, "Not found", $"no offtake contract '{id}'").ToResult();
}
