using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Neocloud.Server.Identity;

namespace Neocloud.Server.Tests;

/// <summary>
/// The development identity provider (issue #31) over real HTTP on 127.0.0.1: its discovery document and keys, the
/// password grant, the authorization code flow with PKCE through its sign-in page, refresh, sign-out, and what it refuses
/// (a wrong password, an unknown client, a redirect URI off the loopback, a code without its verifier).
/// </summary>
public sealed partial class DevelopmentIdentityProviderTests
{
    private const string Callback = "http://127.0.0.1:9/signin-oidc";

    private static Task<DevelopmentIdentityProvider> StartAsync(DevelopmentIdentityProviderOptions? options = null) =>
        DevelopmentIdentityProvider.StartAsync(options ?? new DevelopmentIdentityProviderOptions(), CancellationToken.None);

    // Redirects are the protocol's answers here: the tests read them instead of following them.
    private static HttpClient Browser(DevelopmentIdentityProvider idp, CookieContainer? cookies = null) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = cookies is not null, CookieContainer = cookies ?? new CookieContainer() })
        {
            BaseAddress = idp.Issuer,
            Timeout = TimeSpan.FromSeconds(30),
        };

    [Fact]
    public async Task Discovery_names_the_issuer_the_endpoints_and_the_signing_key()
    {
        await using var idp = await StartAsync();
        using var http = Browser(idp);

        Assert.StartsWith("http://127.0.0.1:", idp.Issuer.AbsoluteUri);
        Assert.EndsWith("/", idp.Issuer.AbsoluteUri);
        var discovery = await GetJsonAsync(http, ".well-known/openid-configuration");
        Assert.Equal(idp.Issuer.AbsoluteUri, discovery.GetProperty("issuer").GetString());
        Assert.Equal(new Uri(idp.Issuer, "connect/authorize").AbsoluteUri, discovery.GetProperty("authorization_endpoint").GetString());
        Assert.Equal(idp.TokenEndpoint.AbsoluteUri, discovery.GetProperty("token_endpoint").GetString());
        Assert.Equal(new Uri(idp.Issuer, "connect/logout").AbsoluteUri, discovery.GetProperty("end_session_endpoint").GetString());
        Assert.Equal(["S256"], Strings(discovery.GetProperty("code_challenge_methods_supported")));
        Assert.Contains("password", Strings(discovery.GetProperty("grant_types_supported")));

        // The issuer is the one it was started with, whatever host name a client reached it by.
        using var byName = new HttpRequestMessage(HttpMethod.Get, ".well-known/openid-configuration");
        byName.Headers.Host = $"localhost:{idp.Issuer.Port}";
        using var answer = await http.SendAsync(byName);
        Assert.Equal(idp.Issuer.AbsoluteUri, (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("issuer").GetString());

        var jwks = await GetJsonAsync(http, discovery.GetProperty("jwks_uri").GetString()!);
        var key = Assert.Single(jwks.GetProperty("keys").EnumerateArray());
        Assert.Equal("RSA", key.GetProperty("kty").GetString());
        Assert.Equal(idp.SigningCredentials.Key.KeyId, key.GetProperty("kid").GetString());
    }

    [Fact]
    public async Task A_password_grant_gives_an_RS256_JWT_naming_the_person_the_organization_and_the_roles()
    {
        await using var idp = await StartAsync();
        var alice = idp.People.Single(p => p.Username == "alice@microsoft");

        var token = await idp.PasswordTokenAsync("alice@microsoft");

        var (header, payload) = Decode(token);
        Assert.Equal("RS256", header.GetProperty("alg").GetString());
        Assert.Equal(idp.SigningCredentials.Key.KeyId, header.GetProperty("kid").GetString());
        Assert.Equal(alice.Subject, payload.GetProperty("sub").GetString());
        Assert.Equal("Alice Chen", payload.GetProperty("name").GetString());
        Assert.Equal(alice.Email, payload.GetProperty("email").GetString());
        Assert.Equal("microsoft", payload.GetProperty("org").GetString());
        Assert.Equal(["trader", "viewer"], Strings(payload.GetProperty("roles")));
        Assert.Equal("neocloud", payload.GetProperty("aud").GetString());
        Assert.Equal(idp.Issuer.AbsoluteUri, payload.GetProperty("iss").GetString());
        var lifetime = payload.GetProperty("exp").GetInt64() - payload.GetProperty("iat").GetInt64();
        Assert.Equal(3600, lifetime);
    }

    [Fact]
    public async Task One_role_is_still_a_JSON_array_and_the_options_set_audience_lifetime_and_people()
    {
        var loner = DemoPeople.Person("zoe", "Zoe Quinn", "no-such-organization", "viewer");
        await using var idp = await StartAsync(new DevelopmentIdentityProviderOptions
        {
            People = [loner],
            Audience = "exchange-test",
            AccessTokenLifetime = TimeSpan.FromMinutes(5),
        });

        var (_, payload) = Decode(await idp.PasswordTokenAsync("zoe@no-such-organization"));

        Assert.Equal(JsonValueKind.Array, payload.GetProperty("roles").ValueKind);
        Assert.Equal(["viewer"], Strings(payload.GetProperty("roles")));
        Assert.Equal("no-such-organization", payload.GetProperty("org").GetString());
        Assert.Equal("exchange-test", payload.GetProperty("aud").GetString());
        Assert.Equal(300, payload.GetProperty("exp").GetInt64() - payload.GetProperty("iat").GetInt64());
        await Assert.ThrowsAsync<HttpRequestException>(() => idp.PasswordTokenAsync("alice@microsoft"));
    }

    [Fact]
    public async Task The_access_token_signature_verifies_with_the_published_keys_and_a_crafted_expired_one_does_not_pass()
    {
        await using var idp = await StartAsync();
        using var http = Browser(idp);
        var discovery = await GetJsonAsync(http, ".well-known/openid-configuration");
        var jwks = new JsonWebKeySet(await http.GetStringAsync(discovery.GetProperty("jwks_uri").GetString()));
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = idp.Issuer.AbsoluteUri,
            ValidAudience = idp.Audience,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        };
        var handler = new JsonWebTokenHandler();

        var valid = await handler.ValidateTokenAsync(await idp.PasswordTokenAsync("bob@microsoft"), parameters);
        Assert.True(valid.IsValid, valid.Exception?.Message);
        Assert.Equal("microsoft", valid.Claims["org"]);

        // A token the provider could have made, but expired: the key verifies it, the clock does not.
        var expired = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = idp.Issuer.AbsoluteUri,
            Audience = idp.Audience,
            Claims = new Dictionary<string, object> { ["sub"] = "demo-bob-microsoft", ["org"] = "microsoft" },
            NotBefore = DateTime.UtcNow.AddHours(-2),
            IssuedAt = DateTime.UtcNow.AddHours(-2),
            Expires = DateTime.UtcNow.AddHours(-1),
            SigningCredentials = idp.SigningCredentials,
        });
        var refused = await handler.ValidateTokenAsync(expired, parameters);
        Assert.False(refused.IsValid);
        Assert.IsType<SecurityTokenExpiredException>(refused.Exception);

        // Signed with another key: refused for its signature.
        var stranger = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = idp.Issuer.AbsoluteUri,
            Audience = idp.Audience,
            Claims = new Dictionary<string, object> { ["sub"] = "demo-bob-microsoft" },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(RSA.Create(2048)) { KeyId = idp.SigningCredentials.Key.KeyId }, SecurityAlgorithms.RsaSha256),
        });
        Assert.False((await handler.ValidateTokenAsync(stranger, parameters)).IsValid);
    }

    [Fact]
    public async Task A_wrong_password_or_an_unknown_person_is_refused_with_invalid_grant()
    {
        await using var idp = await StartAsync();
        using var http = Browser(idp);

        foreach (var (username, password) in new[] { ("alice@microsoft", "wrong"), ("nobody@microsoft", "demo"), ("alice@microsoft", "") })
        {
            using var response = await http.PostAsync("connect/token", Form(new()
            {
                ["grant_type"] = "password",
                ["client_id"] = idp.ClientId,
                ["username"] = username,
                ["password"] = password,
            }));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString();
            Assert.Equal(password.Length == 0 ? "invalid_request" : "invalid_grant", error);
        }
        var thrown = await Assert.ThrowsAsync<HttpRequestException>(() => idp.PasswordTokenAsync("alice@microsoft", "wrong"));
        Assert.Equal(HttpStatusCode.BadRequest, thrown.StatusCode);
    }

    [Fact]
    public async Task The_authorization_code_flow_with_PKCE_signs_in_on_the_page_and_gets_tokens_at_a_loopback_redirect()
    {
        await using var idp = await StartAsync();
        using var http = Browser(idp);
        var (verifier, challenge) = Pkce();

        // No one is signed in: the page, listing the people, with the request kept in hidden fields.
        using var page = await http.GetAsync(AuthorizeUri(idp, challenge, state: "s-1", nonce: "n-1"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("data-person=\"alice@microsoft\"", html);
        Assert.Contains("id=\"sign-in\"", html);
        Assert.Contains("name=\"username\"", html);
        Assert.Contains("name=\"password\"", html);
        var hidden = Hidden(html, "credentials");
        Assert.Equal(challenge, hidden["code_challenge"]);
        Assert.Equal(Callback, hidden["redirect_uri"]);

        // The form posts back with a username and password: the code goes to the redirect URI with the state.
        hidden["username"] = "carol@microsoft";
        hidden["password"] = "demo";
        using var signedIn = await http.PostAsync("connect/authorize", Form(hidden));
        var code = CodeFrom(signedIn, "s-1");
        Assert.Equal(idp.Issuer.AbsoluteUri, Query(signedIn.Headers.Location!)["iss"]);

        using var exchanged = await http.PostAsync("connect/token", Form(new()
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = idp.ClientId,
            ["code"] = code,
            ["redirect_uri"] = Callback,
            ["code_verifier"] = verifier,
        }));
        Assert.Equal(HttpStatusCode.OK, exchanged.StatusCode);
        var tokens = await exchanged.Content.ReadFromJsonAsync<JsonElement>();
        var (_, access) = Decode(tokens.GetProperty("access_token").GetString()!);
        Assert.Equal("demo-carol-microsoft", access.GetProperty("sub").GetString());
        Assert.Equal(["admin", "viewer"], Strings(access.GetProperty("roles")));
        Assert.Equal("neocloud", access.GetProperty("aud").GetString());
        var (_, id) = Decode(tokens.GetProperty("id_token").GetString()!);
        Assert.Equal("n-1", id.GetProperty("nonce").GetString());
        Assert.Equal(idp.ClientId, id.GetProperty("aud").GetString());
        Assert.Equal("microsoft", id.GetProperty("org").GetString());
        Assert.Equal(["admin", "viewer"], Strings(id.GetProperty("roles")));
        Assert.Equal("Carol Diaz", id.GetProperty("name").GetString());

        // offline_access gave a refresh token: it gives a new access token with the same claims.
        using var refreshed = await http.PostAsync("connect/token", Form(new()
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = idp.ClientId,
            ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()!,
        }));
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var (_, again) = Decode((await refreshed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!);
        Assert.Equal("demo-carol-microsoft", again.GetProperty("sub").GetString());
        Assert.Equal(["admin", "viewer"], Strings(again.GetProperty("roles")));
    }

    [Fact]
    public async Task A_person_button_signs_in_and_the_provider_cookie_skips_the_page_next_time()
    {
        await using var idp = await StartAsync();
        var cookies = new CookieContainer();
        using var http = Browser(idp, cookies);
        var (_, challenge) = Pkce();

        var html = await (await http.GetAsync(AuthorizeUri(idp, challenge, state: "first"))).Content.ReadAsStringAsync();
        var hidden = Hidden(html, "people");
        hidden["person"] = "ivan@iren";
        using var chosen = await http.PostAsync("connect/authorize", Form(hidden));
        CodeFrom(chosen, "first");

        using var second = await http.GetAsync(AuthorizeUri(idp, challenge, state: "second"));
        CodeFrom(second, "second");

        // prompt=login asks for the page again.
        using var login = await http.GetAsync(AuthorizeUri(idp, challenge, state: "third") + "&prompt=login");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("id=\"sign-in\"", await login.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_wrong_password_on_the_page_shows_the_page_again_with_the_request_kept()
    {
        await using var idp = await StartAsync();
        using var http = Browser(idp);
        var (_, challenge) = Pkce();
        var hidden = Hidden(await (await http.GetAsync(AuthorizeUri(idp, challenge, state: "s"))).Content.ReadAsStringAsync(), "credentials");
        hidden["username"] = "alice@microsoft";
        hidden["password"] = "<guess>";

        using var again = await http.PostAsync("connect/authorize", Form(hidden));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var html = await again.Content.ReadAsStringAsync();
        Assert.Contains("wrong username or password", html);
        Assert.DoesNotContain("<guess>", html);
        Assert.Equal(challenge, Hidden(html, "credentials")["code_challenge"]);
        Assert.Equal("alice@microsoft", InputValue(html, "username"));
    }

    [Fact]
    public async Task A_code_is_refused_without_its_verifier_and_a_request_without_an_S256_challenge_is_refused()
    {
        await using var idp = await StartAsync();
        using var http = Browser(idp);
        var (_, challenge) = Pkce();
        var hidden = Hidden(await (await http.GetAsync(AuthorizeUri(idp, challenge, state: "s"))).Content.ReadAsStringAsync(), "people");
        hidden["person"] = "alice@microsoft";
        var code = CodeFrom(await http.PostAsync("connect/authorize", Form(hidden)), "s");

        foreach (var verifier in new[] { Pkce().Verifier, null })
        {
            var fields = new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["client_id"] = idp.ClientId,
                ["code"] = code,
                ["redirect_uri"] = Callback,
            };
            if (verifier is not null) fields["code_verifier"] = verifier;
            using var refused = await http.PostAsync("connect/token", Form(fields));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        // PKCE is required: a request without a code_challenge gets the provider's error page, not a redirect.
        var withoutChallenge = $"connect/authorize?client_id={idp.ClientId}&response_type=code&scope=openid&state=s&redirect_uri={Uri.EscapeDataString(Callback)}";
        using var response = await http.GetAsync(withoutChallenge);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("'code_challenge' parameter is missing", await response.Content.ReadAsStringAsync());
        // Nor does a plain challenge do (it would be the verifier itself).
        using var plain = await http.GetAsync(AuthorizeUri(idp, challenge, state: "s").Replace("code_challenge_method=S256", "code_challenge_method=plain"));
        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
        Assert.Null(plain.Headers.Location);
    }

    [Theory]
    [InlineData("https://dashboard.example.com/signin-oidc")]
    [InlineData("http://10.0.0.7/signin-oidc")]
    [InlineData("http://127.0.0.1.example.com/signin-oidc")]
    [InlineData("http://localhost.example.com/signin-oidc")]
    public async Task A_redirect_uri_off_the_loopback_is_refused_without_a_redirect(string redirect)
    {
        await using var idp = await StartAsync();
        using var http = Browser(idp);
        var (_, challenge) = Pkce();

        using var response = await http.GetAsync(AuthorizeUri(idp, challenge, state: "s", redirect: redirect));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("loopback", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unknown_client_is_refused_at_the_authorization_and_the_token_endpoints()
    {
        await using var idp = await StartAsync();
        using var http = Browser(idp);
        var (_, challenge) = Pkce();

        using var authorize = await http.GetAsync(AuthorizeUri(idp, challenge, state: "s").Replace($"client_id={idp.ClientId}", "client_id=someone-else"));
        // Not redirected anywhere (the redirect URI is not trusted for an unknown client): OpenIddict's own error page.
        Assert.Equal(HttpStatusCode.Unauthorized, authorize.StatusCode);
        Assert.Null(authorize.Headers.Location);
        Assert.Contains("error:invalid_client", await authorize.Content.ReadAsStringAsync());

        foreach (var client in new[] { "someone-else", null })
        {
            var fields = new Dictionary<string, string> { ["grant_type"] = "password", ["username"] = "alice@microsoft", ["password"] = "demo" };
            if (client is not null) fields["client_id"] = client;
            using var token = await http.PostAsync("connect/token", Form(fields));
            Assert.False(token.IsSuccessStatusCode);
            Assert.Equal("invalid_client", (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        }
    }

    [Fact]
    public async Task Sign_out_forgets_the_person_and_returns_to_a_loopback_address_only()
    {
        await using var idp = await StartAsync();
        var cookies = new CookieContainer();
        using var http = Browser(idp, cookies);
        var (_, challenge) = Pkce();
        var hidden = Hidden(await (await http.GetAsync(AuthorizeUri(idp, challenge, state: "s"))).Content.ReadAsStringAsync(), "people");
        hidden["person"] = "olivia@admin";
        CodeFrom(await http.PostAsync("connect/authorize", Form(hidden)), "s");

        using var refused = await http.GetAsync($"connect/logout?post_logout_redirect_uri={Uri.EscapeDataString("https://evil.example/")}");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        var back = "http://localhost:9/signed-out";
        using var logout = await http.GetAsync($"connect/logout?client_id={idp.ClientId}&state=bye&post_logout_redirect_uri={Uri.EscapeDataString(back)}");
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.StartsWith(back, logout.Headers.Location!.AbsoluteUri);
        Assert.Equal("bye", Query(logout.Headers.Location)["state"]);

        // Signed out: the next authorization request shows the page again, and prompt=none is told login_required.
        using var page = await http.GetAsync(AuthorizeUri(idp, challenge, state: "s2"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using var silent = await http.GetAsync(AuthorizeUri(idp, challenge, state: "s3") + "&prompt=none");
        Assert.Equal(HttpStatusCode.Redirect, silent.StatusCode);
        Assert.Equal("login_required", Query(silent.Headers.Location!)["error"]);
    }

    [Fact]
    public async Task Userinfo_names_the_person_of_the_access_token()
    {
        await using var idp = await StartAsync();
        using var http = Browser(idp);
        using var request = new HttpRequestMessage(HttpMethod.Get, "connect/userinfo");
        request.Headers.Authorization = new("Bearer", await idp.PasswordTokenAsync("judy@iren"));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var claims = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("demo-judy-iren", claims.GetProperty("sub").GetString());
        Assert.Equal("iren", claims.GetProperty("org").GetString());
        Assert.Equal(["contracts", "viewer"], Strings(claims.GetProperty("roles")));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000/signin-oidc", true)]
    [InlineData("http://localhost/cb", true)]
    [InlineData("https://LOCALHOST:8443/cb", true)]
    [InlineData("http://[::1]:5000/cb", true)]
    [InlineData("http://127.0.0.2/cb", true)]
    [InlineData("http://127.0.0.1:5000/cb#fragment", false)]
    [InlineData("http://user@127.0.0.1/cb", false)]
    [InlineData("ftp://127.0.0.1/cb", false)]
    [InlineData("/relative/cb", false)]
    [InlineData("http://192.168.1.4/cb", false)]
    [InlineData("http://[::ffff:10.0.0.1]/cb", false)]
    [InlineData(null, false)]
    public void Only_http_addresses_on_a_loopback_host_are_redirect_uris(string? uri, bool accepted) =>
        Assert.Equal(accepted, DevelopmentIdentityProvider.IsLoopback(uri));

    [Fact]
    public void The_demo_people_cover_buyers_providers_and_the_operators_with_the_roles_four_eyes_needs()
    {
        var people = DemoPeople.Default;
        var organizations = people.Select(p => p.Organization).ToHashSet();
        var reference = Neocloud.Domain.Catalog.ReferenceCatalog.Embedded.Organizations.Select(o => o.Id).Append("admin").ToHashSet();
        Assert.Subset(reference, organizations);
        Assert.All(people, p => Assert.Contains("viewer", p.Roles));
        foreach (var organization in organizations.Where(o => o != "admin"))
        {
            Assert.True(people.Count(p => p.Organization == organization && p.Roles.Contains("approver")) >= 1, organization);
            Assert.Contains(people, p => p.Organization == organization && p.Roles.Contains("admin"));
        }
        Assert.InRange(people.Count, 10, 20);
    }

    private static string AuthorizeUri(DevelopmentIdentityProvider idp, string challenge, string state, string? nonce = null, string redirect = Callback) =>
        $"connect/authorize?client_id={idp.ClientId}&response_type=code&scope={Uri.EscapeDataString("openid profile offline_access")}" +
        $"&redirect_uri={Uri.EscapeDataString(redirect)}&state={state}&code_challenge={challenge}&code_challenge_method=S256" +
        (nonce is null ? "" : $"&nonce={nonce}");

    // The code at the redirect URI, with the state sent back unchanged.
    private static string CodeFrom(HttpResponseMessage response, string state)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(Callback, location.AbsoluteUri);
        var query = Query(location);
        Assert.Equal(state, query["state"]);
        return query["code"];
    }

    private static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    private static FormUrlEncodedContent Form(Dictionary<string, string> fields) => new(fields);

    private static Dictionary<string, string> Query(Uri uri) =>
        uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => Uri.UnescapeDataString(pair[0]), pair => Uri.UnescapeDataString(pair.Length > 1 ? pair[1].Replace('+', ' ') : ""));

    // The hidden fields of one of the page's forms, as a browser would post them.
    private static Dictionary<string, string> Hidden(string html, string formId)
    {
        var form = Regex.Match(html, $"<form id=\"{formId}\"[^>]*>(.*?)</form>", RegexOptions.Singleline);
        Assert.True(form.Success, $"no form {formId} on the page");
        return HiddenInput().Matches(form.Groups[1].Value)
            .ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
    }

    private static string InputValue(string html, string name) =>
        WebUtility.HtmlDecode(Regex.Match(html, $"<input id=\"{name}\" name=\"{name}\"[^>]* value=\"(?<value>[^\"]*)\"").Groups["value"].Value);

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]*)\" value=\"(?<value>[^\"]*)\">")]
    private static partial Regex HiddenInput();

    private static (JsonElement Header, JsonElement Payload) Decode(string jwt)
    {
        var parts = jwt.Split('.');
        Assert.Equal(3, parts.Length);
        return (JsonDocument.Parse(Base64UrlEncoder.Decode(parts[0])).RootElement, JsonDocument.Parse(Base64UrlEncoder.Decode(parts[1])).RootElement);
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    private static async Task<JsonElement> GetJsonAsync(HttpClient http, string uri)
    {
        using var response = await http.GetAsync(uri);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
