using System.Data.Common;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Data.Sqlite;
using Neocloud.Storage;
using Neocloud.Testing;
using Npgsql;

namespace Neocloud.Cli.Tests.Server;

/// <summary>
/// <c>neocloud journal head</c> and <c>journal verify --head</c> with the real binary, on stores the demo traders filled
/// (SQLite and PostgreSQL): the key serve creates beside admin.token, a head that verifies (also with the public key
/// alone), and the attack a bare hash chain cannot see — a row edited, every later hash re-computed, the snapshots
/// deleted — caught at the head's sequence; an altered head or another key is refused.
/// </summary>
public sealed class JournalHeadTests : IDisposable
{
    private readonly TempDirectory _root = new("neocloud-journal-head-");

    public void Dispose() => _root.Dispose();

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Serve_creates_the_signing_key_owner_only_beside_admin_token_and_its_public_key_readable()
    {
        var data = Path.Combine(_root.Path, "data");
        using (await ServerProcess.StartAsync(data))
        {
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(data, JournalSigningKey.PrivateKeyFile)));
        Assert.Equal(JournalSigningKey.PublicFile, File.GetUnixFileMode(Path.Combine(data, JournalSigningKey.PublicKeyFile)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
        Assert.True(File.Exists(Path.Combine(data, "admin.token")));
        using var key = JournalSigningKey.Load(data);
        Assert.True(key.CanSign);
        Assert.Equal(key.PublicKeyPem, await File.ReadAllTextAsync(Path.Combine(data, JournalSigningKey.PublicKeyFile)));
    }

    [Fact]
    public async Task A_sqlite_store_verifies_against_its_head_and_a_rewritten_rechained_journal_fails_at_the_heads_sequence()
    {
        var data = Path.Combine(_root.Path, "data");
        var file = Path.Combine(data, "exchange.db");
        using (await ServerProcess.StartAsync(data, "--demo", "--snapshot-every", "20"))
        {
            await JournalGrownAsync(() => Sqlite(file), 40);
        }
        var heads = Path.Combine(_root.Path, "heads.json");

        var signed = await ServerProcess.RunToEndAsync("journal", "head", "--data", data, "--out", heads);
        var verified = await ServerProcess.RunToEndAsync("journal", "verify", "--data", data, "--head", heads);

        Assert.True(signed.ExitCode == 0, signed.Output + signed.Error);
        var head = JsonNode.Parse(await File.ReadAllTextAsync(heads))!["heads"]![0]!;
        var sequence = head["sequence"]!.GetValue<long>();
        Assert.Equal("", head["shard"]!.GetValue<string>());
        Assert.True(verified.ExitCode == 0, verified.Output + verified.Error);
        Assert.Contains($"signed head of journal at {sequence} ok: hash {head["hash"]!.GetValue<string>()[..12]}", verified.Output);

        // An auditor with the store and the public key only: no private key anywhere near.
        var auditor = Path.Combine(_root.Path, "auditor");
        Directory.CreateDirectory(auditor);
        StoreBackup.Copy(file, Path.Combine(auditor, "exchange.db"));
        var publicKey = Path.Combine(_root.Path, "exchange.pub.pem");
        File.Copy(Path.Combine(data, JournalSigningKey.PublicKeyFile), publicKey);
        var audited = await ServerProcess.RunToEndAsync("journal", "verify", "--data", auditor, "--head", heads, "--public-key", publicKey);
        Assert.True(audited.ExitCode == 0, audited.Output + audited.Error);
        Assert.False(File.Exists(Path.Combine(auditor, JournalSigningKey.PrivateKeyFile)));

        // The attack: a middle row's command and organization edited, every later hash re-computed, the snapshots deleted.
        long edited;
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(auditor, "exchange.db")};Pooling=False"))
        {
            edited = await RewriteAsync(connection, sequence / 2);
        }
        var plain = await ServerProcess.RunToEndAsync("journal", "verify", "--data", auditor);
        var anchored = await ServerProcess.RunToEndAsync("journal", "verify", "--data", auditor, "--head", heads, "--public-key", publicKey, "--json");

        Assert.True(plain.ExitCode == 0, "a re-chained journal passes the chain alone: " + plain.Output + plain.Error);
        Assert.True(edited < sequence);
        Assert.Equal(1, anchored.ExitCode);
        var check = JsonDocument.Parse(anchored.Output).RootElement.GetProperty("heads")[0];
        var problem = Assert.Single(check.GetProperty("problems").EnumerateArray());
        Assert.Equal(sequence, problem.GetProperty("sequence").GetInt64());
        Assert.Contains($"a row at or before {sequence} was rewritten", problem.GetProperty("problem").GetString(), StringComparison.Ordinal);
        var text = await ServerProcess.RunToEndAsync("journal", "verify", "--data", auditor, "--head", heads, "--public-key", publicKey);
        Assert.Contains($"signed head of journal at {sequence} BROKEN: 1 problem(s)", text.Output);
        Assert.Contains($"  sequence {sequence}: the signed head's hash is ", text.Output);

        // The attacker cannot re-record the head either: its hash changed to the rewritten one, the signature no longer verifies.
        string rewrittenHash;
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(auditor, "exchange.db")};Mode=ReadOnly;Pooling=False"))
        {
            rewrittenHash = Convert.ToHexStringLower((await connection.ExecuteScalarAsync<byte[]>("SELECT hash FROM journal WHERE sequence = @sequence", new { sequence }))!);
        }
        var forged = await WriteHeadAsync("forged.json", heads, h => h["hash"] = rewrittenHash);
        var refused = await ServerProcess.RunToEndAsync("journal", "verify", "--data", auditor, "--head", forged, "--public-key", publicKey);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"  sequence {sequence}: the head's signature does not verify", refused.Output);
    }

    [Fact]
    public async Task A_head_with_an_altered_signature_or_from_another_key_is_refused_and_bad_input_is_one_line_exit_2()
    {
        var data = Path.Combine(_root.Path, "data");
        using (await ServerProcess.StartAsync(data))
        {
        }
        var heads = Path.Combine(_root.Path, "heads.json");
        Assert.Equal(0, (await ServerProcess.RunToEndAsync("journal", "head", "--data", data, "--out", heads)).ExitCode);

        var altered = await WriteHeadAsync("altered.json", heads, h =>
        {
            var signature = Convert.FromBase64String(h["signature"]!.GetValue<string>());
            signature[^1] ^= 0x01;
            h["signature"] = Convert.ToBase64String(signature);
        });
        var otherKey = Path.Combine(_root.Path, "other.pub.pem");
        using (var other = ECDsa.Create(ECCurve.NamedCurves.nistP256)) await File.WriteAllTextAsync(otherKey, other.ExportSubjectPublicKeyInfoPem());
        var notJson = Path.Combine(_root.Path, "not.json");
        await File.WriteAllTextAsync(notJson, "sequence 12, hash 3f9a");

        var badSignature = await ServerProcess.RunToEndAsync("journal", "verify", "--data", data, "--head", altered);
        var fromOtherKey = await ServerProcess.RunToEndAsync("journal", "verify", "--data", data, "--head", heads, "--public-key", otherKey);
        var garbage = CliRun.Of("journal", "verify", "--data", data, "--head", notJson);
        var noKey = CliRun.Of("journal", "head", "--data", _root.Path);
        var noPublicKey = CliRun.Of("journal", "verify", "--data", data, "--head", heads, "--public-key", Path.Combine(_root.Path, "missing.pem"));

        Assert.Equal(1, badSignature.ExitCode);
        Assert.Contains("the head's signature does not verify", badSignature.Output);
        Assert.Equal(1, fromOtherKey.ExitCode);
        Assert.Contains("the head was signed by another key", fromOtherKey.Output);
        Assert.Equal((2, 2, 2), (garbage.ExitCode, noKey.ExitCode, noPublicKey.ExitCode));
        Assert.StartsWith($"error: --head: {notJson} is not a journal head file", garbage.Error);
        Assert.StartsWith($"error: --data: no journal signing key at {Path.Combine(_root.Path, JournalSigningKey.PrivateKeyFile)}", noKey.Error);
        Assert.StartsWith("error: --public-key: no public key at", noPublicKey.Error);
        Assert.All(new[] { garbage, noKey, noPublicKey }, run => Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task A_postgresql_store_signs_with_the_key_in_data_and_a_rewritten_rechained_journal_fails_at_the_heads_sequence()
    {
        var db = PostgresServer.CreateDatabase("journalhead");
        var data = Path.Combine(_root.Path, "pg");
        using (await ServerProcess.StartAsync(data, "--db", db, "--demo", "--snapshot-every", "20"))
        {
            await JournalGrownAsync(() => new NpgsqlConnection(db), 30);
        }
        var heads = Path.Combine(_root.Path, "heads.json");

        var signed = await ServerProcess.RunToEndAsync("journal", "head", "--db", db, "--data", data, "--out", heads);
        var clean = await ServerProcess.RunToEndAsync("journal", "verify", "--db", db, "--data", data, "--head", heads);
        long edited;
        await using (var connection = new NpgsqlConnection(db))
        {
            edited = await RewriteAsync(connection, await connection.ExecuteScalarAsync<long>("SELECT MAX(sequence) / 2 FROM journal"));
        }
        var plain = await ServerProcess.RunToEndAsync("journal", "verify", "--db", db);
        var anchored = await ServerProcess.RunToEndAsync("journal", "verify", "--db", db, "--head", heads, "--public-key",
            Path.Combine(data, JournalSigningKey.PublicKeyFile));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(data, JournalSigningKey.PrivateKeyFile)));
        Assert.True(signed.ExitCode == 0, signed.Output + signed.Error);
        var sequence = JsonNode.Parse(await File.ReadAllTextAsync(heads))!["heads"]![0]!["sequence"]!.GetValue<long>();
        Assert.True(clean.ExitCode == 0, clean.Output + clean.Error);
        Assert.Contains($"signed head of journal at {sequence} ok", clean.Output);
        Assert.True(edited < sequence);
        Assert.True(plain.ExitCode == 0, plain.Output + plain.Error);
        Assert.Equal(1, anchored.ExitCode);
        Assert.Contains($"signed head of journal at {sequence} BROKEN: 1 problem(s)", anchored.Output);
        Assert.Contains($"  sequence {sequence}: the signed head's hash is ", anchored.Output);
    }

    /// <summary>
    /// Rewrites the one-machine journal as an attacker with the database would: the row at <paramref name="from"/> gets
    /// another organization and a changed command, every hash from it on is re-computed with the chain's own function,
    /// and the snapshots are deleted; returns the edited sequence.
    /// </summary>
    private static async Task<long> RewriteAsync(DbConnection connection, long from)
    {
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var previous = from == 1
            ? JournalChain.Genesis.ToArray()
            : await connection.ExecuteScalarAsync<byte[]>("SELECT hash FROM journal WHERE sequence = @sequence", new { sequence = from - 1 }, transaction);
        var rows = (await connection.QueryAsync<JournalEntry>(
            "SELECT sequence AS Sequence, recorded_ms AS RecordedMs, organization_id AS OrganizationId, command AS Command, actor AS Actor FROM journal " +
            "WHERE sequence >= @from ORDER BY sequence",
            new { from }, transaction)).ToList();
        foreach (var row in rows)
        {
            var entry = row.Sequence == from ? row with { OrganizationId = "mallory", Command = row.Command + " " } : row;
            previous = JournalChain.Of(previous!, JournalChain.NoShard, entry);
            await connection.ExecuteAsync("UPDATE journal SET organization_id = @organization, command = @command, hash = @hash WHERE sequence = @sequence",
                new { organization = entry.OrganizationId, command = entry.Command, hash = previous, sequence = entry.Sequence }, transaction);
        }
        await connection.ExecuteAsync("DELETE FROM snapshots", transaction: transaction);
        await transaction.CommitAsync();
        return from;
    }

    /// <summary>Writes a copy of the head file with its first head changed.</summary>
    private async Task<string> WriteHeadAsync(string name, string heads, Action<JsonNode> change)
    {
        var document = JsonNode.Parse(await File.ReadAllTextAsync(heads))!;
        change(document["heads"]![0]!);
        var path = Path.Combine(_root.Path, name);
        await File.WriteAllTextAsync(path, document.ToJsonString());
        return path;
    }

    /// <summary>Waits until the journal holds <paramref name="rows"/> more rows than at the first look and a snapshot exists.</summary>
    private static async Task JournalGrownAsync(Func<DbConnection> open, long rows)
    {
        async Task<(long Rows, long Snapshots)> Count()
        {
            await using var connection = open();
            return (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM journal"), await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM snapshots"));
        }
        var start = (await Count()).Rows;
        await Eventually.UntilAsync(Count, c => c.Rows >= start + rows && c.Snapshots > 0, $"the demo traders' journal past {start + rows} rows, with a snapshot");
    }

    private static SqliteConnection Sqlite(string file) => new($"Data Source={file};Mode=ReadOnly;Pooling=False");
}
