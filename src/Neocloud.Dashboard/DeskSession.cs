using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.ProtectedBrowserStorage;
using Neocloud.Exchange.Access;
using Neocloud.Storage;

namespace Neocloud.Dashboard;

/// <summary>
/// One browser's dashboard state: the SKU being looked at, and who is signed in: a person, through the identity
/// provider (the server's session cookie), or an API token (checked like any API request and kept encrypted in the
/// browser's local storage so that a reload keeps the sign-in). What either may do is the API's permission table.
/// </summary>
public sealed class DeskSession(TokenDirectory tokens, ProtectedLocalStorage storage, AuthenticationStateProvider authentication)
{
    private const string StorageKey = "neocloud.token";

    /// <summary>The SKU the market pages show.</summary>
    public string Sku { get; private set; } = "GB300";

    /// <summary>The signed-in organization, or null.</summary>
    public string? Organization { get; private set; }

    /// <summary>The signed-in token's scopes (none for a person).</summary>
    public IReadOnlyList<string> TokenScopes { get; private set; } = [];

    /// <summary>The signed-in person's roles (none for a token).</summary>
    public IReadOnlyList<string> PersonRoles { get; private set; } = [];

    /// <summary>Who the journal names for what this browser does: the signed-in person or token, or null.</summary>
    public JournalActor? Actor { get; private set; }

    /// <summary>True when a person signed in through the identity provider (not a pasted token).</summary>
    public bool IsPerson => Actor?.Kind == JournalActor.PersonKind;

    /// <summary>True when someone is signed in.</summary>
    public bool SignedIn => Organization is not null;

    /// <summary>True when the signed-in person or token may trade.</summary>
    public bool CanTrade => May(Permissions.Trade);

    /// <summary>A deal this browser pasted in to analyze (not stored on the server).</summary>
    public Economics.Deals.DealTerms? CustomDeal { get; set; }

    /// <summary>Raised when the SKU or the sign-in changes.</summary>
    public event Action? Changed;

    /// <summary>The newest <c>alert.triggered</c> this browser has shown (the bell counts those after it), or null before the bell first looked.</summary>
    public long? AlertsSeenSeq { get; private set; }

    /// <summary>Raised when the alerts page showed the alerts fired up to <see cref="AlertsSeenSeq"/>.</summary>
    public event Action? AlertsRead;

    /// <summary>Marks the alerts fired up to <paramref name="seq"/> as seen (the alerts page showed them, or the bell started after them).</summary>
    public void AlertsSeen(long seq)
    {
        if (AlertsSeenSeq >= seq) return;
        AlertsSeenSeq = seq;
        AlertsRead?.Invoke();
    }

    private ClaimsPrincipal? _caller;

    /// <summary>True when the signed-in person or token has <paramref name="permission"/> (as the API decides it).</summary>
    public bool May(Permission permission) => _caller is { } caller && permission.Refusal(caller) is null;

    /// <summary>Why the signed-in person or token lacks <paramref name="permission"/>, or null when it has it.</summary>
    public string? WhyNot(Permission permission) => _caller is { } caller ? permission.Refusal(caller) : "sign in first";

    /// <summary>
    /// Acts as the signed-in person or token until disposed, so the commands an action sends are journaled with it: an
    /// action handler begins with <c>using var acting = Session.Act();</c>.
    /// </summary>
    public Acting.Scope Act() => Acting.As(Actor);

    /// <summary>Switches the SKU shown.</summary>
    public void SelectSku(string sku)
    {
        Sku = sku;
        Changed?.Invoke();
    }

    /// <summary>Signs in with a token; false when it is unknown, revoked or expired.</summary>
    public async Task<bool> SignInAsync(string token, bool remember = true)
    {
        var (found, actor, _) = await tokens.FindAsync(token.Trim(), CancellationToken.None);
        if (found is null) return false;
        Organization = found.OrganizationId;
        Actor = actor;
        TokenScopes = found.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        PersonRoles = [];
        _caller = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(Scopes.OrganizationClaim, found.OrganizationId), new Claim(Scopes.TokenClaim, found.Id), .. TokenScopes.Select(s => new Claim(Scopes.ClaimType, s))],
            "token"));
        if (remember) await storage.SetAsync(StorageKey, token.Trim());
        Changed?.Invoke();
        return true;
    }

    /// <summary>
    /// Restores a sign-in once the page is interactive: the person the server's session names (signed in through the
    /// identity provider), else a token kept in the browser.
    /// </summary>
    public async Task RestoreAsync()
    {
        if (SignedIn) return;
        if (await PersonAsync()) return;
        try
        {
            var kept = await storage.GetAsync<string>(StorageKey);
            if (kept is { Success: true, Value: { } token } && !await SignInAsync(token, remember: false)) await storage.DeleteAsync(StorageKey);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // Kept under keys this server no longer has: forget it.
            await storage.DeleteAsync(StorageKey);
        }
    }

    /// <summary>Takes the person the circuit was opened by (the session cookie), if any; true when there is one.</summary>
    private async Task<bool> PersonAsync()
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        if (user.FindFirst(Scopes.PersonClaim) is not { } person || user.FindFirst(Scopes.OrganizationClaim) is not { } organization) return false;
        Organization = organization.Value;
        Actor = new JournalActor(JournalActor.PersonKind, person.Value, user.FindFirst(Scopes.NameClaim)?.Value ?? person.Value);
        PersonRoles = user.FindAll(Scopes.RoleClaim).Select(c => c.Value).ToList();
        TokenScopes = [];
        _caller = user;
        Changed?.Invoke();
        return true;
    }

    /// <summary>Signs out a token and forgets it in the browser (a person signs out at <c>/signout</c>, which ends the session).</summary>
    public async Task SignOutAsync()
    {
        Organization = null;
        Actor = null;
        TokenScopes = [];
        PersonRoles = [];
        _caller = null;
        await storage.DeleteAsync(StorageKey);
        Changed?.Invoke();
    }
}
