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
/// A PostgreSQL store is backed up with <c>pg_dump</c> (docs/deploy.md) and verified with the same summary.
/// </summary>
public static class StoreBackup
{
    /// <summary>The ledger's tables and their keys: what the state hash covers.</summary>
    private static readonly (string Table, string Key)[] s_ledger =
    [
        ("orders", "id"), ("portfolios", "id"), ("trades", "trade_no"), ("offtakes", "id"),
        ("offtake_deliveries", "contract_id, tranche"), ("offtake_sla", "contract_id, month"),
    ];

    /// <summary>Copies the SQLite store <paramref name="sourceFile"/> to <paramref name="destinationFile"/>, which must not exist.</summary>
    public static void Copy(string sourceFile, string destinationFile)
    {
        if (!File.Exists(sourceFile)) throw new FileNotFoundException($"no store at {sourceFile}", sourceFile);
        if (File.Exists(destinationFile)) throw new IOException($"{destinationFile} already exists; a backup never overwrites a file");
        using var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = sourceFile, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        using var destination = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = destinationFile, Pooling = false }.ToString());
        source.Open();
        destination.Open();
        source.BackupDatabase(destination);
        // A backup is one file: no write-ahead log beside it.
        destination.Execute("PRAGMA journal_mode=DELETE;");
    }

    /// <summary>Checks a SQLite file's integrity and summarizes it; throws <see cref="InvalidDataException"/> when it is damaged.</summary>
    public static async Task<StoreSummary> VerifySqliteAsync(string file, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(file)) throw new FileNotFoundException($"no such file: {file}", file);
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken);
        var check = await connection.ExecuteScalarAsync<string>("PRAGMA integrity_check");
        if (check != "ok") throw new InvalidDataException($"{file} is damaged: {check}");
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
    /// Restores a verified backup into <paramref name="dataDirectory"/>, which must be missing or empty, as its
    /// <c>exchange.db</c>; returns the restored store's summary.
    /// </summary>
    public static async Task<StoreSummary> RestoreAsync(string backupFile, string dataDirectory, CancellationToken cancellationToken = default)
    {
        var backup = await VerifySqliteAsync(backupFile, cancellationToken);
        if (Directory.Exists(dataDirectory) && Directory.EnumerateFileSystemEntries(dataDirectory).Any())
            throw new IOException($"{dataDirectory} is not empty; restore into a new or empty directory");
        Directory.CreateDirectory(dataDirectory);
        var target = Path.Combine(dataDirectory, "exchange.db");
        Copy(backupFile, target);
        var restored = await VerifySqliteAsync(target, cancellationToken);
        return restored == backup ? restored : throw new InvalidDataException($"the restored store differs from the backup ({restored.StateHash} vs {backup.StateHash})");
    }
}
