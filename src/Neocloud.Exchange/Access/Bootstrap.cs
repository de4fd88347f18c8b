using Neocloud.Domain.Catalog;
using Neocloud.Storage;

namespace Neocloud.Exchange.Access;

/// <summary>
/// First start: the organizations of the reference data and an <c>admin</c> organization with one all-scopes token,
/// printed once and written to <c>&lt;data&gt;/admin.token</c> (mode 0600).
/// </summary>
public static class Bootstrap
{
    /// <summary>The administrators' organization.</summary>
    public const string AdminOrganization = "admin";

    /// <summary>Creates what a new store needs; returns the admin token's secret on first start, else null.</summary>
    public static async Task<string?> RunAsync(ExchangeStore store, string dataDirectory, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var organizations = ReferenceCatalog.Embedded.Organizations.Select(o => new OrganizationRecord(o.Id, o.Name, now)).ToList();
        await store.EnsureOrganizationsAsync(organizations, cancellationToken);

        if (!await store.TryCreateOrganizationAsync(new OrganizationRecord(AdminOrganization, "Exchange administrators", now), null, cancellationToken))
            return null;
        var (token, secret) = TokenSecrets.NewToken(AdminOrganization, "bootstrap", Scopes.All, clock);
        await store.InsertTokenAsync(token, null, cancellationToken);

        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, "admin.token");
        var file = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        // Created readable by its owner only, so the secret is never briefly world-readable.
        if (!OperatingSystem.IsWindows()) file.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using (var writer = new StreamWriter(path, file))
        {
            await writer.WriteLineAsync(secret);
        }
        return secret;
    }
}
