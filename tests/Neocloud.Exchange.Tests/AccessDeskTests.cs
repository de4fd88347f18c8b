using Neocloud.Exchange.Access;
using Neocloud.Exchange.Outcomes;

namespace Neocloud.Exchange.Tests;

/// <summary>Organizations and tokens as journaled facts, decided on the configuration's shard.</summary>
public class AccessDeskTests
{
    [Fact]
    public async Task Of_two_revocations_of_one_token_racing_exactly_one_succeeds()
    {
        await using var rig = await ShardRig.StartAsync();
        var desk = Desk(rig);
        await desk.CreateOrganizationAsync("admin", "lab", "Lab");
        var token = (await desk.IssueTokenAsync("admin", "lab", "desk", ["market:read"], null)).Value!.Token;

        var revocations = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => desk.RevokeTokenAsync("admin", token.Id)));

        Assert.Equal(1, revocations.Count(r => r.IsAccepted));
        Assert.All(revocations.Where(r => !r.IsAccepted), r => Assert.Equal(FailureKind.NotFound, r.Failure!.Kind));
        Assert.NotNull((await rig.Store.GetTokenAsync(token.Id))!.RevokedMs);
    }

    [Fact]
    public async Task Of_two_creations_of_one_organization_racing_exactly_one_succeeds()
    {
        await using var rig = await ShardRig.StartAsync();
        var desk = Desk(rig);

        var created = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => desk.CreateOrganizationAsync("admin", "lab", $"Lab {i}")));

        Assert.Equal(1, created.Count(c => c.IsAccepted));
        Assert.Equal(created.Single(c => c.IsAccepted).Value!.Name, (await rig.Store.GetOrganizationAsync("lab"))!.Name);
    }

    [Fact]
    public async Task A_token_is_journaled_by_its_hash_and_its_actor_never_its_secret()
    {
        await using var rig = await ShardRig.StartAsync();
        var desk = Desk(rig);
        await desk.CreateOrganizationAsync("admin", "lab", "Lab");

        var issued = (await desk.IssueTokenAsync("admin", "lab", "desk", ["market:read"], null)).Value!;

        await using var connection = await rig.Store.OpenConnectionAsync();
        var (actor, line) = await Dapper.SqlMapper.QuerySingleAsync<(string, string)>(connection,
            "SELECT organization_id, command FROM journal WHERE command LIKE '{\"book\":\"token.issued\"%'");
        Assert.Equal("admin", actor);
        Assert.DoesNotContain(issued.Secret, line);
        Assert.Contains(Convert.ToBase64String(issued.Token.TokenHash), line);
    }

    [Fact]
    public async Task Rotation_never_lets_the_old_token_outlive_its_expiry()
    {
        await using var rig = await ShardRig.StartAsync();
        var desk = Desk(rig);
        await desk.CreateOrganizationAsync("admin", "lab", "Lab");
        var expires = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds();
        var old = (await desk.IssueTokenAsync("admin", "lab", "desk", ["market:read"], expires)).Value!.Token;

        var rotated = await desk.RotateTokenAsync("admin", old.Id, TimeSpan.FromDays(1));

        Assert.True(rotated.IsAccepted, rotated.Failure?.Detail);
        Assert.Equal(expires, (await rig.Store.GetTokenAsync(old.Id))!.ExpiresMs);
        Assert.Equal(expires, (await rig.Store.GetTokenAsync(rotated.Value!.Token.Id))!.ExpiresMs);
    }

    [Fact]
    public async Task The_seed_journals_the_reference_organizations_once()
    {
        await using var rig = await ShardRig.StartAsync();

        var first = await Bootstrap.SeedAsync(rig.Market, rig.Store, TimeProvider.System, CancellationToken.None);
        var second = await Bootstrap.SeedAsync(rig.Market, rig.Store, TimeProvider.System, CancellationToken.None);

        Assert.Equal((Domain.Catalog.ReferenceCatalog.Embedded.Organizations.Count, 0), (first, second));
        Assert.Null(await rig.Store.GetOrganizationAsync(Bootstrap.AdminOrganization));
    }

    private static AccessDesk Desk(ShardRig rig) => new(rig.Market, rig.Store, new TokenDirectory(rig.Store, TimeProvider.System), TimeProvider.System);
}
