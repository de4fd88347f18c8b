using System.Security.Claims;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Book;
using Neocloud.Server.Auth;
using Neocloud.Server.Http;

namespace Neocloud.Server.Book;

/// <summary><c>/api/v1/book</c>: the caller's book — its contracts and spot holdings — marked to the forward curves.</summary>
public static class BookApi
{
    public static RouteGroupBuilder MapBookApi(this RouteGroupBuilder api)
    {
        var book = api.MapGroup("/book").RequireAuthorization(Permissions.Read.Name).WithTags("Book");
        book.MapGet("/marks", GetBookMarksAsync).Produces<BookMarksView>()
            .WithSummary("Your book marked to the forward curves: every contract (your side) and spot holding, by SKU and by calendar year");
        return api;
    }

    private static async Task<IResult> GetBookMarksAsync(ClaimsPrincipal user, BookDesk book, CancellationToken ct) =>
        ApiResponse.Of(200, await book.BookAsync(user.OrganizationId(), ct)).ToResult();
}
