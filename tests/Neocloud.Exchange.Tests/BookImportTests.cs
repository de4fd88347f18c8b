using Dapper;
using Neocloud.Exchange.Audit;
using Neocloud.Exchange.Offtake;
using Neocloud.Exchange.Shard;

namespace Neocloud.Exchange.Tests;

/// <summary>An older store's contract book, written before the book was journaled, is taken into the journal once at the upgrade.</summary>
public class BookImportTests
{
    [Fact]
    public async Task An_older_stores_book_rows_are_journaled_once_and_then_verified_like_any_other()
    {
        await using var rig = await ShardRig.StartAsync();
        // As an older build left the store: book rows written straight to their tables, none in the journal, schema 5.
        await using (var connection = await rig.Store.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("INSERT INTO rfqs (id, buyer_id, status, closes_ms, created_ms, terms) VALUES ('rfq-old', 'microsoft', 'awarded', 1, 1, '{}')");
            await connection.ExecuteAsync("INSERT INTO offtakes (id, rfq_id, offer_id, buyer_id, seller_id, sku, region, status, terminated_month, created_ms, terms) " +
                "VALUES ('otc-old', 'rfq-old', NULL, 'microsoft', 'iren', 'GB300', 'us-tx', 'active', NULL, 2, '{}')");
            await connection.ExecuteAsync("INSERT INTO offtake_deliveries (contract_id, tranche, month, reported_ms) VALUES ('otc-old', 1, '2026-01', 3)");
            await connection.ExecuteAsync("INSERT INTO price_indices (name, month, value, updated_ms) VALUES ('cpi-old', '2026-01', '100', 4)");
            await connection.ExecuteAsync("UPDATE schema_version SET version = 5");
            // Until they are journaled, verify names each of them as written by no fact.
            var before = await JournalVerifier.VerifyAsync(connection, null);
            Assert.Equal([("offtake_deliveries", "otc-old/1"), ("offtakes", "otc-old"), ("price_indices", "cpi-old/2026-01"), ("rfqs", "rfq-old")],
                before.ReadModels.Select(p => (p.Table, p.Key)).Order());
        }

        await rig.ReopenAsync();
        var imported = await BookImport.RunIfPendingAsync(rig.Market, rig.Store, CancellationToken.None);
        var again = await BookImport.RunIfPendingAsync(rig.Market, rig.Store, CancellationToken.None);

        Assert.Equal((4, 0), (imported, again));
        await using (var connection = await rig.Store.OpenConnectionAsync())
        {
            var after = await JournalVerifier.VerifyAsync(connection, null);
            Assert.True(after.Ok, string.Join("\n", after.ReadModels.Select(p => $"{p.Table} {p.Key} {p.Column}: {p.Problem}")));
            Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM journal WHERE command LIKE '{\"book\":\"book.imported\"%'"));
            await connection.ExecuteAsync("UPDATE offtakes SET status = 'terminated' WHERE id = 'otc-old'");
            var edited = await JournalVerifier.VerifyAsync(connection, null);
            Assert.Equal(("offtakes", "otc-old", "status"), edited.ReadModels.Select(p => (p.Table, p.Key, p.Column)).Single());
        }
    }

    [Fact]
    public async Task An_import_a_stopped_shard_cannot_take_is_left_pending_and_says_to_try_again()
    {
        await using var rig = await ShardRig.StartAsync();
        await using (var connection = await rig.Store.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("INSERT INTO rfqs (id, buyer_id, status, closes_ms, created_ms, terms) VALUES ('rfq-old', 'microsoft', 'open', 1, 1, '{}')");
            await connection.ExecuteAsync("UPDATE schema_version SET version = 5");
        }
        await rig.ReopenAsync();
        await rig.Shard.DisposeAsync();

        // A retryable refusal (a cluster node's start loop retries it), not one that ends the node; nothing was written.
        await Assert.ThrowsAsync<ShardStoppedException>(() => BookImport.RunIfPendingAsync(rig.Market, rig.Store, CancellationToken.None));
        Assert.True(await rig.Store.BookImportPendingAsync());
        await rig.RestartAsync();
        Assert.Equal(1, await BookImport.RunIfPendingAsync(rig.Market, rig.Store, CancellationToken.None));
    }
}
