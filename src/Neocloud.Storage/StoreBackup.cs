using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Neocloud.Storage;

/// <summary>What a store holds, to compare a backup with its source or a restore with its backup.</summary>
/// <param name="SchemaVersion">The store's schema version.</param>
/// <param name="JournalSequence">The last journal sequence (the one-machine journal, or the highest of any shard's).</param>
/// <param name="Orders">Orders in the read model.</param>
/// <param name="Trades">Trades.</param>
/// <param name="Contracts">Offtake contracts.</param>
/// <param name="StateHash">SHA-256 (hex) of every row of the ledger's tables — orders, portfolios, trades, offtake
/// contracts, deliveries and SLA reports — in key order: equal hashes, equal ledgers.</param>
public sealed record StoreSummary(long SchemaVersion, long JournalSequence, long Orders, long Trades, long Contracts, string StateHash);

/// <summary>
/// Backups of a SQLite store taken while the exchange runs (SQLite's online backup API copies one consistent snapshot
/// of the file, whatever the server commits meanwhile), their verification, and restoring one into a new data directory.
/// A backup carries its own checksum: a SHA-256 of its schema and of every row of every table, taken when it was
/// written and kept in it (table <c>backup_checksum</c>), so that a change to its contents — a flipped bit that SQLite's
/// integrity check cannot see — is found before it is restored. Backups and restored stores are owner-only (0600), a
/// restored store's directory 0700. A PostgreSQL store is backed up with <c>pg_dump</c> (docs/deploy.md) and verified
/// with the same summary.
/// </summary>
public static class StoreBackup
{
    /// <summary>The table a backup keeps its checksum in (one row; not in a store, and not restored).</summary>
    public const string ChecksumTable = "backup_checksum";

    /// <summary>How the checksum is computed: this version's row encoding, SHA-256.</summary>
    public const string ChecksumAlgorithm = "sha256-rows-1";

    /// <summary>The ledger's tables and their keys: what the state hash covers.</summary>
    private static readonly (string Table, string Key)[] s_ledger =
    [
        ("orders", "id"), ("portfolios", "id"), ("trades", "trade_no"), ("offtakes", "id"),
        ("offtake_deliveries", "contract_id, tranche"), ("offtake_sla", "contract_id, month"),
    ];

    /// <summary>
    /// Copies the SQLite store <paramref name="sourceFile"/> to <paramref name="destinationFile"/>, which must not exist,
    /// created owner-only (0600), and writes the copy's checksum into it.
    /// </summary>
    public static void Copy(string sourceFile, string destinationFile)
    {
        CopyFile(sourceFile, destinationFile);
        using var backup = Open(destinationFile, readOnly: false);
        backup.Execute($"DROP TABLE IF EXISTS {ChecksumTable}");
        var checksum = ContentHash(backup);
        backup.Execute($"CREATE TABLE {ChecksumTable} (id INTEGER PRIMARY KEY CHECK (id = 1), algorithm TEXT NOT NULL, content_hash TEXT NOT NULL)");
        backup.Execute($"INSERT INTO {ChecksumTable} (id, algorithm, content_hash) VALUES (1, @algorithm, @checksum)", new { algorithm = ChecksumAlgorithm, checksum });
    }

    /// <summary>
    /// Checks a SQLite file's integrity and, for a backup, its checksum, and summarizes it; throws
    /// <see cref="InvalidDataException"/> when it is damaged or its contents changed since the backup was taken.
    /// <paramref name="warn"/> hears of a backup that has no checksum (taken before backups carried one): only its
    /// integrity could be checked.
    /// </summary>
    public static async Task<StoreSummary> VerifySqliteAsync(string file, Action<string>? warn = null, CancellationToken cancellationToken = default)
    {
        await using var connection = Open(file, readOnly: true);
        await CheckAsync(connection, file, warn, cancellationToken);
        return await SummarizeAsync(connection, cancellationToken);
    }

    /// <summary>Summarizes an open store (SQLite or PostgreSQL).</summary>
    public static async Task<StoreSummary> SummarizeAsync(DbConnection connection, CancellationToken cancellationToken = default)
    {
        async Task<long> Scalar(string sql) => await connection.ExecuteScalarAsync<long?>(new CommandDefinition(sql, cancellationToken: cancellationToken)) ?? 0;
        var version = await Scalar("SELECT version FROM schema_version WHERE id = 1");
        var journal = Math.Max(await Scalar("SELECT MAX(sequence) FROM journal"), await Scalar("SELECT MAX(sequence) FROM shard_journal"));
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (table, key) in s_ledger)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {table} ORDER BY {key}";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var row = new StringBuilder();
            while (await reader.ReadAsync(cancellationToken))
            {
                row.Clear().Append(table);
                for (var i = 0; i < reader.FieldCount; i++)
                    row.Append('\u001f').Append(reader.IsDBNull(i) ? "\u2400" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture));
                sha.AppendData(Encoding.UTF8.GetBytes(row.Append('\u001e').ToString()));
            }
        }
        return new StoreSummary(version, journal, await Scalar("SELECT COUNT(*) FROM orders"), await Scalar("SELECT COUNT(*) FROM trades"),
            await Scalar("SELECT COUNT(*) FROM offtakes"), Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    /// <summary>
    /// Restores a backup into <paramref name="dataDirectory"/>, which must be missing or empty, as its <c>exchange.db</c>;
    /// returns the restored store's summary. Nothing is written until the backup passed every check: its integrity, a
    /// schema this build reads (a newer one is refused with <see cref="StoreVersionException"/>), and its checksum (a
    /// backup without one is restored after a warning to <paramref name="warn"/>). The directory is made 0700, the store 0600.
    /// </summary>
    public static async Task<StoreSummary> RestoreAsync(string backupFile, string dataDirectory, Action<string>? warn = null,
        CancellationToken cancellationToken = default)
    {
        var backup = await VerifySqliteAsync(backupFile, warn, cancellationToken);
        if (Directory.Exists(dataDirectory) && Directory.EnumerateFileSystemEntries(dataDirectory).Any())
            throw new IOException($"{dataDirectory} is not empty; restore into a new or empty directory");
        StoreFiles.PrivateDirectory(dataDirectory);
        var target = Path.Combine(dataDirectory, "exchange.db");
        string expected;
        await using (var source = Open(backupFile, readOnly: true))
            expected = ContentHash(source);
        CopyFile(backupFile, target);
        await using (var restoredStore = Open(target, readOnly: false))
        {
            // The checksum belongs to the backup, not to the store: a backup of the restored store takes its own.
            await restoredStore.ExecuteAsync($"DROP TABLE IF EXISTS {ChecksumTable}");
            if (ContentHash(restoredStore) != expected) throw new InvalidDataException($"the store restored into {target} differs from the backup {backupFile}");
        }
        var restored = await VerifySqliteAsync(target, cancellationToken: cancellationToken);
        return restored == backup ? restored : throw new InvalidDataException($"the restored store differs from the backup ({restored.StateHash} vs {backup.StateHash})");
    }

    /// <summary>Integrity, schema version and checksum, in that order; throws at the first that fails.</summary>
    private static async Task CheckAsync(SqliteConnection connection, string file, Action<string>? warn, CancellationToken cancellationToken)
    {
        var check = await connection.ExecuteScalarAsync<string>(new CommandDefinition("PRAGMA integrity_check", cancellationToken: cancellationToken));
        if (check != "ok") throw new InvalidDataException($"{file} is damaged: {check}");
        if (!await TableExistsAsync(connection, "schema_version")) throw new InvalidDataException($"{file} is not an exchange store or backup: it has no schema_version");
        if (await connection.ExecuteScalarAsync<long?>("SELECT version FROM schema_version WHERE id = 1") is { } version && version > ExchangeStore.SchemaVersion)
            throw new StoreVersionException(version, ExchangeStore.SchemaVersion);
        if (!await TableExistsAsync(connection, ChecksumTable))
        {
            warn?.Invoke($"{file} has no checksum (a backup taken before backups carried one): its integrity is checked, its rows cannot be");
            return;
        }
        var recorded = await connection.QueryFirstOrDefaultAsync<(string Algorithm, string Hash)>(
            $"SELECT algorithm, content_hash FROM {ChecksumTable} WHERE id = 1");
        if (recorded.Algorithm != ChecksumAlgorithm)
            throw new InvalidDataException($"{file}: its checksum is of an unknown kind ('{recorded.Algorithm}'), or damaged");
        var actual = ContentHash(connection);
        if (actual != recorded.Hash)
            throw new InvalidDataException($"{file} is damaged: its contents do not match the checksum taken when it was written (sha256 {actual}, recorded {recorded.Hash})");
    }

    /// <summary>
    /// SHA-256 (hex) of the file's schema (every table, index, view and trigger, by name) and of every row of every
    /// table in rowid order, each value with its type and length, the checksum table excepted.
    /// </summary>
    private static string ContentHash(SqliteConnection connection)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var schema = connection.Query<(string Type, string Name, string? Sql)>(
            "SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' AND name <> @table ORDER BY type, name", new { table = ChecksumTable }).ToList();
        foreach (var (type, name, sql) in schema)
        {
            Text(sha, 's', type);
            Text(sha, 's', name);
            Text(sha, 's', sql);
        }
        foreach (var (_, table, _) in schema.Where(s => s.Type == "table"))
        {
            var withoutRowid = connection.ExecuteScalar<long>("SELECT wr FROM pragma_table_list WHERE name = @table", new { table }) == 1;
            using var command = connection.CreateCommand();
            var quoted = "\"" + table.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            command.CommandText = withoutRowid ? $"SELECT * FROM {quoted} ORDER BY 1" : $"SELECT * FROM {quoted} ORDER BY rowid";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                Text(sha, 'r', table);
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    switch (reader.GetValue(i))
                    {
                        case DBNull: Bytes(sha, 'n', null); break;
                        case long number: Text(sha, 'i', number.ToString(CultureInfo.InvariantCulture)); break;
                        case double real: Text(sha, 'f', real.ToString("R", CultureInfo.InvariantCulture)); break;
                        case byte[] bytes: Bytes(sha, 'b', bytes); break;
                        case var other: Text(sha, 't', Convert.ToString(other, CultureInfo.InvariantCulture)); break;
                    }
                }
            }
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static void Text(IncrementalHash sha, char tag, string? text) => Bytes(sha, tag, text is null ? null : Encoding.UTF8.GetBytes(text));

    /// <summary>One value: its tag, its length (or that it is null) and its bytes, so that no two sequences of values hash alike.</summary>
    private static void Bytes(IncrementalHash sha, char tag, byte[]? bytes)
    {
        sha.AppendData(Encoding.ASCII.GetBytes(bytes is null ? $"{tag}-:" : $"{tag}{bytes.Length.ToString(CultureInfo.InvariantCulture)}:"));
        if (bytes is not null) sha.AppendData(bytes);
    }

    private static async Task<bool> TableExistsAsync(SqliteConnection connection, string table) =>
        await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = @table", new { table }) > 0;

    /// <summary>The SQLite online backup of one file into a new one, created 0600; the copy is one file (no write-ahead log).</summary>
    private static void CopyFile(string sourceFile, string destinationFile)
    {
        if (!File.Exists(sourceFile)) throw new FileNotFoundException($"no store at {sourceFile}", sourceFile);
        if (File.Exists(destinationFile)) throw new IOException($"{destinationFile} already exists; a backup never overwrites a file");
        StoreFiles.PrivateFile(destinationFile);
        using var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = sourceFile, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        using var destination = Open(destinationFile, readOnly: false);
        source.Open();
        source.BackupDatabase(destination);
        destination.Execute("PRAGMA journal_mode=DELETE;");
    }

    private static SqliteConnection Open(string file, bool readOnly)
    {
        if (!File.Exists(file)) throw new FileNotFoundException($"no such file: {file}", file);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = file, Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite, Pooling = false,
        }.ToString());
        connection.Open();
        return connection;
    }
}
