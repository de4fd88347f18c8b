using System.Security.Claims;

namespace Neocloud.Server.Auth;

/// <summary>
/// Who is calling: a person signed in through the identity provider (<c>kind</c> "person", its subject, name and roles)
/// or an API token (<c>kind</c> "token", its id and scopes), and the organization either belongs to.
/// </summary>
public sealed record MeView(string Organization, string Kind, string Id, string? Name, string? Token, IReadOnlyList<string> Scopes, IReadOnlyList<string> Roles)
{
    public static MeView Of(ClaimsPrincipal user) => user.IsPerson()
        ? new(user.OrganizationId(), "person", user.FindFirstValue(Exchange.Access.Scopes.PersonClaim)!, user.FindFirstValue(Exchange.Access.Scopes.NameClaim), null, [],
            user.FindAll(Exchange.Access.Scopes.RoleClaim).Select(c => c.Value).ToList())
        : new(user.OrganizationId(), "token", user.TokenId(), null, user.TokenId(), user.FindAll(Exchange.Access.Scopes.ClaimType).Select(c => c.Value).ToList(), []);
}
