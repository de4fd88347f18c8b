using System.Security.Claims;
using Neocloud.Exchange.Access;
using Neocloud.Storage;

namespace Neocloud.Server.Auth;

/// <summary>Who is calling: the organization and the token or person behind an authenticated request.</summary>
public static class CallerExtensions
{
    /// <summary>The calling organization's id.</summary>
    public static string OrganizationId(this ClaimsPrincipal user) =>
        user.FindFirstValue(Scopes.OrganizationClaim) ?? throw new InvalidOperationException("request is not authenticated");

    /// <summary>True when a person signed in through the identity provider is calling (not an API token).</summary>
    public static bool IsPerson(this ClaimsPrincipal user) => user.FindFirst(Scopes.PersonClaim) is not null;

    /// <summary>Who the caller is, for rate limits and long requests: <c>token:&lt;id&gt;</c> or <c>person:&lt;sub&gt;</c>.</summary>
    public static string CallerKey(this ClaimsPrincipal user) =>
        user.FindFirstValue(Scopes.TokenClaim) is { } token ? "token:" + token : "person:" + user.FindFirstValue(Scopes.PersonClaim);

    /// <summary>
    /// Who the journal names for the caller's requests: a token (its id and label, made once per token lookup), a person
    /// (its subject and name, or the subject when it has no name); null when no one is signed in.
    /// </summary>
    public static JournalActor? Actor(this ClaimsPrincipal user)
    {
        if (user.Identity is TokenIdentity token) return token.JournalActor;
        if (user.FindFirstValue(Scopes.PersonClaim) is { } person)
            return new JournalActor(JournalActor.PersonKind, person, user.FindFirstValue(Scopes.NameClaim) ?? person);
        return user.FindFirstValue(Scopes.TokenClaim) is { } id ? new JournalActor(JournalActor.TokenKind, id, user.FindFirstValue(Scopes.NameClaim) ?? id) : null;
    }

    /// <summary>The calling token's id.</summary>
    public static string TokenId(this ClaimsPrincipal user) =>
        user.FindFirstValue(Scopes.TokenClaim) ?? throw new InvalidOperationException("request is not authenticated");

    /// <summary>The calling organization's own rate limit (requests a second for all its tokens), or null when it has none.</summary>
    public static long? OrganizationRateLimit(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(Scopes.RateLimitClaim), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var limit)
            ? limit
            : null;

    /// <summary>When the calling token (or person's sign-in) expires (Unix milliseconds), or null when it does not.</summary>
    public static long? TokenExpiresMs(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(Scopes.ExpiresClaim), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms)
            ? ms
            : null;

    /// <summary>
    /// Holds a long request of the calling token (an event stream, a long-poll) for as long as the token works: the hold
    /// ends when the request does or when the token is revoked or expires.
    /// </summary>
    public static TokenHold HoldToken(this ClaimsPrincipal user, TokenDirectory tokens, CancellationToken request) =>
        user.IsPerson() ? tokens.HoldSignIn(user.TokenExpiresMs(), request) : tokens.Hold(user.TokenId(), user.TokenExpiresMs(), request);
}
