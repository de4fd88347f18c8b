using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Neocloud.Server.Http;

namespace Neocloud.Server.Auth;

/// <summary>Answers a refused request with a problem document that says what it lacked (the role or scope needed, an unknown organization).</summary>
public sealed class AuthorizationProblems : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Forbidden)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }
        var reasons = authorizeResult.AuthorizationFailure?.FailureReasons.Select(r => r.Message).Distinct().ToList() ?? [];
        var detail = reasons.Count > 0 ? string.Join("; ", reasons) : "the caller may not do this";
        await ApiResponse.Problem(StatusCodes.Status403Forbidden, "Forbidden", detail).ToResult().ExecuteAsync(context);
    }
}
