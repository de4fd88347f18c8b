using System.Data.Common;
using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;
using Neocloud.Domain.Paging;
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
        if (options.Provider == StoreProvider.Postgres) _postgres = NpgsqlDataSource.Create(PostgresConnectionString(options));
    }

    /// <summary>The options' connection string, with the server-side idle-in-transaction limit when they set one.</summary>
    private static string PostgresConnectionString(StoreOptions options)
    {
        if (options.IdleTransactionTimeout is not { } idle) return options.ConnectionString;
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        builder.Options = $"{builder.Options} -c idle_in_transaction_session_timeout={(long)idle.TotalMilliseconds}".Trim();
        return builder.ConnectionString;
    }

    /// <summary>The schema version this build writes and reads (older stores are brought to it, newer ones refused).</summary>
    public const int SchemaVersion = SchemaScript.Version;

    /// <summary>Where this store keeps its data.</summary>
    public StoreOptions Options { get; }

    /// <summary>
    /// Opens the store; creates or upgrades its tables only when its schema is older than this build's. A SQLite file (and
    /// its -wal and -shm) is made owner-only (0600).
    /// </summary>
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

    /// <summary>
    /// True when opening this store upgraded its schema (ran DDL: a new store, or one an older build wrote); false when
    /// the schema was already this build's and nothing was changed or locked.
    /// </summary>
    public bool SchemaUpgraded { get; private set; }

    /// <summary>Checks the schema's version and, only when it is older than this build's, upgrades it (<see cref="SchemaUpgrade"/>).</summary>
    private static async Task PrepareAsync(ExchangeStore store, StoreOptions options, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken);
        if (options.Provider == StoreProvider.Sqlite)
        {
            // WAL lets readers run beside the single writer; the setting is stored in the file.
            await connection.ExecuteAsync("PRAGMA journal_mode=WAL;");
        }
        store.SchemaUpgraded = await SchemaUpgrade.RunAsync(connection, options.Provider, cancellationToken);
    }

    /// <summary>
    /// Chains the rows a store written before the hash chain holds, in sequence order (the one-machine journal and each
    /// cluster shard's), so the upgraded store verifies and its next commit continues the chain. Once, at the upgrade.
    /// </summary>
    internal static async Task ChainExistingJournalAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
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
                    $"SELECT {JournalColumns} FROM {table} WHERE {where}sequence > @after ORDER BY sequence LIMIT {Page}",
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
