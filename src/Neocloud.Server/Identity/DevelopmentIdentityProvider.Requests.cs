using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Neocloud.Server.Identity;

/// <summary>The provider's requests: the checks OpenIddict's degraded mode leaves to the host, and the sign-in itself.</summary>
public sealed partial class DevelopmentIdentityProvider
{
    // Degraded mode knows no client applications: the one public client and its loopback redirect URIs are checked here.
    private void ValidateAuthorization(ValidateAuthorizationRequestContext context)
    {
        if (!string.Equals(context.ClientId, ClientId, StringComparison.Ordinal))
        {
            context.Reject(Errors.InvalidClient, $"The client '{context.ClientId}' is not known to this identity provider.");
        }
        else if (!IsLoopback(context.RedirectUri))
        {
            context.Reject(Errors.InvalidRequest, "The redirect_uri must be an http(s) address on a loopback host (127.0.0.1, localhost, ::1).");
        }
    }

    private void ValidateToken(ValidateTokenRequestContext context)
    {
        if (!string.Equals(context.ClientId, ClientId, StringComparison.Ordinal))
        {
            context.Reject(Errors.InvalidClient, $"The client '{context.ClientId}' is not known to this identity provider.");
        }
        else if (!string.IsNullOrEmpty(context.Request.ClientSecret))
        {
            context.Reject(Errors.InvalidClient, "The client is public: it has no secret to send.");
        }
    }

    private void ValidateEndSession(ValidateEndSessionRequestContext context)
    {
        if (context.ClientId is not null && !string.Equals(context.ClientId, ClientId, StringComparison.Ordinal))
        {
            context.Reject(Errors.InvalidClient, $"The client '{context.ClientId}' is not known to this identity provider.");
        }
        else if (context.PostLogoutRedirectUri is not null && !IsLoopback(context.PostLogoutRedirectUri))
        {
            context.Reject(Errors.InvalidRequest, "The post_logout_redirect_uri must be an http(s) address on a loopback host (127.0.0.1, localhost, ::1).");
        }
    }

    private void HandleToken(HandleTokenRequestContext context)
    {
        if (context.Request.IsPasswordGrantType())
        {
            var person = SignIn(context.Request.Username, context.Request.Password);
            if (person is null)
            {
                context.Reject(Errors.InvalidGrant, SignInPage.WrongCredentials);
                return;
            }
            context.Principal = Principal(person, context.Request.GetScopes());
        }
        else if (context.Principal is { } granted)
        {
            // A code or refresh token names the person; the claims are the person's as of now (and the person must still exist).
            var person = FindBySubject(granted.GetClaim(Claims.Subject));
            if (person is null)
            {
                context.Reject(Errors.InvalidGrant, "The person this grant was made for is no longer known.");
                return;
            }
            context.Principal = Refreshed(granted, person);
        }
    }

    private void HandleUserInfo(HandleUserInfoRequestContext context)
    {
        var person = FindBySubject(context.AccessTokenPrincipal?.GetClaim(Claims.Subject));
        if (person is null)
        {
            context.Reject(Errors.InvalidToken, "The person this token was made for is no longer known.");
            return;
        }
        context.Claims[Claims.Name] = person.Name;
        context.Claims[Claims.Email] = person.Email;
        context.Claims[Claims.PreferredUsername] = person.Username;
        context.Claims[OrganizationClaim] = person.Organization;
        context.Claims[RolesClaim] = JsonSerializer.SerializeToElement(person.Roles);
    }

    private async Task<IResult> AuthorizeAsync(HttpContext http)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The authorization endpoint was reached without an OpenID Connect request.");

        DemoPerson? person = null;
        string? error = null;
        string? typed = null;
        if (HttpMethods.IsPost(http.Request.Method) && http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            if (form.TryGetValue(SignInPage.PersonField, out var chosen) && !string.IsNullOrEmpty(chosen))
            {
                person = FindByUsername(chosen);
                error = person is null ? SignInPage.WrongCredentials : null;
            }
            else if (form.TryGetValue(SignInPage.UsernameField, out var username))
            {
                typed = username;
                person = SignIn(username, form[SignInPage.PasswordField]);
                error = person is null ? SignInPage.WrongCredentials : null;
            }
        }

        // Someone signed in here before (this provider's cookie), unless the client asks for a fresh sign-in.
        if (person is null && error is null && !request.HasPromptValue(PromptValues.Login))
        {
            var cookie = await http.AuthenticateAsync(CookieScheme);
            if (cookie.Succeeded) person = FindBySubject(cookie.Principal?.FindFirstValue(Claims.Subject));
        }

        if (person is not null)
        {
            var remembered = new ClaimsIdentity([new Claim(Claims.Subject, person.Subject), new Claim(Claims.Name, person.Name)], CookieScheme);
            await http.SignInAsync(CookieScheme, new ClaimsPrincipal(remembered));
            return Results.SignIn(Principal(person, request.GetScopes()), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        if (error is null && request.HasPromptValue(PromptValues.None))
        {
            var properties = new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.LoginRequired,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "No one is signed in.",
            });
            return Results.Forbid(properties, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var parameters = new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in request.GetParameters())
        {
            if (SignInPage.IsOwnField(name)) continue;
            foreach (var item in (StringValues)value) if (item is not null) parameters.Add(new(name, item));
        }
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
        var page = SignInPage.Render(AuthorizePath, parameters, People, error, typed);
        return Results.Content(page, "text/html; charset=utf-8", statusCode: (int)HttpStatusCode.OK);
    }

    private async Task<IResult> LogoutAsync(HttpContext http)
    {
        var request = http.GetOpenIddictServerRequest();
        await http.SignOutAsync(CookieScheme);
        // OpenIddict redirects to the validated post_logout_redirect_uri (with the state); without one, a page says so.
        if (string.IsNullOrEmpty(request?.PostLogoutRedirectUri)) return Results.Content(SignedOutPage, "text/html; charset=utf-8");
        return Results.SignOut(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    // The person's claims: sub and everything else in the access token; name, email, org and roles also in the id token.
    private ClaimsPrincipal Principal(DemoPerson person, IEnumerable<string> scopes)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, person.Subject);
        AddPersonClaims(identity, person);
        identity.SetScopes(scopes);
        identity.SetAudiences(Audience);
        identity.SetDestinations(DestinationsOf);
        return new ClaimsPrincipal(identity);
    }

    // A principal read back from a code or refresh token keeps OpenIddict's own claims (the nonce, the scopes, the
    // presenter), and gets the person's claims afresh: a JSON array claim read back comes apart into one claim per role.
    private static ClaimsPrincipal Refreshed(ClaimsPrincipal granted, DemoPerson person)
    {
        var identity = new ClaimsIdentity(granted.Claims, TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        foreach (var type in PersonClaimTypes) identity.RemoveClaims(type);
        AddPersonClaims(identity, person);
        identity.SetDestinations(DestinationsOf);
        return new ClaimsPrincipal(identity);
    }

    private static readonly string[] PersonClaimTypes = [Claims.Name, Claims.Email, Claims.PreferredUsername, OrganizationClaim, RolesClaim];

    private static void AddPersonClaims(ClaimsIdentity identity, DemoPerson person)
    {
        identity.SetClaim(Claims.Name, person.Name);
        identity.SetClaim(Claims.Email, person.Email);
        identity.SetClaim(Claims.PreferredUsername, person.Username);
        identity.SetClaim(OrganizationClaim, person.Organization);
        // One claim holding a JSON array, so the token says "roles": [...] even for a single role (OpenIddict's own
        // helpers refuse array values and would make one claim per role, which a JWT writes as a string when alone).
        identity.AddClaim(new Claim(RolesClaim, JsonSerializer.Serialize(person.Roles), JsonClaimValueTypes.JsonArray));
    }

    private static IEnumerable<string> DestinationsOf(Claim claim) => claim.Type switch
    {
        Claims.Name or Claims.Email or Claims.PreferredUsername or OrganizationClaim or RolesClaim =>
            [Destinations.AccessToken, Destinations.IdentityToken],
        _ => [Destinations.AccessToken],
    };

    /// <summary>Whether a redirect URI is an absolute http(s) address on a loopback host: 127.0.0.0/8, localhost or ::1.</summary>
    internal static bool IsLoopback(string? uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed)) return false;
        if (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps) return false;
        if (!string.IsNullOrEmpty(parsed.Fragment) || !string.IsNullOrEmpty(parsed.UserInfo)) return false;
        var host = parsed.DnsSafeHost;
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }
}
