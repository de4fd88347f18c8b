using Neocloud.Domain.Catalog;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Storage;

namespace Neocloud.Exchange.Access;

/// <summary>
/// First start: the organizations of the reference data and an <c>admin</c> organization with one all-scopes token,
/// printed once and written to <c>&lt;data&gt;/admin.token</c> (mode 0600). The token is made before the market is up
/// (<see cref="PrepareAsync"/>: the operator sees it at once, and the store marks it pending by its hash); the
/// organizations and the token become journaled facts once the configuration's shard is up (<see cref="SeedAsync"/>).
/// </summary>
public static class Bootstrap
{
    /// <summary>The administrators' organization.</summary>
    public const string AdminOrganization = "admin";

    /// <summary>The actor the seeding's journal rows name: the exchange itself.</summary>
    public const string Actor = "exchange";

    private const string Label = "bootstrap";

    /// <summary>
    /// Makes the admin token on first start (no admin organization and no admin token pending): writes its secret to
    /// <c>admin.token</c> and marks it pending in the store by its hash; returns the secret, else null.
    /// </summary>
    public static async Task<string?> PrepareAsync(ExchangeStore store, string dataDirectory, TimeProvider clock, CancellationToken cancellationToken)
    {
        // Nodes of a cluster starting together: one makes the token, the others find it pending.
        await using var held = await store.LockAsync("bootstrap", cancellationToken);
        if (await store.GetOrganizationAsync(AdminOrganization, cancellationToken) is not null || await store.PendingAdminTokenAsync(cancellationToken) is not null)
            return null;
        var (token, secret) = TokenSecrets.NewToken(AdminOrganization, Label, Scopes.All, clock);

        // The file first: a crash before the mark leaves no token pending, and the next start makes a new one.
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, "admin.token");
        var file = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        // Created readable by its owner only, so the secret is never briefly world-readable.
        if (!OperatingSystem.IsWindows()) file.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using (var writer = new StreamWriter(path, file))
        {
            await writer.WriteLineAsync(secret);
        }
        return await store.TryMarkAdminTokenPendingAsync(token.Id, token.TokenHash, token.CreatedMs, cancellationToken) ? secret : null;
    }

    /// <summary>
    /// Journals what a store needs once its configuration's shard is up: the reference data's organizations it does not
    /// have yet, and the admin organization with the admin token <see cref="PrepareAsync"/> left pending. Returns how
    /// many facts were journaled.
    /// </summary>
    /// <exception cref="ShardStoppedException">The shard is stopped or moving; nothing more was journaled, and a retry is safe.</exception>
    public static async Task<int> SeedAsync(IMarket market, ExchangeStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var journaled = 0;
        var pending = await store.PendingAdminTokenAsync(cancellationToken);
        var wanted = ReferenceCatalog.Embedded.Organizations.Select(o => new OrganizationRecord(o.Id, o.Name, now)).ToList();
        if (pending is not null) wanted.Add(new OrganizationRecord(AdminOrganization, "Exchange administrators", now));
        foreach (var organization in wanted)
        {
            if (await store.GetOrganizationAsync(organization.Id, cancellationToken) is not null) continue;
            // Another node may have created it meanwhile: that is as good.
            if (Accepted(await ConfigJournal.SubmitAsync(market, Actor, new OrganizationCreated(organization)), tolerateConflict: true)) journaled++;
        }
        if (pending is { } admin)
        {
            var token = new TokenRecord(admin.Id, AdminOrganization, admin.Hash, string.Join(' ', Scopes.All), Label, admin.CreatedMs, null);
            if (Accepted(await ConfigJournal.SubmitAsync(market, Actor, new TokenIssued(token, Bootstrap: true)), tolerateConflict: false)) journaled++;
        }
        return journaled;
    }

    private static bool Accepted(Outcome<ConfigFact> outcome, bool tolerateConflict)
    {
        if (outcome.IsAccepted) return true;
        if (outcome.Failure is { Kind: FailureKind.Unavailable }) throw new ShardStoppedException(MarketGroups.Named[0].Name);
        if (tolerateConflict && outcome.Failure is { Kind: FailureKind.Conflict }) return false;
        throw new InvalidOperationException($"seeding the exchange's configuration failed: {outcome.Failure}");
    }
}
