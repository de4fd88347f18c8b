using Neocloud.Domain.Input;
using Neocloud.Server.Auth;
using Neocloud.Server.Exchange;
using Neocloud.Server.Http;
using Neocloud.Storage;

namespace Neocloud.Server.Orders;

/// <summary><c>/api/v1/orders</c>, <c>/trades</c>, <c>/contracts</c>: an organization's own orders and what they made.</summary>
public static class OrdersApi
{
    /// <summary>The answer to a placed order: the order as it stands after matching, and the trades it made.</summary>
    public sealed record PlacedView(OrderView Order, IReadOnlyList<TradeView> Trades);

    public static RouteGroupBuilder MapOrdersApi(this RouteGroupBuilder api)
    {
        var orders = api.MapGroup("/orders").WithTags("Orders");

        orders.MapPost("/bids", (HttpContext context, ExchangeStore store, ExchangeService exchange, TimeProvider clock) =>
            PlaceAsync(context, store, exchange, clock, OrderRequests.Bid))
            .RequireAuthorization(Scopes.MarketTrade).Accepts<OrderRequests.BidBody>("application/json")
            .WithSummary("Place a bid: GPUs of a SKU for a whole window at a limit price (GTC or IOC)");

        orders.MapPost("/asks", (HttpContext context, ExchangeStore store, ExchangeService exchange, TimeProvider clock) =>
            PlaceAsync(context, store, exchange, clock, OrderRequests.Ask))
            .RequireAuthorization(Scopes.MarketTrade).Accepts<OrderRequests.AskBody>("application/json")
            .WithSummary("Place an ask: up to N GPUs of your pool in every hour of a window at a minimum price");

        orders.MapGet("/{id}", async (string id, HttpContext context, ExchangeStore store, CancellationToken ct) =>
            await store.GetOrderAsync(id, ct) is { } order && order.OrganizationId == context.User.OrganizationId()
                ? ApiResponse.Of(200, OrderView.Of(order)).ToResult()
                : NoOrder(id).ToResult())
            .RequireAuthorization(Scopes.MarketRead).WithSummary("Get one of your orders");

        orders.MapGet("", async (HttpContext context, ExchangeStore store, string? status, string? after, int? limit, CancellationToken ct) =>
        {
            if (Paging.Limit(limit, out var problem) is not { } take) return problem!.ToResult();
            bool? open = status switch { null or "all" => null, "open" => true, "closed" => false, _ => default(bool?) };
            if (status is not (null or "all" or "open" or "closed"))
                return ApiResponse.Invalid("status", $"must be open, closed or all, got \"{status}\"").ToResult();
            var page = await store.ListOrdersAsync(context.User.OrganizationId(), open, after, take, ct);
            return ApiResponse.Of(200, page.Select(OrderView.Of)).ToResult();
        }).RequireAuthorization(Scopes.MarketRead).WithSummary("List your orders: open, closed (filled or cancelled) or all");

        orders.MapDelete("/{id}", async (string id, HttpContext context, ExchangeStore store, ExchangeService exchange) =>
        {
            var organization = context.User.OrganizationId();
            if (await store.GetOrderAsync(id, context.RequestAborted) is not { } order || order.OrganizationId != organization)
                return NoOrder(id).ToResult();
            var response = await exchange.SubmitAsync(new CancelOrder(organization, id), null, result => result.IsRejected
                ? ApiResponse.Problem(409, "Not cancellable", result.RejectedReason!)
                : ApiResponse.Of(200, OrderView.Of(order with { Status = "cancelled" })));
            return response.ToResult();
        }).RequireAuthorization(Scopes.MarketTrade).WithSummary("Cancel a resting bid, or the unsold rest of an ask");

        api.MapGet("/trades", async (HttpContext context, ExchangeStore store, string? after, int? limit, CancellationToken ct) =>
        {
            if (Paging.Limit(limit, out var problem) is not { } take) return problem!.ToResult();
            var caller = context.User.OrganizationId();
            var page = await store.ListTradesForAsync(caller, after, take, ct);
            return ApiResponse.Of(200, page.Select(t => TradeView.Of(t, caller))).ToResult();
        }).RequireAuthorization(Scopes.MarketRead).WithTags("Orders").WithSummary("List your trades, as buyer or seller");

        api.MapGet("/contracts", async (HttpContext context, ExchangeStore store, string? after, int? limit, CancellationToken ct) =>
        {
            if (Paging.Limit(limit, out var problem) is not { } take) return problem!.ToResult();
            var page = await store.ListTradesForAsync(context.User.OrganizationId(), after, take, ct);
            return ApiResponse.Of(200, page.Select(ContractView.Of)).ToResult();
        }).RequireAuthorization(Scopes.MarketRead).WithTags("Orders").WithSummary("List your contracts, as buyer or seller");

        api.MapGet("/contracts/{id}", async (string id, HttpContext context, ExchangeStore store, CancellationToken ct) =>
        {
            var tradeNo = id.StartsWith("c-", StringComparison.Ordinal) && long.TryParse(id[2..], out var n) ? n : -1;
            return await store.GetTradeForAsync(context.User.OrganizationId(), tradeNo, ct) is { } trade
                ? ApiResponse.Of(200, ContractView.Of(trade)).ToResult()
                : ApiResponse.Problem(404, "Not found", $"no contract '{id}'").ToResult();
        }).RequireAuthorization(Scopes.MarketRead).WithTags("Orders").WithSummary("Get one of your contracts");

        return api;
    }

    private static async Task<IResult> PlaceAsync(HttpContext context, ExchangeStore store, ExchangeService exchange, TimeProvider clock,
        Func<JsonFields, string, ExchangeCommand?> parse)
    {
        using var request = await PostRequest.ReadAsync(context, store, clock);
        if (request.Answer is { } answer) return answer.ToResult(request.Replayed);
        var caller = context.User.OrganizationId();
        var fields = JsonFields.Of(request.Body!.RootElement);
        var command = parse(fields, caller);
        if (command is null) return ApiResponse.Invalid(fields.Errors).ToResult();

        var response = await exchange.SubmitAsync(command, request.Idempotency, result => result.IsRejected
            ? Rejected(result.RejectedReason!)
            : ApiResponse.Of(201, new PlacedView(OrderView.Of(result.Order!), result.Trades.Select(t => TradeView.Of(t, caller)).ToList())));
        return response.ToResult();
    }

    /// <summary>The engine's refusal, as a 422 problem carrying its reason.</summary>
    public static ApiResponse Rejected(string reason) => ApiResponse.Problem(422, "Rejected by the market", reason);

    private static ApiResponse NoOrder(string id) => ApiResponse.Problem(404, "Not found", $"no order '{id}'");
}
