using System.Security.Claims;

namespace Neocloud.Exchange.Access;

/// <summary>
/// What an action needs: an API token passes with <paramref name="Scope"/> (none: no token passes), a person with any
/// of <paramref name="Roles"/>; <paramref name="OperatorOnly"/> lets only the operator organization's people through.
/// </summary>
public sealed record Permission(string Name, string? Scope, IReadOnlyList<string> Roles, bool OperatorOnly = false)
{
    /// <summary>What a caller without it lacks, as a refusal says it.</summary>
    public string Needed
    {
        get
        {
            var roles = string.Join(" or ", Roles.Select(r => $"'{r}'"));
            var people = OperatorOnly ? $"a person of the operator organization with the role {roles}" : $"a person with the role {roles}";
            return Scope is null ? $"{people} (an API token cannot)" : $"{people}, or an API token with the scope '{Scope}'";
        }
    }

    /// <summary>Null when <paramref name="caller"/> (a token's or a person's claims) may do this, else why not.</summary>
    public string? Refusal(ClaimsPrincipal caller)
    {
        if (caller.FindFirst(Scopes.PersonClaim) is null)
            return Scope is { } scope && caller.HasClaim(Scopes.ClaimType, scope) ? null : $"this needs {Needed}";
        if (caller.FindFirst(Scopes.UnknownOrganizationClaim) is { } unknown)
            return $"organization '{unknown.Value}' (the sign-in's organization claim) is not an organization of this exchange";
        if (OperatorOnly && caller.FindFirst(Scopes.OrganizationClaim)?.Value != Bootstrap.AdminOrganization) return $"this needs {Needed}";
        foreach (var role in Roles)
        {
            if (caller.HasClaim(Scopes.RoleClaim, role)) return null;
        }
        return $"this needs {Needed}";
    }
}
