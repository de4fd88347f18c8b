using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Neocloud.Exchange.Access;
using Neocloud.Storage;
using Neocloud.Testing;

namespace Neocloud.Server.Tests;

/// <summary>
/// <c>GET /api/v1/admin/journal/head</c> over real HTTP, on a SQLite file and on PostgreSQL: the signed head of the
/// journal verifies with the public key beside the store and holds against the store; only an admin token gets it.
/// </summary>
public sealed class JournalHeadApiTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_admin_gets_each_journals_signed_head_and_it_verifies_against_the_store(bool postgres)
    {
        await using var server = await TestServer.StartAsync(options =>
            postgres ? options with { PostgresConnectionString = PostgresServer.CreateDatabase("journalhead") } : options);
        using var admin = server.Admin();

        var heads = await admin.GetFromJsonAsync<SignedJournalHeads>("/api/v1/admin/journal/head");

        var head = Assert.Single(heads!.Heads);
        using var publicKey = JournalSigningKey.LoadPublic(Path.Combine(server.DataDirectory, JournalSigningKey.PublicKeyFile));
        Assert.Equal(JournalChain.NoShard, head.Shard);
        Assert.True(head.Sequence > 0);
        Assert.Equal(publicKey.KeyId, head.KeyId);
        Assert.True(publicKey.Verifies(head));
        await using var connection = await server.Services.GetRequiredService<ExchangeStore>().OpenConnectionAsync();
        var check = Assert.Single(await JournalHeads.CheckAsync(connection, null, heads.Heads, publicKey));
        Assert.True(check.Ok, string.Join("; ", check.Problems));
        Assert.False(publicKey.Verifies(head with { Sequence = head.Sequence - 1 }));
    }

    [Fact]
    public async Task A_token_without_the_admin_scope_is_forbidden()
    {
        await using var server = await TestServer.StartAsync();
        using var trader = server.Client(await server.NewOrganizationAsync("traders", Scopes.MarketRead, Scopes.MarketTrade));
        using var anonymous = server.Client();

        using var forbidden = await trader.GetAsync("/api/v1/admin/journal/head");
        using var unauthorized = await anonymous.GetAsync("/api/v1/admin/journal/head");

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
    }
}
