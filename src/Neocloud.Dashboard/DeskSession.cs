using Microsoft.AspNetCore.Components.Server.ProtectedBrowserStorage;
using Neocloud.Exchange.Access;
using Neocloud.Storage;

namespace Neocloud.Dashboard;

/// <summary>
/// One browser's dashboard state: the SKU being looked at, and who is signed in (an API token, checked like any
/// API request and kept encrypted in the browser's local storage so that a reload keeps the sign-in).
/// </summary>
public sealed class DeskSession(TokenDirectory tokens, ProtectedLocalStorage storage)
{
    private const string StorageKey = "neocloud.token";

    /// <summary>The SKU the market pages show.</summary>
    public string Sku { get; private set; } = "GB300";

    /// <summary>The signed-in organization, or null.</summary>
    public string? Organization { get; private set; }

    /// <summary>The signed-in token's scopes.</summary>
    public IReadOnlyList<string> TokenScopes { get; private set; } = [];

    /// <summary>Who the journal names for what this browser does: the signed-in token, or null.</summary>
    public JournalActor? Actor { get; private set; }

    /// <summary>True when someone is signed in.</summary>
    public bool SignedIn => Organization is not null;

    /// <summary>True when the signed-in token may trade.</summary>
    public bool CanTrade => TokenScopes.Contains(Scopes.MarketTrade);

    /// <summary>A deal this browser pasted in to analyze (not stored on the server).</summary>
    public Economics.Deals.DealTerms? CustomDeal { get; set; }

    /// <summary>Raised when the SKU or the sign-in changes.</summary>
    public event Action? Changed;

    /// <summary>Switches the SKU shown.</summary>
    public void SelectSku(string sku)
    {
        Sku = sku;
        Changed?.Invoke();
    }

    /// <summary>
    /// Acts as the signed-in token until disposed, so the commands an action sends are journaled with it: an action
    /// handler begins with <c>using var acting = Session.Act();</c>.
    /// </summary>
    public Acting.Scope Act() => Acting.As(Actor);

    /// <summary>Signs in with a token; false when it is unknown, revoked or expired.</summary>
    public async Task<bool> SignInAsync(string token, bool remember = true)
    {
        var (found, actor, _) = await tokens.FindAsync(token.Trim(), CancellationToken.None);
        if (found is null) return false;
        Organization = found.OrganizationId;
        Actor = actor;
        TokenScopes = found.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (remember) await storage.SetAsync(StorageKey, token.Trim());
        Changed?.Invoke();
        return true;
    }

    /// <summary>Restores a sign-in kept in the browser, once the page is interactive.</summary>
    public async Task RestoreAsync()
    {
        if (SignedIn) return;
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

    /// <summary>Signs out and forgets the token in the browser.</summary>
    public async Task SignOutAsync()
    {
        Organization = null;
        Actor = null;
        TokenScopes = [];
        await storage.DeleteAsync(StorageKey);
        Changed?.Invoke();
    }
}
