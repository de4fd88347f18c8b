using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Neocloud.Server.Identity;

/// <summary>
/// A development OpenID Connect identity provider (<c>serve --demo</c>, the tests): OpenIddict in degraded mode (no
/// database) in its own Kestrel on 127.0.0.1, issuing RS256 JWT access tokens with <c>sub</c>, <c>name</c>,
/// <c>email</c>, <c>org</c>, <c>roles</c> (a JSON array) and <c>aud</c> for the demo people (password <c>demo</c>).
/// One public client; authorization code with PKCE to loopback redirect URIs, refresh tokens, and the password grant.
/// </summary>
public sealed partial class DevelopmentIdentityProvider : IAsyncDisposable
{
    /// <summary>The access token claim naming the person's roles (a JSON array of strings).</summary>
    public const string RolesClaim = "roles";

    // The organization claim the server reads (issue #31): the same name as an API token's.
    private const string OrganizationClaim = Neocloud.Exchange.Access.Scopes.OrganizationClaim;

    private const string AuthorizePath = "/connect/authorize";
    private const string TokenPath = "/connect/token";
    private const string LogoutPath = "/connect/logout";
    private const string UserInfoPath = "/connect/userinfo";
    // The provider's own sign-in cookie (a second authorization request skips the page); browsers share cookies across
    // the ports of a host, so the name says whose it is.
    private const string CookieScheme = "neocloud-idp";

    private readonly WebApplication _app;
    private readonly HttpClient _http;
    private readonly Dictionary<string, DemoPerson> _byUsername;
    private readonly Dictionary<string, DemoPerson> _bySubject;
    private int _disposed;

    private DevelopmentIdentityProvider(WebApplication app, Uri issuer, DevelopmentIdentityProviderOptions options, SigningCredentials signing)
    {
        _app = app;
        Issuer = issuer;
        Audience = options.Audience;
        ClientId = options.ClientId;
        People = options.People;
        SigningCredentials = signing;
        _byUsername = options.People.ToDictionary(p => p.Username, StringComparer.OrdinalIgnoreCase);
        _bySubject = options.People.ToDictionary(p => p.Subject, StringComparer.Ordinal);
        _http = new HttpClient { BaseAddress = issuer, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The issuer, <c>http://127.0.0.1:&lt;port&gt;/</c>; its discovery document is at <c>.well-known/openid-configuration</c>.</summary>
    public Uri Issuer { get; }

    /// <summary>The <c>aud</c> of the access tokens.</summary>
    public string Audience { get; }

    /// <summary>The one public client's id.</summary>
    public string ClientId { get; }

    /// <summary>The people who can sign in (password <c>demo</c>).</summary>
    public IReadOnlyList<DemoPerson> People { get; }

    /// <summary>The RSA key (RS256) the tokens are signed with, so a test can make a token the provider could have made.</summary>
    public SigningCredentials SigningCredentials { get; }

    /// <summary>The token endpoint.</summary>
    public Uri TokenEndpoint => new(Issuer, TokenPath.TrimStart('/'));

    /// <summary>Starts the provider on 127.0.0.1 (the options' port, 0 for any free one) and returns once it listens.</summary>
    public static async Task<DevelopmentIdentityProvider> StartAsync(DevelopmentIdentityProviderOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        Check(options);

        var signingKey = NewRsaKey();
        var signing = new SigningCredentials(signingKey, SecurityAlgorithms.RsaSha256);
        var encryptionKey = NewRsaKey();
        // The issuer names the port, known only once Kestrel listens (port 0); OpenIddict reads it through its options.
        var issuer = new StrongBox<Uri?>();
        DevelopmentIdentityProvider? provider = null;
        DevelopmentIdentityProvider Provider() => provider ?? throw new InvalidOperationException("The identity provider is not started yet.");

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(DevelopmentIdentityProvider).Assembly.GetName().Name,
        });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, options.Port);
        });
        if (options.LoggerFactory is { } loggerFactory)
        {
            builder.Services.AddSingleton(loggerFactory);
        }
        else
        {
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        }
        // Embedded in another host (the server): no console lifetime of its own catching Ctrl+C.
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.Services.AddRouting();
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddAuthentication(CookieScheme).AddCookie(CookieScheme, cookie =>
        {
            cookie.Cookie.Name = "neocloud-idp";
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.None;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
        });

        builder.Services.AddOpenIddict().AddServer(server =>
        {
            server.Configure(o => o.Issuer = issuer.Value);
            server.SetAuthorizationEndpointUris(AuthorizePath.TrimStart('/'))
                .SetTokenEndpointUris(TokenPath.TrimStart('/'))
                .SetEndSessionEndpointUris(LogoutPath.TrimStart('/'))
                .SetUserInfoEndpointUris(UserInfoPath.TrimStart('/'));
            server.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange()
                .AllowRefreshTokenFlow()
                .AllowPasswordFlow();
            // S256 only: a plain code challenge is the verifier itself.
            server.Configure(o => o.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));
            server.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.Roles, Scopes.OfflineAccess);
            server.RegisterClaims(Claims.Subject, Claims.Name, Claims.Email, Claims.PreferredUsername, OrganizationClaim, RolesClaim);
            server.AddSigningCredentials(signing)
                .AddEncryptionKey(encryptionKey)
                .DisableAccessTokenEncryption();
            server.SetAccessTokenLifetime(options.AccessTokenLifetime);
            // No database: codes and refresh tokens are self-contained (encrypted), and the client is checked by the handlers below.
            server.EnableDegradedMode();
            server.UseAspNetCore()
                .DisableTransportSecurityRequirement()
                .EnableAuthorizationEndpointPassthrough()
                .EnableEndSessionEndpointPassthrough();

            server.AddEventHandler<ValidateAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                Provider().ValidateAuthorization(context);
                return default;
            }));
            server.AddEventHandler<ValidateTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                Provider().ValidateToken(context);
                return default;
            }));
            server.AddEventHandler<HandleTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                Provider().HandleToken(context);
                return default;
            }));
            server.AddEventHandler<ValidateEndSessionRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                Provider().ValidateEndSession(context);
                return default;
            }));
            server.AddEventHandler<HandleUserInfoRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                Provider().HandleUserInfo(context);
                return default;
            }));
        });

        var app = builder.Build();
        app.UseAuthentication();
        Func<HttpContext, Task<IResult>> authorize = http => Provider().AuthorizeAsync(http);
        Func<HttpContext, Task<IResult>> logout = http => Provider().LogoutAsync(http);
        app.MapMethods(AuthorizePath, [HttpMethods.Get, HttpMethods.Post], authorize);
        app.MapMethods(LogoutPath, [HttpMethods.Get, HttpMethods.Post], logout);

        try
        {
            await app.StartAsync(ct);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            issuer.Value = new Uri($"http://127.0.0.1:{new Uri(address).Port}/");
            // Anything that read OpenIddict's options before the port was known read them without the issuer: read them again.
            app.Services.GetRequiredService<IOptionsMonitorCache<OpenIddictServerOptions>>().TryRemove(Options.DefaultName);
            provider = new DevelopmentIdentityProvider(app, issuer.Value, options, signing);
            Log.Started(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<DevelopmentIdentityProvider>(), issuer.Value, options.People.Count);
            return provider;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Asks the provider's own token endpoint for an access token with the password grant (as the CLI and the tests
    /// do) and returns it; throws <see cref="HttpRequestException"/> with the status when refused.
    /// </summary>
    public async Task<string> PasswordTokenAsync(string username, string password = DemoPeople.Password, CancellationToken ct = default)
    {
        using var body = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [Parameters.GrantType] = GrantTypes.Password,
            [Parameters.ClientId] = ClientId,
            [Parameters.Username] = username,
            [Parameters.Password] = password,
            [Parameters.Scope] = Scopes.OpenId,
        });
        using var response = await _http.PostAsync(TokenPath.TrimStart('/'), body, ct);
        if (!response.IsSuccessStatusCode)
        {
            var problem = await response.Content.ReadAsStringAsync(ct);
            throw new HttpRequestException($"The password grant for {username} was refused ({(int)response.StatusCode}): {problem}", null, response.StatusCode);
        }
        var tokens = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        return tokens.GetProperty(Parameters.AccessToken).GetString()
            ?? throw new HttpRequestException("The token endpoint answered without an access token.");
    }

    /// <summary>Stops listening.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static void Check(DevelopmentIdentityProviderOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ClientId)) throw new ArgumentException("The client id is empty.", nameof(options));
        if (string.IsNullOrWhiteSpace(options.Audience)) throw new ArgumentException("The audience is empty.", nameof(options));
        if (options.AccessTokenLifetime <= TimeSpan.Zero) throw new ArgumentException("The access token lifetime is not positive.", nameof(options));
        if (options.Port is < 0 or > 65535) throw new ArgumentException($"The port {options.Port} is not a port.", nameof(options));
        if (options.People.Select(p => p.Username).Distinct(StringComparer.OrdinalIgnoreCase).Count() != options.People.Count)
            throw new ArgumentException("Two people share a username.", nameof(options));
        if (options.People.Select(p => p.Subject).Distinct(StringComparer.Ordinal).Count() != options.People.Count)
            throw new ArgumentException("Two people share a subject.", nameof(options));
    }

    private static RsaSecurityKey NewRsaKey()
    {
        var key = new RsaSecurityKey(RSA.Create(2048));
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return key;
    }

    private DemoPerson? FindByUsername(string? username) =>
        username is not null && _byUsername.TryGetValue(username.Trim(), out var person) ? person : null;

    private DemoPerson? FindBySubject(string? subject) =>
        subject is not null && _bySubject.TryGetValue(subject, out var person) ? person : null;

    private DemoPerson? SignIn(string? username, string? password)
    {
        var person = FindByUsername(username);
        var matches = CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(password ?? ""), System.Text.Encoding.UTF8.GetBytes(DemoPeople.Password));
        return person is not null && matches ? person : null;
    }

    private const string SignedOutPage = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Signed out · Neocloud Exchange (development)</title></head>
        <body><main><h1 id="signed-out">You are signed out.</h1></main></body></html>
        """;

    /// <summary>A host lifetime that waits for nothing and catches no signal: the embedding process owns those.</summary>
    private sealed class EmbeddedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Development identity provider at {Issuer} with {People} demo people")]
        public static partial void Started(ILogger logger, Uri issuer, int people);
    }
}
