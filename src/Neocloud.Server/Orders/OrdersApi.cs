using System.Security.Claims;
using Neocloud.Domain.Orders;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Orders;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Market.Commands;
using Neocloud.Server.Auth;
using Neocloud.Server.Http;
using Neocloud.Storage;

namespace Neocloud.Server.Orders;

/// <summary><c>/api/v1/orders</c>, <c>/trades</c>, <c>/contracts</c>: an organization's own orders and what they made.</summary>
public static class OrdersApi
{
    public static RouteGroupBuilder MapOrdersApi(this RouteGroupBuilder api)
    {
        var orders = api.MapGroup("/orders").WithTags("Orders");
        orders.MapPost("/bids", PlaceBidAsync).RequireAuthorization(Scopes.MarketTrade).Accepts<OrderRequests.BidBody>("application/json")
            .WithSummary("Place a bid: GPUs of a SKU for a whole window at a limit price (GTC or IOC)");
        orders.MapPost("/asks", PlaceAskAsync).RequireAuthorization(Scopes.MarketTrade).Accepts<OrderRequests.AskBody>("application/json")
            .WithSummary("Place an ask: up to N GPUs of your pool in every hour of a window at a minimum price");
        orders.MapGet("/{id}", GetOrderAsync).RequireAuthorization(Scopes.MarketRead).WithSummary("Get one of your orders");
        orders.MapGet("", ListOrdersAsync).RequireAuthorization(Scopes.MarketRead)
            .WithSummary("List your orders: open, closed (filled or cancelled) or all");
        orders.MapDelete("/{id}", CancelOrderAsync).RequireAuthorization(Scopes.MarketTrade).WithSummary("Cancel a resting bid, or the unsold rest of an ask");

        api.MapGet("/trades", ListTradesAsync).RequireAuthorization(Scopes.MarketRead).WithTags("Orders").WithSummary("List your trades, as buyer or seller");
        api.MapGet("/contracts", ListContractsAsync).RequireAuthorization(Scopes.MarketRead).WithTags("Orders")
            .WithSummary("List your contracts, as buyer or seller");
        api.MapGet("/contracts/{id}", GetContractAsync).RequireAuthorization(Scopes.MarketRead).WithTags("Orders").WithSummary("Get one of your contracts");
        return api;
    }

    private static Task<IResult> PlaceBidAsync(PostBody body, ClaimsPrincipal user, MarketShard shard, TimeProvider clock) =>
        PlaceAsync(body, user.OrganizationId(), shard, OrderRequests.Bid(body.Fields, user.OrganizationId(), OrderIds.New(clock)));

    private static Task<IResult> PlaceAskAsync(PostBody body, ClaimsPrincipal user, MarketShard shard, TimeProvider clock) =>
        PlaceAsync(body, user.OrganizationId(), shard, OrderRequests.Ask(body.Fields, user.OrganizationId(), OrderIds.New(clock)));

    private static async Task<IResult> PlaceAsync(PostBody body, string caller, MarketShard shard, MarketCommand? command)
    {
        if (command is null) return Answers.Result(Failure.Invalid(body.Fields.Errors));
        var outcome = await shard.SubmitAsync(new MarketRequest(caller, command), body.Key<Committed>(StatusCodes.Status201Created, c => PlacedView.Of(c, caller)));
        return Answers.Result(outcome, StatusCodes.Status201Created, c => PlacedView.Of(c, caller));
    }

    private static async Task<IResult> GetOrderAsync(string id, ClaimsPrincipal user, ExchangeStore store, CancellationToken ct) =>
        await store.GetOrderAsync(id, ct) is { } order && order.OrganizationId == user.OrganizationId()
            ? ApiResponse.Of(200, OrderView.Of(order)).ToResult()
            : Answers.Result(NoOrder(id));

    private static async Task<IResult> ListOrdersAsync(ClaimsPrincipal user, ExchangeStore store, string? status, string? after, int? limit, CancellationToken ct)
    {
        if (Paging.Limit(limit, out var problem) is not { } take) return problem!.ToResult();
        bool? open = status switch { null or "all" => null, "open" => true, "closed" => false, _ => default(bool?) };
        if (status is not (null or "all" or "open" or "closed"))
            return ApiResponse.Invalid("status", $"must be open, closed or all, got \"{status}\"").ToResult();
        var page = await store.ListOrdersAsync(user.OrganizationId(), open, after, take, ct);
        return ApiResponse.Of(200, page.Select(OrderView.Of)).ToResult();
    }

    private static async Task<IResult> CancelOrderAsync(string id, ClaimsPrincipal user, ExchangeStore store, MarketShard shard, CancellationToken ct)
    {
        var organization = user.OrganizationId();
        if (await store.GetOrderAsync(id, ct) is not { } order || order.OrganizationId != organization) return Answers.Result(NoOrder(id));
        var outcome = await shard.SubmitAsync(new MarketRequest(organization, new CancelCommand(id)));
        return outcome.Failure is { Kind: FailureKind.Rejected } refused
            ? Answers.Result(Failure.Conflict("Not cancellable", refused.Detail))
            : Answers.Result(outcome, StatusCodes.Status200OK, _ => OrderView.Of(order with { Status = OrderStatus.Cancelled }));
    }

    private static async Task<IResult> ListTradesAsync(ClaimsPrincipal user, ExchangeStore store, string? after, int? limit, CancellationToken ct)
    {
        if (Paging.Limit(limit, out var problem) is not { } take) return problem!.ToResult();
        var caller = user.OrganizationId();
        var page = await store.ListTradesForAsync(caller, after, take, ct);
        return ApiResponse.Of(200, page.Select(t => TradeView.Of(t, caller))).ToResult();
    }

    private static async Task<IResult> ListContractsAsync(ClaimsPrincipal user, ExchangeStore store, string? after, int? limit, CancellationToken ct)
    {
        if (Paging.Limit(limit, out var problem) is not { } take) return problem!.ToResult();
        var page = await store.ListTradesForAsync(user.OrganizationId(), after, take, ct);
        return ApiResponse.Of(200, page.Select(ContractView.Of)).ToResult();
    }

    private static async Task<IResult> GetContractAsync(string id, ClaimsPrincipal user, ExchangeStore store, CancellationToken ct)
    {
        var tradeNo = id.StartsWith("c-", StringComparison.Ordinal) && long.TryParse(id[2..], out var n) ? n : -1;
        return await store.GetTradeForAsync(user.OrganizationId(), tradeNo, ct) is { } trade
            ? ApiResponse.Of(200, ContractView.Of(trade)).ToResult()
            : Answers.Result(Failure.NotFound($"no contract '{id}'"));
    }

    private static Failure NoOrder(string id) => Failure.NotFound($"no order '{id}'");
}
