using Dapper;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Audit;
using Neocloud.Exchange.Shard;

namespace Neocloud.Exchange.Tests;

/// <summary>An older store's configuration, written before it was journaled, is taken into the journal once at the upgrade.</summary>
public class ConfigImportTests
{
    [Fact]
    public async Task An_older_stores_configuration_rows_are_journaled_once_and_then_verified_like_any_other()
    {
        await using var rig = await ShardRig.StartAsync();
        // As an older build left the store: configuration rows written straight to their tables, none in the journal, schema 6.
        await using (var connection = await rig.Store.OpenConnectionAsync())
        {
            await WriteOlderConfigurationAsync(connection);
            await connection.ExecuteAsync("UPDATE schema_version SET version = 6");
            // Until they are journaled, verify names each of them as written by no fact.
            var before = await JournalVerifier.VerifyAsync(connection, null);
            Assert.Equal([("api_tokens", "tok_old"), ("organizations", "lab"), ("procurements", "prc_old"), ("webhooks", "wh_old")],
                before.ReadModels.Select(p => (p.Table, p.Key)).Order());
        }

        await rig.ReopenAsync();
        var imported = await ConfigImport.RunIfPendingAsync(rig.Market, rig.Store, CancellationToken.None);
        var again = await ConfigImport.RunIfPendingAsync(rig.Market, rig.Store, CancellationToken.None);

        Assert.Equal((4, 0), (imported, again));
        await using (var connection = await rig.Store.OpenConnectionAsync())
        {
            var after = await JournalVerifier.VerifyAsync(connection, null);
            Assert.True(after.Ok, string.Join("\n", after.ReadModels.Select(p => $"{p.Table} {p.Key} {p.Column}: {p.Problem}")));
            var line = await connection.ExecuteScalarAsync<string>("SELECT command FROM journal WHERE command LIKE '{\"book\":\"config.imported\"%'");
            // The token by its hash and the hook's secret as stored (encrypted); no secret in clear.
            Assert.Contains("dp1:sealed", line);
            await connection.ExecuteAsync("UPDATE api_tokens SET scopes = 'admin' WHERE id = 'tok_old'");
            var edited = await JournalVerifier.VerifyAsync(connection, null);
            Assert.Equal(("api_tokens", "tok_old", "scopes"), edited.ReadModels.Select(p => (p.Table, p.Key, p.Column)).Single());
        }
    }

    [Fact]
    public async Task An_import_a_stopped_shard_cannot_take_is_left_pending_and_says_to_try_again()
    {
        await using var rig = await ShardRig.StartAsync();
        await using (var connection = await rig.Store.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("INSERT INTO organizations (id, name, created_ms) VALUES ('lab', 'Lab', 1)");
            await connection.ExecuteAsync("UPDATE schema_version SET version = 6");
        }
        await rig.ReopenAsync();
        await rig.Shard.DisposeAsync();

        await Assert.ThrowsAsync<ShardStoppedException>(() => ConfigImport.RunIfPendingAsync(rig.Market, rig.Store, CancellationToken.None));
        Assert.True(await rig.Store.ConfigImportPendingAsync());
        await rig.RestartAsync();
        Assert.Equal(1, await ConfigImport.RunIfPendingAsync(rig.Market, rig.Store, CancellationToken.None));
        Assert.False(await rig.Store.ConfigImportPendingAsync());
    }

    [Fact]
    public async Task A_current_store_has_nothing_to_import()
    {
        await using var rig = await ShardRig.StartAsync();

        Assert.Equal(0, await ConfigImport.RunIfPendingAsync(rig.Market, rig.Store, CancellationToken.None));
    }

    private static async Task WriteOlderConfigurationAsync(System.Data.Common.DbConnection connection)
    {
        await connection.ExecuteAsync("INSERT INTO organizations (id, name, created_ms, rate_limit) VALUES ('lab', 'Lab', 1, 50)");
        await connection.ExecuteAsync("INSERT INTO api_tokens (id, organization_id, token_hash, scopes, label, created_ms, revoked_ms, expires_ms, last_used_ms) " +
            "VALUES ('tok_old', 'lab', @hash, 'market:read market:trade', 'desk', 2, NULL, 99999999999999, 5)", new { hash = new byte[32] });
        await connection.ExecuteAsync("INSERT INTO webhooks (id, organization_id, url, types, description, secret, status, created_ms, cursor_seq, generation, attempts) " +
            "VALUES ('wh_old', 'lab', 'https://hooks.example.com/a', '', 'old', 'dp1:sealed', 'active', 3, 0, 0, 0)");
        await connection.ExecuteAsync("INSERT INTO procurements (id, organization_id, sku, region, gpus, horizon_hours, block_hours, max_price_ticks, status, " +
            "next_bid, created_ms, stopped_ms, alternatives) VALUES ('prc_old', 'lab', 'GB300', NULL, 8, 720, 168, 31000, 'active', 3, 4, NULL, NULL)");
    }
}
