using System.Security.Claims;
using Neocloud.Exchange.Access;

namespace Neocloud.Server.Auth;

/// <summary>Who is calling: the organization and token behind an authenticated request.</summary>
public static class CallerExtensions
{
    /// <summary>The calling organization's id.</summary>
    public static string OrganizationId(this ClaimsPrincipal user) =>
        user.FindFirstValue(Scopes.OrganizationClaim) ?? throw new InvalidOperationException("request is not authenticated");

    /// <summary>The calling token's id.</summary>
    public static string TokenId(this ClaimsPrincipal user) =>
        user.FindFirstValue(Scopes.TokenClaim) ?? throw new InvalidOperationException("request is not authenticated");
}
