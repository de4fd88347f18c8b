using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Neocloud.Exchange.Access;
using Neocloud.Server.Http;

namespace Neocloud.Server.Auth;

/// <summary>
/// How callers prove who they are: API tokens always; with an identity provider (<see cref="OidcSettings"/>) also people,
/// by the provider's JWT access tokens on the API (ASP.NET Core's JwtBearer handler) and by an OpenID Connect sign-in
/// (authorization code with PKCE) whose session cookie the dashboard alone reads. A request's scheme is picked by what
/// it carries, so the token path pays one header check.
/// </summary>
public static class PeopleAuthentication
{
    /// <summary>Picks the scheme below by what the request carries.</summary>
    public const string CallerScheme = "Caller";

    /// <summary>A person's JWT access token from the identity provider.</summary>
    public const string JwtScheme = "Person";

    /// <summary>The dashboard's session cookie, made by the OpenID Connect sign-in.</summary>
    public const string CookieScheme = "Dashboard";

    /// <summary>The OpenID Connect sign-in.</summary>
    public const string OidcScheme = "OpenIdConnect";

    /// <summary>The only signature algorithms a person's token may use: the issuer's public keys, never HMAC or none.</summary>
    public static readonly IReadOnlyList<string> Algorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    /// <summary>Registers API tokens, and with <paramref name="oidc"/> people too.</summary>
    public static void AddExchangeAuthentication(this IServiceCollection services, OidcSettings? oidc)
    {
        if (oidc is null)
        {
            services.AddAuthentication(TokenAuthenticationHandler.SchemeName)
                .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null);
            return;
        }
        if (oidc.Refusal is { } refusal) throw new ArgumentException(refusal);
        var https = oidc.Authority.Scheme == Uri.UriSchemeHttps;
        services.AddAuthentication(CallerScheme)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null)
            .AddPolicyScheme(CallerScheme, "API token, person or dashboard session", policy => policy.ForwardDefaultSelector = SchemeOf)
            .AddJwtBearer(JwtScheme, jwt =>
            {
                jwt.Authority = oidc.Authority.ToString();
                jwt.Audience = oidc.Audience;
                jwt.RequireHttpsMetadata = https;
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters.ValidAlgorithms = Algorithms;
                jwt.TokenValidationParameters.RequireSignedTokens = true;
                jwt.TokenValidationParameters.RequireExpirationTime = true;
                jwt.TokenValidationParameters.ClockSkew = TimeSpan.FromMinutes(1);
                jwt.Events = new JwtBearerEvents
                {
                    OnTokenValidated = context => SignInPersonAsync(context.HttpContext, context.Principal!, oidc, JwtScheme, person => context.Principal = person, context.Fail),
                    OnAuthenticationFailed = context =>
                    {
                        context.Fail(Describe(context.Exception, context.Request.Headers.Authorization.ToString(), oidc));
                        return Task.CompletedTask;
                    },
                    OnChallenge = async context =>
                    {
                        context.HandleResponse();
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                        context.Response.Headers.WWWAuthenticate = "Bearer";
                        var detail = context.AuthenticateFailure?.Message ?? "this endpoint needs a person's access token or an API token";
                        await ApiResponse.Problem(StatusCodes.Status401Unauthorized, "Unauthorized", detail).ToResult().ExecuteAsync(context.HttpContext);
                    },
                };
            })
            .AddCookie(CookieScheme, cookie =>
            {
                cookie.Cookie.Name = "neocloud.session";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = TimeSpan.FromHours(12);
                cookie.SlidingExpiration = false;
            })
            .AddOpenIdConnect(OidcScheme, sign =>
            {
                sign.Authority = oidc.Authority.ToString();
                sign.ClientId = oidc.ClientId;
                sign.ClientSecret = oidc.ClientSecret;
                sign.ResponseType = OpenIdConnectResponseType.Code;
                sign.UsePkce = true;
                sign.RequireHttpsMetadata = https;
                sign.SignInScheme = CookieScheme;
                sign.SignOutScheme = CookieScheme;
                sign.MapInboundClaims = false;
                sign.SaveTokens = true;
                sign.GetClaimsFromUserInfoEndpoint = false;
                sign.Scope.Clear();
                foreach (var scope in new[] { "openid", "profile", "email" }) sign.Scope.Add(scope);
                // The provider's answer comes back as a top-level GET, which carries Lax cookies (over http on loopback too).
                sign.CorrelationCookie.SameSite = SameSiteMode.Lax;
                sign.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                sign.NonceCookie.SameSite = SameSiteMode.Lax;
                sign.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                sign.TokenValidationParameters.ValidAlgorithms = Algorithms;
                sign.TokenValidationParameters.NameClaimType = Scopes.NameClaim;
                sign.TokenValidationParameters.RoleClaimType = Scopes.RoleClaim;
                sign.Events = new OpenIdConnectEvents
                {
                    OnTokenValidated = context => SignInPersonAsync(context.HttpContext, context.Principal!, oidc, CookieScheme, person => context.Principal = person, context.Fail),
                    OnRemoteFailure = context =>
                    {
                        context.HandleResponse();
                        context.Response.Redirect("/desk?signin=failed&why=" + Uri.EscapeDataString(context.Failure?.Message ?? "the sign-in failed"));
                        return Task.CompletedTask;
                    },
                };
            });
    }

    /// <summary>Maps the dashboard's sign-in and sign-out (when people can sign in).</summary>
    public static void MapPeopleSignIn(this IEndpointRouteBuilder app)
    {
        app.MapGet("/signin", (string? returnUrl) =>
                Results.Challenge(new AuthenticationProperties { RedirectUri = LocalPath(returnUrl) }, [OidcScheme]))
            .AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/signout", () => Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [CookieScheme, OidcScheme]))
            .AllowAnonymous().ExcludeFromDescription();
    }

    /// <summary>Where to go after signing in: a path on this site only (never another host), the desk by default.</summary>
    private static string LocalPath(string? returnUrl) =>
        returnUrl is { Length: > 0 } && returnUrl[0] == '/' && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            ? returnUrl
            : "/desk";

    /// <summary>
    /// A bearer that is not an API token (<c>nc_…</c>) but a JWT (three dot-separated parts) is a person's; a request
    /// without one reads the dashboard's cookie, except on the API, which never takes a cookie (no cross-site requests).
    /// </summary>
    private static string SchemeOf(HttpContext context)
    {
        var header = context.Request.Headers.Authorization;
        if (header.Count == 0) return context.Request.Path.StartsWithSegments("/api") ? TokenAuthenticationHandler.SchemeName : CookieScheme;
        var value = header[0].AsSpan();
        const string bearer = "Bearer ";
        if (value.Length > bearer.Length && value.StartsWith(bearer, StringComparison.OrdinalIgnoreCase))
        {
            var credential = value[bearer.Length..].Trim();
            if (!credential.StartsWith("nc_", StringComparison.Ordinal) && credential.Count('.') == 2) return JwtScheme;
        }
        return TokenAuthenticationHandler.SchemeName;
    }

    /// <summary>Replaces a validated token's principal (an access token's, an ID token's) with the person it names, or fails saying why it names no one.</summary>
    private static async Task SignInPersonAsync(HttpContext http, ClaimsPrincipal issued, OidcSettings oidc, string scheme, Action<ClaimsPrincipal> accept, Action<string> fail)
    {
        var (person, why) = await PersonAsync(issued, oidc, scheme, http);
        if (person is null) fail(why!);
        else accept(person);
    }

    /// <summary>
    /// The person a validated token (an access token or an ID token) names, in the exchange's claims: the subject, a name,
    /// the organization (marked unknown when the exchange has none of that id: every action then answers 403) and the
    /// roles; or why it names no one.
    /// </summary>
    internal static async Task<(ClaimsPrincipal? Person, string? Refusal)> PersonAsync(ClaimsPrincipal issued, OidcSettings oidc, string scheme, HttpContext http)
    {
        if (issued.FindFirstValue("sub") is not { Length: > 0 } subject) return (null, "the token has no 'sub' claim");
        if (issued.FindFirstValue(oidc.OrganizationClaim) is not { Length: > 0 } organization)
            return (null, $"the token has no '{oidc.OrganizationClaim}' claim naming the person's organization");
        var name = issued.FindFirstValue("name") ?? issued.FindFirstValue("email") ?? issued.FindFirstValue("preferred_username") ?? subject;
        var claims = new List<Claim>
        {
            new(Scopes.OrganizationClaim, organization),
            new(Scopes.PersonClaim, subject),
            new(Scopes.NameClaim, name),
        };
        foreach (var role in RolesOf(issued, oidc.RolesClaim)) claims.Add(new Claim(Scopes.RoleClaim, role));
        if (long.TryParse(issued.FindFirstValue("exp"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var exp))
            claims.Add(new Claim(Scopes.ExpiresClaim, (exp * 1000).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var tokens = http.RequestServices.GetRequiredService<TokenDirectory>();
        if (!await tokens.KnowsOrganizationAsync(organization, http.RequestAborted))
            claims.Add(new Claim(Scopes.UnknownOrganizationClaim, organization));
        else if (await tokens.RateLimitAsync(organization, http.RequestAborted) is { } limit)
            claims.Add(new Claim(Scopes.RateLimitClaim, limit.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return (new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, Scopes.NameClaim, Scopes.RoleClaim)), null);
    }

    /// <summary>
    /// The roles a roles claim lists, however the provider writes them: one claim per role (a JSON array, as Entra ID and
    /// Keycloak's mappers do), an array's JSON text, or one space- or comma-separated string (as some Okta setups do).
    /// </summary>
    internal static IEnumerable<string> RolesOf(ClaimsPrincipal issued, string claim)
    {
        var roles = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var value in issued.FindAll(claim).Select(c => c.Value))
        {
            if (value.StartsWith('['))
            {
                try
                {
                    foreach (var item in JsonSerializer.Deserialize<string[]>(value) ?? []) roles.Add(item);
                }
                catch (JsonException)
                {
                    // Not an array after all: no roles from it.
                }
                continue;
            }
            foreach (var item in value.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) roles.Add(item);
        }
        return roles;
    }

    /// <summary>Why a person's token was refused, in words: expired, not yet valid, another issuer or audience, unsigned, HMAC, a signature that does not verify.</summary>
    private static string Describe(Exception failure, string authorization, OidcSettings oidc)
    {
        var algorithm = "";
        try
        {
            algorithm = new JsonWebToken(authorization["Bearer ".Length..].Trim()).Alg ?? "";
        }
        catch (ArgumentException)
        {
            // Not a JWT at all: the handler's own failure says so.
        }
        if (algorithm.Equals("none", StringComparison.OrdinalIgnoreCase) || algorithm.Length == 0 && failure is SecurityTokenInvalidSignatureException)
            return "the token is unsigned (alg 'none'); only tokens signed with the identity provider's keys are accepted";
        if (algorithm.StartsWith("HS", StringComparison.OrdinalIgnoreCase))
            return $"the token is signed with HMAC ('{algorithm}'); only tokens signed with the identity provider's public keys are accepted";
        return failure switch
        {
            SecurityTokenExpiredException expired => $"the token expired at {expired.Expires:yyyy-MM-ddTHH:mm:ssZ}",
            SecurityTokenNotYetValidException early => $"the token is not valid before {early.NotBefore:yyyy-MM-ddTHH:mm:ssZ}",
            SecurityTokenInvalidAudienceException => $"the token is not for this exchange (its audience is not '{oidc.Audience}')",
            SecurityTokenInvalidIssuerException => $"the token was not issued by {oidc.Authority}",
            SecurityTokenInvalidAlgorithmException => $"the token's signing algorithm '{algorithm}' is not accepted",
            SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the token's signature does not verify with the identity provider's keys",
            SecurityTokenMalformedException => "the token is not a well-formed JWT",
            _ => "the token was refused: " + failure.Message,
        };
    }
}
