namespace Neocloud.Server.Identity;

/// <summary>How the development identity provider listens, whom it signs in and what its tokens say.</summary>
public sealed record DevelopmentIdentityProviderOptions
{
    /// <summary>The port on 127.0.0.1 to listen on; 0 takes any free one.</summary>
    public int Port { get; init; }

    /// <summary>The one public client (the dashboard, the CLI, the tests) allowed to ask for tokens.</summary>
    public string ClientId { get; init; } = "neocloud-dashboard";

    /// <summary>The <c>aud</c> of the access tokens: the API that accepts them.</summary>
    public string Audience { get; init; } = "neocloud";

    /// <summary>How long an access token lasts.</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The people who can sign in (password <c>demo</c>).</summary>
    public IReadOnlyList<DemoPerson> People { get; init; } = DemoPeople.Default;

    /// <summary>Where it logs (the host's); null logs warnings to the console only.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}
