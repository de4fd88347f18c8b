using System.Security.Claims;
using Neocloud.Storage;

namespace Neocloud.Server.Auth;

/// <summary>
/// An API token's identity: its claims, and the actor its requests journal, kept with the token's cached lookup
/// (<see cref="Exchange.Access.TokenDirectory"/>) so a request reuses it instead of building its text again.
/// </summary>
public sealed class TokenIdentity : ClaimsIdentity
{
    /// <summary>The identity of a token with <paramref name="claims"/>, acting as <paramref name="actor"/>.</summary>
    public TokenIdentity(IEnumerable<Claim> claims, JournalActor actor)
        : base(claims, TokenAuthenticationHandler.SchemeName) => JournalActor = actor;

    private TokenIdentity(TokenIdentity other)
        : base(other) => JournalActor = other.JournalActor;

    /// <summary>The token as the journal names it: kind <c>token</c>, its id and label (not <see cref="ClaimsIdentity.Actor"/>, a delegation's identity).</summary>
    public JournalActor JournalActor { get; }

    /// <summary>A copy that keeps the actor.</summary>
    public override ClaimsIdentity Clone() => new TokenIdentity(this);
}
