namespace Neocloud.Server.Auth;

/// <summary>
/// The OpenID Connect identity provider people sign in with (<c>serve --oidc-authority … --oidc-audience …</c>): the API
/// takes its JWT access tokens, the dashboard signs people in through it (authorization code with PKCE).
/// </summary>
/// <param name="Authority">The issuer; https, or http on a loopback address only.</param>
/// <param name="Audience">The <c>aud</c> the API's access tokens must carry.</param>
/// <param name="ClientId">The dashboard's client id at the provider.</param>
/// <param name="ClientSecret">The dashboard's client secret, for a provider that wants one (a confidential web client); null for a public client.</param>
/// <param name="OrganizationClaim">The claim that names the person's organization.</param>
/// <param name="RolesClaim">The claim that lists the person's roles.</param>
public sealed record OidcSettings(Uri Authority, string Audience, string ClientId = OidcSettings.DefaultClientId, string? ClientSecret = null,
    string OrganizationClaim = "org", string RolesClaim = "roles")
{
    /// <summary>The dashboard's client id unless told otherwise.</summary>
    public const string DefaultClientId = "neocloud-dashboard";

    /// <summary>Why the authority cannot be used (http on a host that is not loopback, not absolute), or null.</summary>
    public string? Refusal => !Authority.IsAbsoluteUri
        ? "--oidc-authority must be an absolute URL"
        : Authority.Scheme == Uri.UriSchemeHttps || (Authority.Scheme == Uri.UriSchemeHttp && Authority.IsLoopback)
            ? null
            : $"--oidc-authority must be https (http only on a loopback address), not {Authority}";
}
