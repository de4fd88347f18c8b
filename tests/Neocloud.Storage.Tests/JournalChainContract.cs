using System.Buffers.Binary;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Neocloud.Testing;

namespace Neocloud.Storage.Tests;

/// <summary>
/// The journal's hash chain on a real SQLite file and a real PostgreSQL server: every commit chains its rows, across
/// batches and reopened stores, and a row edited, deleted or moved with plain SQL is named by its sequence.
/// </summary>
public abstract class JournalChainContract : StoreContractBase
{
    [Fact]
    public async Task Every_commit_chains_its_rows_across_batches_and_a_reopened_store()
    {
        await CommitAsync(Store, 1, 2);
        await CommitAsync(Store, 3, 3);
        await using (var reopened = await ExchangeStore.OpenAsync(Store.Options))
        {
            // A new store object knows no head: it reads the stored one, as after a restart or a kill.
            await CommitAsync(reopened, 4, 6);
        }
        await CommitAsync(Store, 7, 7);

        var walk = await WalkAsync();

        Assert.Empty(walk.Problems);
        Assert.Equal((7L, 1L, 7L), (walk.Rows, walk.FirstSequence, walk.LastSequence));
        var expected = JournalChain.Genesis.ToArray();
        for (var sequence = 1; sequence <= 7; sequence++) expected = JournalChain.Of(expected, JournalChain.NoShard, Entry(sequence));
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(walk.Head));
    }

    [Fact]
    public async Task A_row_edited_with_sql_is_named_by_its_sequence()
    {
        await CommitAsync(Store, 1, 6);
        await ExecuteAsync("UPDATE journal SET command = '{\"op\":\"cancel\",\"id\":\"b9\"}' WHERE sequence = 4");

        Assert.Equal(new[] { 4L }, Sequences(await WalkAsync()));
    }

    [Fact]
    public async Task A_row_edited_with_its_hash_recomputed_breaks_the_chain_at_the_next_row()
    {
        await CommitAsync(Store, 1, 6);
        var forged = JournalChain.Of(await HashOfAsync(2), JournalChain.NoShard, Entry(3) with { OrganizationId = "mallory" });
        await ExecuteAsync("UPDATE journal SET organization_id = 'mallory', hash = @forged WHERE sequence = 3", new { forged });

        Assert.Equal(new[] { 4L }, Sequences(await WalkAsync()));
    }

    [Fact]
    public async Task A_deleted_row_is_named_as_missing_and_the_row_after_it_no_longer_follows()
    {
        await CommitAsync(Store, 1, 6);
        await ExecuteAsync("DELETE FROM journal WHERE sequence = 3");

        var walk = await WalkAsync();

        Assert.Equal([3L, 4L], Sequences(walk));
        Assert.StartsWith("missing: row 3 was deleted", walk.Problems[0].Problem);
    }

    [Fact]
    public async Task Two_rows_whose_commands_are_swapped_are_both_named()
    {
        await CommitAsync(Store, 1, 6);
        await using (var connection = await Store.OpenConnectionAsync())
        {
            var (second, fifth) = (await CommandOfAsync(connection, 2), await CommandOfAsync(connection, 5));
            await connection.ExecuteAsync("UPDATE journal SET command = @command WHERE sequence = 2", new { command = fifth });
            await connection.ExecuteAsync("UPDATE journal SET command = @command WHERE sequence = 5", new { command = second });
        }

        Assert.Equal(new[] { 2L, 5L }, Sequences(await WalkAsync()));
    }

    [Fact]
    public async Task Two_whole_rows_whose_sequences_are_swapped_are_both_named_and_the_row_after_them_no_longer_follows()
    {
        await CommitAsync(Store, 1, 6);
        await ExecuteAsync("UPDATE journal SET sequence = -2 WHERE sequence = 2");
        await ExecuteAsync("UPDATE journal SET sequence = 2 WHERE sequence = 3");
        await ExecuteAsync("UPDATE journal SET sequence = 3 WHERE sequence = -2");

        // Row 4 is intact, but the hash stored before it is now row 2's: the link into it broke too.
        Assert.Equal(new[] { 2L, 3L, 4L }, Sequences(await WalkAsync()));
    }

    [Fact]
    public async Task A_commit_after_a_row_whose_hash_was_erased_goes_through_and_the_break_is_reported()
    {
        await CommitAsync(Store, 1, 3);
        await ExecuteAsync("UPDATE journal SET hash = NULL WHERE sequence = 3");

        await using (var reopened = await ExchangeStore.OpenAsync(Store.Options))
        {
            await CommitAsync(reopened, 4, 4);
        }

        Assert.Equal(new[] { 3L, 4L }, Sequences(await WalkAsync()));
    }

    [Fact]
    public async Task A_store_of_schema_2_gets_its_journal_chained_at_upgrade_and_continues_the_chain()
    {
        await CommitAsync(Store, 1, 4);
        await CommitAsync(Store, 1, 2, shard: "hopper");
        await CommitAsync(Store, 1, 3, shard: "instinct");
        // What version 2 left: no hash column, schema 2.
        await ExecuteAsync("ALTER TABLE journal DROP COLUMN hash");
        await ExecuteAsync("ALTER TABLE shard_journal DROP COLUMN hash");
        await ExecuteAsync("UPDATE schema_version SET version = 2");

        await using (var upgraded = await ExchangeStore.OpenAsync(Store.Options))
        {
            await CommitAsync(upgraded, 5, 6);
            await CommitAsync(upgraded, 3, 3, shard: "hopper");
        }

        await using var connection = await Store.OpenConnectionAsync();
        Assert.Equal((long)ExchangeStore.SchemaVersion, await connection.ExecuteScalarAsync<long>("SELECT version FROM schema_version WHERE id = 1"));
        var journal = await JournalAudit.WalkAsync(connection, null, JournalChain.NoShard);
        var shard = await JournalAudit.WalkAsync(connection, null, "hopper");
        var other = await JournalAudit.WalkAsync(connection, null, "instinct");
        Assert.Equal((6L, 0), (journal.Rows, journal.Problems.Count));
        Assert.Equal((3L, 0), (shard.Rows, shard.Problems.Count));
        Assert.Equal((3L, 0), (other.Rows, other.Problems.Count));
    }

    [Fact]
    public async Task Each_cluster_shard_has_a_chain_of_its_own()
    {
        await CommitAsync(Store, 1, 2, shard: "hopper");
        await CommitAsync(Store, 1, 3, shard: "instinct");
        await CommitAsync(Store, 3, 4, shard: "hopper");
        await ExecuteAsync("UPDATE shard_journal SET command = '{\"op\":\"cancel\",\"id\":\"x\"}' WHERE shard = 'instinct' AND sequence = 2");

        await using var connection = await Store.OpenConnectionAsync();
        var hopper = await JournalAudit.WalkAsync(connection, null, "hopper");
        var instinct = await JournalAudit.WalkAsync(connection, null, "instinct");

        Assert.Equal(["hopper", "instinct"], await JournalAudit.JournalsAsync(connection, null));
        Assert.Equal((4L, 0), (hopper.Rows, hopper.Problems.Count));
        Assert.Equal([2L], instinct.Problems.Select(p => p.Sequence));
    }

    [Fact]
    public async Task A_row_hashes_its_actor_and_an_edited_or_erased_actor_is_named_by_its_sequence()
    {
        // Rows with an actor and rows without (as an upgraded store holds them) in one chain.
        await CommitAsync(Store, 1, 7, row: Acted);
        var clean = await WalkAsync();
        var expected = JournalChain.Genesis.ToArray();
        for (var sequence = 1; sequence <= 7; sequence++) expected = JournalChain.Of(expected, JournalChain.NoShard, Acted(sequence));

        await ExecuteAsync("UPDATE journal SET actor = @actor WHERE sequence = 4", new { actor = new JournalActor(JournalActor.TokenKind, "tok_4", "mallory").Text });
        await ExecuteAsync("UPDATE journal SET actor = NULL WHERE sequence = 5");
        await ExecuteAsync("UPDATE journal SET actor = @actor WHERE sequence = 6", new { actor = JournalActor.Exchange.Text });

        Assert.Empty(clean.Problems);
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(clean.Head));
        Assert.Equal(new[] { 4L, 5L, 6L }, Sequences(await WalkAsync()));
    }

    [Fact]
    public async Task A_row_reads_back_with_its_actor_and_one_without_it_reads_back_without()
    {
        await CommitAsync(Store, 1, 2, row: Acted);
        await CommitAsync(Store, 1, 2, shard: "hopper", row: Acted);

        var journal = await Store.ReadJournalAsync(0).ToListAsync();
        var shard = await Store.ReadShardJournalAsync("hopper", 0).ToListAsync();

        Assert.Equal([Acted(1), Acted(2)], journal);
        Assert.Equal([Acted(1), Acted(2)], shard);
    }

    /// <summary>A row that names a token as its actor (a row of every even sequence names none, as rows written before actors were journaled).</summary>
    private static JournalEntry Acted(long sequence) =>
        Entry(sequence) with { Actor = sequence % 2 == 0 ? null : new JournalActor(JournalActor.TokenKind, $"tok_{sequence}", "desk \"bot\" é").Text };

    private static JournalEntry Entry(long sequence) =>
        new(sequence, 1_800_000_000_000 + sequence, sequence % 2 == 0 ? "msft" : "iren", $$"""{"op":"cancel","id":"o{{sequence}}"}""");

    /// <summary>Commits rows <paramref name="first"/>..<paramref name="last"/> in one batch (in a shard, moving its fence as the exchange does).</summary>
    private static Task CommitAsync(ExchangeStore store, long first, long last, string? shard = null, Func<long, JournalEntry>? row = null)
    {
        var rows = new List<JournalEntry>();
        for (var sequence = first; sequence <= last; sequence++) rows.Add((row ?? Entry)(sequence));
        return CommitJournalAsync(store, rows, shard);
    }

    private async Task<ChainWalk> WalkAsync()
    {
        await using var connection = await Store.OpenConnectionAsync();
        return await JournalAudit.WalkAsync(connection, null, JournalChain.NoShard);
    }

    private async Task<byte[]> HashOfAsync(long sequence)
    {
        await using var connection = await Store.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<byte[]>("SELECT hash FROM journal WHERE sequence = @sequence", new { sequence }) ?? [];
    }

    private static async Task<string> CommandOfAsync(DbConnection connection, long sequence) =>
        await connection.ExecuteScalarAsync<string>("SELECT command FROM journal WHERE sequence = @sequence", new { sequence }) ?? "";

    private async Task ExecuteAsync(string sql, object? parameters = null)
    {
        await using DbConnection connection = await Store.OpenConnectionAsync();
        await connection.ExecuteAsync(sql, parameters);
    }

    private static long[] Sequences(ChainWalk walk) => walk.Problems.Select(p => p.Sequence).ToArray();
}

public sealed class SqliteJournalChainTests : JournalChainContract, IDisposable
{
    private readonly TempDirectory _directory = new("neocloud-chain-");

    protected override StoreOptions CreateOptions() => StoreOptions.SqliteFile(_directory.File("exchange.db"));

    public void Dispose() => _directory.Dispose();
}

public sealed class PostgresJournalChainTests : JournalChainContract
{
    protected override StoreOptions CreateOptions() => StoreOptions.Postgres(PostgresServer.CreateDatabase("chain"));
}

/// <summary>The chain's bytes: a row without an actor hashes as every row did before actors were journaled, so older journals keep verifying.</summary>
public sealed class JournalChainBytesTests
{
    private static readonly JournalEntry s_row = new(3, 1_800_000_000_003, "iren", """{"op":"cancel","id":"o3"}""");
    private static readonly byte[] s_previous = [.. Enumerable.Range(0, JournalChain.HashSize).Select(i => (byte)i)];

    [Fact]
    public void A_row_without_an_actor_hashes_as_rows_did_before_actors_were_journaled()
    {
        // Schema 3 to 8: previous hash ‖ shard ‖ sequence ‖ time ‖ organization ‖ command.
        var before = SHA256.HashData([.. s_previous, .. Text("hopper"), .. Number(3), .. Number(1_800_000_000_003), .. Text("iren"), .. Text(s_row.Command)]);

        Assert.Equal(before, JournalChain.Of(s_previous, "hopper", s_row));
    }

    [Fact]
    public void A_row_with_an_actor_hashes_it_after_the_command_length_prefixed()
    {
        var actor = new JournalActor(JournalActor.PersonKind, "sub-1", "Ana Souza").Text;
        var with = SHA256.HashData([.. s_previous, .. Text(""), .. Number(3), .. Number(1_800_000_000_003), .. Text("iren"), .. Text(s_row.Command), .. Text(actor)]);

        Assert.Equal(with, JournalChain.Of(s_previous, "", s_row with { Actor = actor }));
        Assert.NotEqual(JournalChain.Of(s_previous, "", s_row with { Actor = "" }), JournalChain.Of(s_previous, "", s_row));
    }

    private static byte[] Text(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return [.. Number32(bytes.Length), .. bytes];
    }

    private static byte[] Number32(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] Number(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        return bytes;
    }
}
