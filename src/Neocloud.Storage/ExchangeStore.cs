using System.Data.Common;
using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;
using Neocloud.Storage.Schema;
using Npgsql;

namespace Neocloud.Storage;

/// <summary>
/// The exchange's durable state: the journal of accepted commands, engine snapshots, and the read models
/// (organizations, tokens, pools, orders, trades, idempotency records) — in SQLite or PostgreSQL, same SQL.
/// </summary>
public sealed partial class ExchangeStore : IAsyncDisposable
{
    /// <summary>What every SQLite connection sets: each commit flushed to disk before it returns, and a wait for the write lock.</summary>
    internal const string SqliteConnectionPragmas = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;";

    private readonly NpgsqlDataSource? _postgres;
    private readonly Lock _writerLock = new();
    private SqliteBatchWriter? _sqliteWriter;
    /// <summary>Each journal's chain head after the last commit (by shard; the one-machine journal under <see cref="JournalChain.NoShard"/>).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ChainHead> _chainHeads = new();

    private ExchangeStore(StoreOptions options)
    {
        Options = options;
        if (options.Provider == StoreProvider.Postgres) _postgres = NpgsqlDataSource.Create(options.ConnectionString);
    }

    /// <summary>The schema version this build writes and reads (older stores are brought to it, newer ones refused).</summary>
    public const int SchemaVersion = SchemaScript.Version;

    /// <summary>Where this store keeps its data.</summary>
    public StoreOptions Options { get; }

    /// <summary>Opens the store and creates any missing tables; a SQLite file (and its -wal and -shm) is made owner-only (0600).</summary>
    public static async Task<ExchangeStore> OpenAsync(StoreOptions options, CancellationToken cancellationToken = default)
    {
        if (options.Provider == StoreProvider.Sqlite && new SqliteConnectionStringBuilder(options.ConnectionString) is
            { Mode: not SqliteOpenMode.Memory, DataSource: { Length: > 0 } file } && file != ":memory:")
            StoreFiles.PrivateFile(file);
        var store = new ExchangeStore(options);
        try
        {
            await PrepareAsync(store, options, cancellationToken);
            return store;
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates what is missing and checks the schema's version, in one transaction.</summary>
    private static async Task PrepareAsync(ExchangeStore store, StoreOptions options, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken);
        if (options.Provider == StoreProvider.Sqlite)
        {
            // WAL lets readers run beside the single writer; the setting is stored in the file.
            await connection.ExecuteAsync("PRAGMA journal_mode=WAL;");
        }
        // Nodes of a cluster may start together on an empty database: one creates the tables while the others wait.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (options.Provider == StoreProvider.Postgres)
            await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtext('neocloud-schema'))", transaction: transaction);
        var stored = await CheckVersionAsync(connection, transaction, options.Provider);
        await connection.ExecuteAsync(SchemaScript.For(options.Provider), transaction: transaction);
        foreach (var (table, column, added) in SchemaScript.AddedColumns)
        {
            var type = added.Replace("{blob}", SchemaScript.BlobType(options.Provider), StringComparison.Ordinal);
            if (options.Provider == StoreProvider.Postgres)
                await connection.ExecuteAsync($"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {type}", transaction: transaction);
            else if (await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = @column", new { column }, transaction) == 0)
                await connection.ExecuteAsync($"ALTER TABLE {table} ADD COLUMN {column} {type}", transaction: transaction);
        }
        if (stored < SchemaScript.ChainedVersion) await ChainExistingJournalAsync(connection, transaction, cancellationToken);
        // A store from before the book was journaled: its book rows go into the journal at the exchange's first start.
        if (stored is > 0 and < SchemaScript.BookJournaledVersion)
            await connection.ExecuteAsync("INSERT INTO event_marks (mark, created_ms) VALUES (@mark, 0) ON CONFLICT (mark) DO NOTHING",
                new { mark = SchemaScript.BookImportPending }, transaction);
        await connection.ExecuteAsync("UPDATE schema_version SET version = @version WHERE id = 1", new { version = SchemaScript.Version }, transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Refuses a store written by a newer version (its schema may mean what this build cannot read); a store without a
    /// version is new or from before versions were kept, and is brought to this one.
    /// </summary>
    private static async Task<long> CheckVersionAsync(DbConnection connection, DbTransaction transaction, StoreProvider provider)
    {
        var integer = provider == StoreProvider.Postgres ? "BIGINT" : "INTEGER";
        await connection.ExecuteAsync($"CREATE TABLE IF NOT EXISTS schema_version (id {integer} PRIMARY KEY, version {integer} NOT NULL)", transaction: transaction);
        var stored = await connection.ExecuteScalarAsync<long?>("SELECT version FROM schema_version WHERE id = 1", transaction: transaction);
        if (stored > SchemaScript.Version) throw new StoreVersionException(stored.Value, SchemaScript.Version);
        if (stored is null) await connection.ExecuteAsync("INSERT INTO schema_version (id, version) VALUES (1, 0)", transaction: transaction);
        return stored ?? 0;
    }

    /// <summary>
    /// Chains the rows a store written before the hash chain holds, in sequence order (the one-machine journal and each
    /// cluster shard's), so the upgraded store verifies and its next commit continues the chain. Once, at the upgrade.
    /// </summary>
    private static async Task ChainExistingJournalAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        const int Page = 5000;
        var shards = (await connection.QueryAsync<string>(new CommandDefinition("SELECT DISTINCT shard FROM shard_journal", transaction: transaction,
            cancellationToken: cancellationToken))).ToList();
        foreach (var shard in shards.Prepend(JournalChain.NoShard))
        {
            var (table, where) = shard.Length == 0 ? ("journal", "") : ("shard_journal", "shard = @shard AND ");
            var previous = new byte[JournalChain.HashSize];
            long after = 0;
            while (true)
            {
                var rows = (await connection.QueryAsync<JournalEntry>(new CommandDefinition(
                    "SELECT sequence AS Sequence, recorded_ms AS RecordedMs, organization_id AS OrganizationId, command AS Command " +
                    $"FROM {table} WHERE {where}sequence > @after ORDER BY sequence LIMIT {Page}",
                    new { shard, after }, transaction, cancellationToken: cancellationToken))).ToList();
                if (rows.Count == 0) break;
                var sequences = new long[rows.Count];
                var hashes = new byte[rows.Count][];
                for (var i = 0; i < rows.Count; i++)
                {
                    previous = JournalChain.Of(previous, shard, rows[i]);
                    (sequences[i], hashes[i]) = (rows[i].Sequence, previous);
                }
                // PostgreSQL: the page in one statement (one round trip, not one a row); SQLite is in-process, a statement a row.
                if (connection is NpgsqlConnection)
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        $"UPDATE {table} AS j SET hash = v.hash FROM unnest(@sequences, @hashes) AS v(sequence, hash) WHERE {(shard.Length == 0 ? "" : "j.shard = @shard AND ")}j.sequence = v.sequence",
                        new { shard, sequences, hashes }, transaction, cancellationToken: cancellationToken));
                }
                else
                {
                    await connection.ExecuteAsync(new CommandDefinition($"UPDATE {table} SET hash = @hash WHERE {where}sequence = @sequence",
                        sequences.Select((sequence, i) => new { shard, sequence, hash = hashes[i] }), transaction, cancellationToken: cancellationToken));
                }
                after = rows[^1].Sequence;
            }
        }
    }

    /// <summary>Opens a connection; for SQLite, with every commit flushed to disk before it returns.</summary>
    public async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        if (_postgres is not null) return await _postgres.OpenConnectionAsync(cancellationToken);
        var connection = new SqliteConnection(Options.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(SqliteConnectionPragmas);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null) await _postgres.DisposeAsync();
        lock (_writerLock)
        {
            _sqliteWriter?.Dispose();
            _sqliteWriter = null;
        }
        if (_postgres is null) SqliteConnection.ClearAllPools();
    }

    private async Task<List<T>> QueryAsync<T>(string sql, object? parameters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).ToList();
    }

    private async Task<T?> SingleAsync<T>(string sql, object? parameters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await connection.QueryFirstOrDefaultAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
    }

    private static Task<int> InsertIdempotencyAsync(DbConnection connection, DbTransaction transaction, IEnumerable<IdempotencyRecord> records) =>
        connection.ExecuteAsync(
            "INSERT INTO idempotency (organization_id, idempotency_key, request_hash, status_code, response, created_ms) " +
            "VALUES (@OrganizationId, @IdempotencyKey, @RequestHash, @StatusCode, @Response, @CreatedMs)",
            records, transaction);

    private static long ParseCursor(string? after) =>
        after is null ? 0 : long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : long.MaxValue;

    private static Page<T> PageOf<T>(List<T> rows, int limit, Func<T, string> cursor)
    {
        if (rows.Count <= limit) return new Page<T>(rows, null);
        rows.RemoveAt(rows.Count - 1);
        return new Page<T>(rows, cursor(rows[^1]));
    }
}
