using Microsoft.AspNetCore.Authorization;
using Neocloud.Exchange.Access;

namespace Neocloud.Server.Auth;

/// <summary>Each <see cref="Permission"/> as an authorization policy of its name, decided by <see cref="Permission.Refusal"/>.</summary>
public static class PermissionPolicies
{
    /// <summary>Adds each permission as a policy of its name.</summary>
    public static AuthorizationBuilder AddPermissions(this AuthorizationBuilder authorization)
    {
        foreach (var permission in Permissions.All)
            authorization.AddPolicy(permission.Name, policy => policy.RequireAuthenticatedUser().AddRequirements(new Requirement(permission)));
        return authorization;
    }

    /// <summary>The policy's one requirement: the permission.</summary>
    public sealed record Requirement(Permission Permission) : IAuthorizationRequirement;

    /// <summary>Decides a requirement; a refusal carries the reason the 403 gives.</summary>
    public sealed class Handler : AuthorizationHandler<Requirement>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, Requirement requirement)
        {
            if (requirement.Permission.Refusal(context.User) is { } refusal) context.Fail(new AuthorizationFailureReason(this, refusal));
            else context.Succeed(requirement);
            return Task.CompletedTask;
        }
    }
}
