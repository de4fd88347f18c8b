using System.Security.Claims;
using Neocloud.Domain.Paging;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Orders;
using Neocloud.Exchange.Outcomes;
using Neocloud.Market.Commands;
using Neocloud.Server.Auth;
using Neocloud.Server.Http;
using Neocloud.Exchange.Pools;

namespace Neocloud.Server.Orders;

/// <summary><c>/api/v1/orders</c>, <c>/trades</c>, <c>/contracts</c>: an organization's own orders and what they made.</summary>
public static class OrdersApi
{
    public static RouteGroupBuilder MapOrdersApi(this RouteGroupBuilder api)
    {
        var orders = api.MapGroup("/orders").WithTags("Orders");
        orders.MapPost("/bids", PlaceBidAsync).Produces<PlacedView>(StatusCodes.Status201Created).Produces<Exchange.Approvals.ApprovalView>(StatusCodes.Status202Accepted).RequireAuthorization(Permissions.Trade.Name).Accepts<OrderRequests.BidBody>("application/json")
            .WithSummary("Place a bid: GPUs of a SKU (or of 1-4 alternative SKUs of one market group, each at its own limit) for a whole window at a limit price (GTC or IOC), in a region or on one pool");
        orders.MapPost("/portfolios", PlacePortfolioAsync).Produces<PortfolioView>(StatusCodes.Status201Created).Produces<Exchange.Approvals.ApprovalView>(StatusCodes.Status202Accepted).RequireAuthorization(Permissions.Trade.Name).Accepts<OrderRequests.PortfolioBody>("application/json")
            .WithSummary("Place a portfolio: 2-16 bids in one market group that all trade now or none does");
        orders.MapGet("/portfolios", ListPortfoliosAsync).Produces<Page<PortfolioView>>().RequireAuthorization(Permissions.Read.Name).WithSummary("List your portfolio orders");
        orders.MapGet("/portfolios/{id}", GetPortfolioAsync).Produces<PortfolioView>().RequireAuthorization(Permissions.Read.Name).WithSummary("Get one of your portfolio orders with its legs' trades");
        orders.MapPost("/asks", PlaceAskAsync).Produces<PlacedView>(StatusCodes.Status201Created).RequireAuthorization(Permissions.Trade.Name).Accepts<OrderRequests.AskBody>("application/json")
            .WithSummary("Place an ask: up to N GPUs of your pool in every hour of a window at a minimum price");
        orders.MapGet("/{id}", GetOrderAsync).Produces<OrderView>().RequireAuthorization(Permissions.Read.Name).WithSummary("Get one of your orders");
        orders.MapGet("", ListOrdersAsync).Produces<Page<OrderView>>().RequireAuthorization(Permissions.Read.Name)
            .WithSummary("List your orders: open, closed (filled or cancelled) or all");
        orders.MapDelete("/{id}", CancelOrderAsync).Produces<OrderView>().RequireAuthorization(Permissions.Trade.Name).WithSummary("Cancel a resting bid, or the unsold rest of an ask");

        api.MapGet("/trades", ListTradesAsync).Produces<Page<TradeView>>().RequireAuthorization(Permissions.Read.Name).WithTags("Orders").WithSummary("List your trades, as buyer or seller");
        api.MapGet("/contracts", ListContractsAsync).Produces<Page<ContractView>>().RequireAuthorization(Permissions.Read.Name).WithTags("Orders")
            .WithSummary("List your contracts, as buyer or seller");
        api.MapGet("/contracts/{id}", GetContractAsync).Produces<ContractView>().RequireAuthorization(Permissions.Read.Name).WithTags("Orders").WithSummary("Get one of your contracts");
        return api;
    }

    private static async Task<IResult> PlaceBidAsync(PostBody body, ClaimsPrincipal user, OrderDesk desk, PoolDesk pools, CancellationToken ct)
    {
        var bid = OrderRequests.Bid(body.Fields, user.OrganizationId(), desk.NewOrderId());
        if (bid is not null) await OrderRequests.CheckPoolAsync(pools, bid, "pool", body.Fields.Errors, ct);
        return await PlaceAsync(body, user.OrganizationId(), desk, body.Fields.IsValid ? bid : null);
    }

    private static async Task<IResult> PlacePortfolioAsync(PostBody body, ClaimsPrincipal user, OrderDesk desk, PoolDesk pools, CancellationToken ct)
    {
        var portfolio = OrderRequests.Portfolio(body.Fields, user.OrganizationId(), desk.NewOrderId());
        for (var i = 0; portfolio is not null && i < portfolio.Legs.Count; i++)
            await OrderRequests.CheckPoolAsync(pools, portfolio.Legs[i], $"legs[{i}].pool", body.Fields.Errors, ct);
        if (portfolio is null || !body.Fields.IsValid) return Answers.Result(Failure.Invalid(body.Fields.Errors));
        return Answers.Result(await desk.PlacePortfolioAsync(user.OrganizationId(), portfolio, body.Key<PortfolioView>(StatusCodes.Status201Created)),
            StatusCodes.Status201Created);
    }

    private static async Task<IResult> GetPortfolioAsync(string id, ClaimsPrincipal user, OrderDesk desk, CancellationToken ct) =>
        Answers.Result(await desk.PortfolioAsync(user.OrganizationId(), id, ct));

    private static async Task<IResult> ListPortfoliosAsync(ClaimsPrincipal user, OrderDesk desk, string? after, WholeQuery? limit, CancellationToken ct)
    {
        if (Paging.Limit(limit, out var problem) is not { } take) return problem!.ToResult();
        return ApiResponse.Of(200, await desk.PortfoliosAsync(user.OrganizationId(), after, take, ct)).ToResult();
    }

    private static Task<IResult> PlaceAskAsync(PostBody body, ClaimsPrincipal user, OrderDesk desk) =>
        PlaceAsync(body, user.OrganizationId(), desk, OrderRequests.Ask(body.Fields, user.OrganizationId(), desk.NewOrderId()));

    private static async Task<IResult> PlaceAsync(PostBody body, string caller, OrderDesk desk, MarketCommand? order)
    {
        if (order is null) return Answers.Result(Failure.Invalid(body.Fields.Errors));
        return Answers.Result(await desk.PlaceAsync(caller, order, body.Key<PlacedView>(StatusCodes.Status201Created)), StatusCodes.Status201Created);
    }

    private static async Task<IResult> GetOrderAsync(string id, ClaimsPrincipal user, OrderDesk desk, CancellationToken ct) =>
        Answers.Result(await desk.OrderAsync(user.OrganizationId(), id, ct));

    private static async Task<IResult> ListOrdersAsync(ClaimsPrincipal user, OrderDesk desk, string? status, string? after, WholeQuery? limit, CancellationToken ct)
    {
        if (Paging.Limit(limit, out var problem) is not { } take) return problem!.ToResult();
        bool? open = status switch { null or "all" => null, "open" => true, "closed" => false, _ => default(bool?) };
        if (status is not (null or "all" or "open" or "closed"))
            return Answers.Result(Failure.Invalid("status", $"must be open, closed or all, got \"{status}\""));
        return ApiResponse.Of(200, await desk.OrdersAsync(user.OrganizationId(), open, after, take, ct)).ToResult();
    }

    private static async Task<IResult> CancelOrderAsync(string id, ClaimsPrincipal user, OrderDesk desk, CancellationToken ct) =>
        Answers.Result(await desk.CancelAsync(user.OrganizationId(), id, ct));

    private static async Task<IResult> ListTradesAsync(ClaimsPrincipal user, OrderDesk desk, string? after, WholeQuery? limit, CancellationToken ct)
    {
        if (Paging.Limit(limit, out var problem) is not { } take) return problem!.ToResult();
        return ApiResponse.Of(200, await desk.TradesAsync(user.OrganizationId(), after, take, ct)).ToResult();
    }

    private static async Task<IResult> ListContractsAsync(ClaimsPrincipal user, OrderDesk desk, string? after, WholeQuery? limit, CancellationToken ct)
    {
        if (Paging.Limit(limit, out var problem) is not { } take) return problem!.ToResult();
        return ApiResponse.Of(200, await desk.ContractsAsync(user.OrganizationId(), after, take, ct)).ToResult();
    }

    private static async Task<IResult> GetContractAsync(string id, ClaimsPrincipal user, OrderDesk desk, CancellationToken ct) =>
        Answers.Result(await desk.ContractAsync(user.OrganizationId(), id, ct));
}
