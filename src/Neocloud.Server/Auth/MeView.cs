using System.Security.Claims;

namespace Neocloud.Server.Auth;

/// <summary>Who a token belongs to: its organization, its id, and its scopes.</summary>
public sealed record MeView(string Organization, string Token, IReadOnlyList<string> Scopes)
{
    public static MeView Of(ClaimsPrincipal user) =>
        new(user.OrganizationId(), user.TokenId(), user.FindAll(Neocloud.Exchange.Access.Scopes.ClaimType).Select(c => c.Value).ToList());
}
