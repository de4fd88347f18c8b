using System.Data.Common;
using Dapper;
using Npgsql;

namespace Neocloud.Storage.Schema;

/// <summary>
/// Brings a store's schema to <see cref="SchemaScript.Version"/> at open: only when the stored version is older, by one
/// process at a time, in one transaction. A store that is current gets two reads and no DDL, no transaction and no
/// lock: a node joining a live cluster never blocks the commits of the others (<c>ALTER TABLE</c> takes an
/// <c>ACCESS EXCLUSIVE</c> lock, <c>CREATE INDEX</c> a <c>SHARE</c> lock, even when there is nothing to add).
/// </summary>
/// <remarks>
/// On PostgreSQL the upgrade runs under a transaction-scoped advisory lock (nodes starting together upgrade one after
/// another, the later ones find the store current and stop there), and with a short <c>lock_timeout</c>: an upgrade
/// waiting for a table behind live commits would queue every later commit behind it, so it gives up after
/// <see cref="LockTimeout"/> and tries again (also after a deadlock or a serialization failure), at most
/// <see cref="Attempts"/> times. A change to the DDL therefore needs a new <see cref="SchemaScript.Version"/>.
/// </remarks>
internal static class SchemaUpgrade
{
    /// <summary>The advisory lock's key text (the one every version of the store has taken, so old and new nodes exclude each other).</summary>
    private const string LockName = "neocloud-schema";

    /// <summary>How long one DDL statement of an upgrade waits for a table lock before the attempt is given up and retried.</summary>
    public static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How many times an upgrade is tried before opening the store fails.</summary>
    public const int Attempts = 30;

    /// <summary>Upgrades the store if its schema is older than this build's; true when it ran the upgrade (DDL), false when the store was current.</summary>
    public static async Task<bool> RunAsync(DbConnection connection, StoreProvider provider, CancellationToken cancellationToken)
    {
        if (await StoredVersionAsync(connection, provider, null, cancellationToken) is { } stored)
        {
            if (stored > SchemaScript.Version) throw new StoreVersionException(stored, SchemaScript.Version);
            if (stored == SchemaScript.Version) return false;
        }
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await UpgradeAsync(connection, provider, cancellationToken);
            }
            catch (PostgresException e) when (attempt < Attempts && e.SqlState is PostgresErrorCodes.LockNotAvailable
                or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                // Live commits held a table the upgrade needs: let them through, then try again.
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(100 * attempt, 2000) * (1 + Random.Shared.NextDouble() / 2)), cancellationToken);
            }
        }
    }

    /// <summary>One attempt: under the lock, checks the version again (another process may have upgraded meanwhile) and upgrades if still older.</summary>
    private static async Task<bool> UpgradeAsync(DbConnection connection, StoreProvider provider, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (provider == StoreProvider.Postgres)
        {
            await Execute(connection, transaction, $"SELECT pg_advisory_xact_lock(hashtext('{LockName}'))", cancellationToken);
            await Execute(connection, transaction, $"SET LOCAL lock_timeout = {(int)LockTimeout.TotalMilliseconds}", cancellationToken);
        }
        var integer = provider == StoreProvider.Postgres ? "BIGINT" : "INTEGER";
        var stored = await StoredVersionAsync(connection, provider, transaction, cancellationToken);
        if (stored > SchemaScript.Version) throw new StoreVersionException(stored.Value, SchemaScript.Version);
        if (stored == SchemaScript.Version)
        {
            await transaction.CommitAsync(cancellationToken);
            return false;
        }
        // A store without a version is new, or from before versions were kept: it is brought to this one.
        await Execute(connection, transaction, $"CREATE TABLE IF NOT EXISTS schema_version (id {integer} PRIMARY KEY, version {integer} NOT NULL)", cancellationToken);
        if (stored is null) await Execute(connection, transaction, "INSERT INTO schema_version (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING", cancellationToken);
        await Execute(connection, transaction, SchemaScript.For(provider), cancellationToken);
        foreach (var (table, column, added) in SchemaScript.AddedColumns)
        {
            var type = added.Replace("{blob}", SchemaScript.BlobType(provider), StringComparison.Ordinal);
            var present = provider == StoreProvider.Postgres
                ? "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @table AND column_name = @column"
                : $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = @column";
            if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(present, new { table, column }, transaction, cancellationToken: cancellationToken)) == 0)
                await Execute(connection, transaction, $"ALTER TABLE {table} ADD COLUMN {column} {type}", cancellationToken);
        }
        if ((stored ?? 0) < SchemaScript.ChainedVersion) await ExchangeStore.ChainExistingJournalAsync(connection, transaction, cancellationToken);
        // A store from before the book was journaled: its book rows go into the journal at the exchange's first start.
        if (stored is > 0 and < SchemaScript.BookJournaledVersion)
            await connection.ExecuteAsync(new CommandDefinition("INSERT INTO event_marks (mark, created_ms) VALUES (@mark, 0) ON CONFLICT (mark) DO NOTHING",
                new { mark = SchemaScript.BookImportPending }, transaction, cancellationToken: cancellationToken));
        // A store from before the configuration was journaled: its organizations, tokens, webhooks and procurements likewise.
        if (stored is > 0 and < SchemaScript.ConfigJournaledVersion)
            await connection.ExecuteAsync(new CommandDefinition("INSERT INTO event_marks (mark, created_ms) VALUES (@mark, 0) ON CONFLICT (mark) DO NOTHING",
                new { mark = ConfigProjection.ImportPending }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition("UPDATE schema_version SET version = @version WHERE id = 1", new { version = SchemaScript.Version },
            transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The stored version, or null when the store has none (new, or from before versions were kept); reads only.</summary>
    private static async Task<long?> StoredVersionAsync(DbConnection connection, StoreProvider provider, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        var exists = provider == StoreProvider.Postgres
            ? "SELECT COUNT(*) FROM pg_catalog.pg_class WHERE oid = to_regclass('schema_version')"
            : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'";
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(exists, transaction: transaction, cancellationToken: cancellationToken)) == 0) return null;
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT version FROM schema_version WHERE id = 1", transaction: transaction,
            cancellationToken: cancellationToken));
    }

    private static Task<int> Execute(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(sql, transaction: transaction, cancellationToken: cancellationToken));
}
