using Dapper;
using Microsoft.Data.Sqlite;
using Neocloud.Storage;
using Neocloud.Testing;

namespace Neocloud.Cli.Tests.Server;

/// <summary>
/// What <c>restore</c> checks before it writes anything: the backup's own checksum over every row (a flipped bit that
/// SQLite's integrity check cannot see is found), a schema this build reads; an old backup without a checksum is
/// restored with a warning. Backups and restored stores are owner-only.
/// </summary>
public sealed class BackupChecksTests : IAsyncLifetime
{
    private const int Organizations = 14;

    private readonly TempDirectory _root = new("neocloud-backup-checks-");
    private string _data = "";

    public async Task InitializeAsync()
    {
        _data = Path.Combine(_root.Path, "data");
        Directory.CreateDirectory(_data);
        await using var store = await ExchangeStore.OpenAsync(StoreOptions.SqliteFile(Path.Combine(_data, "exchange.db")));
        var batch = new CommitBatch();
        for (var i = 0; i < Organizations; i++) batch.Facts.Add(new OrganizationCreated(new OrganizationRecord($"org-{i:00}", Name(i), 1_700_000_000_000 + i)));
        await store.CommitAsync(batch);
    }

    public Task DisposeAsync()
    {
        _root.Dispose();
        return Task.CompletedTask;
    }

    private static string Name(int i) => $"Flip Target Organization {i:00}";

    private string Backup()
    {
        var file = Path.Combine(_root.Path, $"backup-{Guid.NewGuid():N}.db");
        var run = CliRun.Of("backup", "--data", _data, "--to", file);
        Assert.True(run.ExitCode == 0, run.Error);
        return file;
    }

    private string Target() => Path.Combine(_root.Path, $"restored-{Guid.NewGuid():N}");

    /// <summary>A copy of the backup with one bit flipped at <paramref name="offset"/>.</summary>
    private string Flipped(string backup, long offset, int bit)
    {
        var bytes = File.ReadAllBytes(backup);
        bytes[offset] ^= (byte)(1 << bit);
        var file = Path.Combine(_root.Path, $"flipped-{Guid.NewGuid():N}.db");
        File.WriteAllBytes(file, bytes);
        return file;
    }

    [Fact]
    public void Restore_refuses_a_backup_whose_rows_a_flipped_bit_changed_and_writes_nothing()
    {
        var backup = Backup();
        var bytes = File.ReadAllBytes(backup);
        var random = new Random(29);

        for (var i = 0; i < Organizations; i++)
        {
            var at = bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(Name(i)));
            Assert.True(at >= 0, $"{Name(i)} is in the backup");
            // A bit of a letter of the name: the row changes, the file's structure does not.
            var flipped = Flipped(backup, at + random.Next(Name(i).Length - 3), random.Next(5));
            var target = Target();

            var restore = CliRun.Of("restore", flipped, "--data", target);
            var verify = CliRun.Of("backup", "verify", flipped);

            Assert.True(restore.ExitCode == 2, $"flip {i}: restored ({restore.Output})");
            Assert.StartsWith("error: ", restore.Error);
            Assert.Contains("checksum", restore.Error);
            Assert.False(Directory.Exists(target), "nothing is written before the checks pass");
            Assert.Equal(2, verify.ExitCode);
        }
    }

    [Fact]
    public void A_bit_flipped_anywhere_is_refused_or_restores_exactly_the_backups_rows()
    {
        var backup = Backup();
        var rows = Rows(backup);
        var length = new FileInfo(backup).Length;
        var random = new Random(6);

        for (var i = 0; i < 14; i++)
        {
            var offset = random.NextInt64(length);
            var flipped = Flipped(backup, offset, random.Next(8));
            var target = Target();

            var restore = CliRun.Of("restore", flipped, "--data", target);

            if (restore.ExitCode == 0) Assert.Equal(rows, Rows(Path.Combine(target, "exchange.db")));
            else Assert.True(restore.ExitCode == 2 && restore.Error.StartsWith("error: ", StringComparison.Ordinal), $"offset {offset}: {restore.Error}");
        }
    }

    [Fact]
    public void Restore_refuses_a_backup_of_a_newer_schema_before_writing_anything()
    {
        var backup = Backup();
        using (var connection = new SqliteConnection($"Data Source={backup};Pooling=False"))
            connection.Execute("UPDATE schema_version SET version = @next WHERE id = 1", new { next = ExchangeStore.SchemaVersion + 1 });
        var target = Target();

        var restore = CliRun.Of("restore", backup, "--data", target);

        Assert.Equal(2, restore.ExitCode);
        Assert.StartsWith("error: the store was written by a newer version", restore.Error);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public void A_backup_without_a_checksum_from_before_is_restored_with_a_warning()
    {
        var backup = Backup();
        using (var connection = new SqliteConnection($"Data Source={backup};Pooling=False"))
            connection.Execute($"DROP TABLE {StoreBackup.ChecksumTable}");
        var target = Target();

        var restore = CliRun.Of("restore", backup, "--data", target);

        Assert.True(restore.ExitCode == 0, restore.Error);
        Assert.StartsWith("warning: ", restore.Error);
        Assert.Contains("has no checksum", restore.Error);
        Assert.Equal(Rows(backup), Rows(Path.Combine(target, "exchange.db")));
    }

    [Fact]
    public void A_faithful_backup_verifies_and_restores_without_a_warning_and_without_its_checksum_table()
    {
        var backup = Backup();
        var target = Target();

        var verify = CliRun.Of("backup", "verify", backup);
        var restore = CliRun.Of("restore", backup, "--data", target);

        Assert.True(verify.ExitCode == 0 && verify.Error.Length == 0, verify.Error);
        Assert.True(restore.ExitCode == 0 && restore.Error.Length == 0, restore.Error);
        Assert.Equal(Rows(backup), Rows(Path.Combine(target, "exchange.db")));
        using var restored = new SqliteConnection($"Data Source={Path.Combine(target, "exchange.db")};Mode=ReadOnly;Pooling=False");
        Assert.Equal(0, restored.ExecuteScalar<long>("SELECT COUNT(*) FROM sqlite_schema WHERE name = @table", new { table = StoreBackup.ChecksumTable }));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Backups_and_restored_stores_are_owner_only_in_an_owner_only_directory()
    {
        var backup = Backup();
        var target = Target();

        var restore = CliRun.Of("restore", backup, "--data", target);

        Assert.True(restore.ExitCode == 0, restore.Error);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(backup));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(target, "exchange.db")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(target));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_data, "exchange.db")));
    }

    /// <summary>Every row of every table but the backup's checksum, as text, table by table.</summary>
    private static List<string> Rows(string file)
    {
        using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        var tables = connection.Query<string>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> @table ORDER BY name",
            new { table = StoreBackup.ChecksumTable }).ToList();
        var rows = new List<string>();
        foreach (var table in tables)
        {
            foreach (IDictionary<string, object?> row in connection.Query($"SELECT * FROM \"{table}\""))
                rows.Add(table + ": " + string.Join(" | ", row.Select(c => $"{c.Key}={(c.Value is byte[] b ? Convert.ToHexString(b) : c.Value)}")));
        }
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }
}
